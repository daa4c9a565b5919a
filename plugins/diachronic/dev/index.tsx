/**
 * The plugin on its own against the backend plugin's dev server on http://localhost:7007
 * (`plugins/diachronic-backend`: `npx backstage-cli package start`, mock catalog with `component:default/orders`
 * owning the family `order`, every permission allowed):
 *
 *   npx backstage-cli package start
 *
 * The Rollout tab of that entity is at /catalog/default/component/orders/rollout, the Deployments page at
 * /diachronic.
 */
import { createDevApp } from '@backstage/dev-utils';
import { createApiFactory, createRoutableExtension, fetchApiRef, useRouteRefParams } from '@backstage/core-plugin-api';
import { Content, Header, Page, SidebarItem } from '@backstage/core-components';
import TrendingUpIcon from '@material-ui/icons/TrendingUp';
import type { Entity } from '@backstage/catalog-model';
import { EntityProvider, entityRouteRef } from '@backstage/plugin-catalog-react';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { mockApis } from '@backstage/test-utils';
import { DIACHRONIC_WORKFLOWS_ANNOTATION } from '@diachronic/backstage-plugin-diachronic-common';
import {
  diachronicApiRef,
  DiachronicClient,
  DiachronicDeploymentsPage,
  diachronicPlugin,
  EntityDiachronicContent,
} from '../src';

const backendBaseUrl = 'http://localhost:7007';

/** The dev backend's catalog has this entity; this app has no catalog, so it is fixed here. */
const ordersEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'orders',
    namespace: 'default',
    title: 'Orders',
    annotations: { [DIACHRONIC_WORKFLOWS_ANNOTATION]: 'order' },
  },
  spec: { type: 'service', lifecycle: 'experimental', owner: 'group:default/payments' },
};

function DevEntityPage() {
  const { kind, namespace, name } = useRouteRefParams(entityRouteRef);
  const entity: Entity = {
    ...ordersEntity,
    kind,
    metadata: { ...ordersEntity.metadata, namespace, name },
  };
  return (
    <Page themeId="service">
      <Header title={`${kind}:${namespace}/${name}`} subtitle="Rollout" />
      <Content>
        <EntityProvider entity={entity}>
          <EntityDiachronicContent />
        </EntityProvider>
      </Content>
    </Page>
  );
}

// Binds the catalog's entity route, so the Deployments page's entity links resolve in this app.
const DevEntityRoute = diachronicPlugin.provide(
  createRoutableExtension({
    name: 'DevEntityPage',
    component: async () => DevEntityPage,
    mountPoint: entityRouteRef,
  }),
);

createDevApp()
  .registerPlugin(diachronicPlugin)
  .registerApi(
    createApiFactory({
      api: diachronicApiRef,
      deps: { fetchApi: fetchApiRef },
      factory: ({ fetchApi }) =>
        new DiachronicClient({
          discoveryApi: { getBaseUrl: async pluginId => `${backendBaseUrl}/api/${pluginId}` },
          fetchApi,
        }),
    }),
  )
  // The dev backend allows everything and has no permission backend to ask; it still enforces its own.
  .registerApi(createApiFactory({ api: permissionApiRef, deps: {}, factory: () => mockApis.permission() }))
  .addPage({ path: '/catalog/:namespace/:kind/:name', element: <DevEntityRoute /> })
  .addSidebarItem(<SidebarItem icon={TrendingUpIcon} to="/catalog/default/component/orders/rollout" text="Rollout" />)
  .addPage({ path: '/diachronic', title: 'Deployments', element: <DiachronicDeploymentsPage /> })
  .render();
