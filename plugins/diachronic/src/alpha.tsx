/**
 * The Diachronic CI frontend plugin for Backstage's new frontend system (what `@backstage/create-app`
 * generates): `createApp({ features: [diachronicPlugin] })` with `import diachronicPlugin from
 * '@diachronic/backstage-plugin-diachronic/alpha'`. It adds the Rollout tab to entities that own workflow
 * families, the Deployments page with its nav item, and the API client.
 *
 * @packageDocumentation
 */
import TrendingUpIcon from '@material-ui/icons/TrendingUp';
import { compatWrapper, convertLegacyRouteRef } from '@backstage/core-compat-api';
import {
  ApiBlueprint,
  PageBlueprint,
  createFrontendPlugin,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { diachronicApiRef, DiachronicClient } from './api';
import { isDiachronicAvailable } from './isDiachronicAvailable';
import { entityContentRouteRef, rootRouteRef } from './routes';

/** The REST client, built on the app's discovery and fetch APIs. */
export const diachronicApi = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: diachronicApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) => new DiachronicClient({ discoveryApi, fetchApi }),
    }),
});

/** The catalog-wide Deployments page at `/diachronic`, in the nav as "Deployments". */
export const diachronicDeploymentsPage = PageBlueprint.make({
  params: {
    path: '/diachronic',
    title: 'Deployments',
    icon: <TrendingUpIcon />,
    routeRef: convertLegacyRouteRef(rootRouteRef),
    // The page has its own header, with a subtitle.
    noHeader: true,
    loader: () => import('./components/DeploymentsPage').then(m => compatWrapper(<m.DeploymentsPage />)),
  },
});

/** The Rollout tab, on entities whose `diachronic.dev/workflows` annotation names families. */
export const diachronicEntityContent = EntityContentBlueprint.make({
  params: {
    path: '/rollout',
    title: 'Rollout',
    filter: isDiachronicAvailable,
    routeRef: convertLegacyRouteRef(entityContentRouteRef),
    loader: () =>
      import('./components/EntityDiachronicContent').then(m => compatWrapper(<m.EntityDiachronicContent />)),
  },
});

export default createFrontendPlugin({
  pluginId: 'diachronic',
  title: 'Deployments',
  icon: <TrendingUpIcon />,
  routes: {
    root: convertLegacyRouteRef(rootRouteRef),
    entityContent: convertLegacyRouteRef(entityContentRouteRef),
  },
  extensions: [diachronicApi, diachronicDeploymentsPage, diachronicEntityContent],
});
