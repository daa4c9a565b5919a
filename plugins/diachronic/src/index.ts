/**
 * The Diachronic CI frontend plugin: the entity Rollout tab and the catalog-wide Deployments page.
 *
 * @packageDocumentation
 */
export {
  diachronicPlugin,
  DiachronicDeploymentsPage,
  EntityDiachronicContent,
  EntityDiachronicStartCard,
} from './plugin';
export { isDiachronicAvailable } from './isDiachronicAvailable';
export { diachronicApiRef, DiachronicClient } from './api';
export type { DiachronicApi } from './api';
export { rootRouteRef, entityContentRouteRef } from './routes';
