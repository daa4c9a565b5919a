import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { diachronicApiRef, DiachronicClient } from './api';
import { entityContentRouteRef, rootRouteRef } from './routes';

export const diachronicPlugin = createPlugin({
  id: 'diachronic',
  apis: [
    createApiFactory({
      api: diachronicApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) => new DiachronicClient({ discoveryApi, fetchApi }),
    }),
  ],
  routes: { root: rootRouteRef, entityContent: entityContentRouteRef },
});

/** The entity Rollout tab: `<EntityLayout.Route path="/rollout" title="Rollout" if={isDiachronicAvailable}>`. */
export const EntityDiachronicContent = diachronicPlugin.provide(
  createRoutableExtension({
    name: 'EntityDiachronicContent',
    component: () => import('./components/EntityDiachronicContent').then(m => m.EntityDiachronicContent),
    mountPoint: entityContentRouteRef,
  }),
);

/** The catalog-wide Deployments page: `<Route path="/diachronic" element={<DiachronicDeploymentsPage />} />`. */
export const DiachronicDeploymentsPage = diachronicPlugin.provide(
  createRoutableExtension({
    name: 'DiachronicDeploymentsPage',
    component: () => import('./components/DeploymentsPage').then(m => m.DeploymentsPage),
    mountPoint: rootRouteRef,
  }),
);

/** The manual start button (its form in a dialog) as a card, for an entity overview: disabled, saying why, without the start permission. */
export const EntityDiachronicStartCard = diachronicPlugin.provide(
  createComponentExtension({
    name: 'EntityDiachronicStartCard',
    component: {
      lazy: () => import('./components/EntityDiachronicContent').then(m => m.EntityStartDeploymentCard),
    },
  }),
);
