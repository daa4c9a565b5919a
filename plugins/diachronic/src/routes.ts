import { createRouteRef } from '@backstage/core-plugin-api';

/** The catalog-wide Deployments page. */
export const rootRouteRef = createRouteRef({ id: 'diachronic' });

/** The entity Rollout tab, mounted by the app under the entity page. */
export const entityContentRouteRef = createRouteRef({ id: 'diachronic:entity-content' });
