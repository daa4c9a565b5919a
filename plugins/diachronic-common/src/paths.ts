import type { ControlAction } from '@diachronic/contract';
import type { DeploymentListQuery } from './types';

/**
 * The REST routes, relative to the plugin's base URL (`/api/diachronic`). The backend registers these
 * patterns; clients build concrete paths with {@link diachronicApiPath} or {@link diachronicApiPaths}.
 */
export const diachronicRoutes = {
  deployments: '/deployments',
  entityFamilies: '/entity/:namespace/:kind/:name/families',
  deployment: '/entity/:namespace/:kind/:name/families/:family/deployments/:versionId',
  control: '/entity/:namespace/:kind/:name/families/:family/deployments/:versionId/:action',
  startDeployment: '/entity/:namespace/:kind/:name/deployments',
  /** POST freezes, DELETE unfreezes the entity's families. */
  entityFreeze: '/entity/:namespace/:kind/:name/freeze',
  /** POST freezes, DELETE unfreezes every family; GET reads that freeze. */
  freezeAll: '/freeze',
  githubWebhook: '/webhooks/github',
} as const;

export type DiachronicRoute = (typeof diachronicRoutes)[keyof typeof diachronicRoutes];

/** The `:name` parameters of a route pattern. */
export type RouteParams<T extends string> = T extends `${string}:${infer Param}/${infer Rest}`
  ? Param | RouteParams<Rest>
  : T extends `${string}:${infer Param}`
    ? Param
    : never;

/** Fills a route pattern: every parameter is one path segment, `encodeURIComponent`ed. */
export function diachronicApiPath<T extends DiachronicRoute>(
  route: T,
  params: Record<RouteParams<T>, string>,
): string {
  const values = params as Record<string, string>;
  return route.replace(/:([A-Za-z]+)/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined || value === '') throw new Error(`missing path parameter ${name} for ${route}`);
    return encodeURIComponent(value);
  });
}

/** An entity as the routes address it; `getCompoundEntityRef(entity)` gives one. */
export interface EntityRouteRef {
  kind: string;
  namespace?: string;
  name: string;
}

const entityParams = ({ kind, namespace, name }: EntityRouteRef) => ({
  kind,
  namespace: namespace || 'default',
  name,
});

/** The query string of the catalog-wide list, `?`-prefixed, or empty. */
function listQueryString(query: DeploymentListQuery = {}): string {
  const params = new URLSearchParams();
  const phases = query.phase === undefined ? [] : [query.phase].flat();
  if (phases.length > 0) params.set('phase', phases.join(','));
  if (query.owner) params.set('owner', query.owner);
  if (query.q) params.set('q', query.q);
  if (query.limit !== undefined) params.set('limit', String(query.limit));
  if (query.cursor) params.set('cursor', query.cursor);
  else if (query.offset !== undefined) params.set('offset', String(query.offset));
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** Concrete paths for each endpoint. */
export const diachronicApiPaths = {
  deployments: (query?: DeploymentListQuery) => `${diachronicRoutes.deployments}${listQueryString(query)}`,
  entityFamilies: (entity: EntityRouteRef) => diachronicApiPath(diachronicRoutes.entityFamilies, entityParams(entity)),
  deployment: (entity: EntityRouteRef, family: string, versionId: string) =>
    diachronicApiPath(diachronicRoutes.deployment, { ...entityParams(entity), family, versionId }),
  control: (entity: EntityRouteRef, family: string, versionId: string, action: ControlAction) =>
    diachronicApiPath(diachronicRoutes.control, { ...entityParams(entity), family, versionId, action }),
  startDeployment: (entity: EntityRouteRef) => diachronicApiPath(diachronicRoutes.startDeployment, entityParams(entity)),
  entityFreeze: (entity: EntityRouteRef) => diachronicApiPath(diachronicRoutes.entityFreeze, entityParams(entity)),
  freezeAll: () => diachronicRoutes.freezeAll,
  githubWebhook: () => diachronicRoutes.githubWebhook,
};

/** A task queue's page in Temporal's web UI (its pollers and backlog), from the namespace's page there. */
export function temporalTaskQueueUrl(namespaceUiUrl: string, taskQueue: string): string {
  return `${namespaceUiUrl}/task-queues/${encodeURIComponent(taskQueue)}`;
}

/** Temporal's web UI listing the workflows a visibility query finds, e.g. `TaskQueue = "order@1a2b3c4"`. */
export function temporalWorkflowsUrl(namespaceUiUrl: string, query: string): string {
  return `${namespaceUiUrl}/workflows?query=${encodeURIComponent(query)}`;
}

/** A flag's page in Unleash's admin UI, from its project's page there (`FamilyView.unleashUiUrl`). */
export function unleashFlagUrl(projectUiUrl: string, flag: string): string {
  return `${projectUiUrl}/features/${encodeURIComponent(flag)}`;
}

/** A commit on GitHub, from a catalog entity's `github.com/project-slug` (`owner/repo`). */
export function githubCommitUrl(projectSlug: string, sha: string, baseUrl = 'https://github.com'): string {
  return `${baseUrl.replace(/\/+$/, '')}/${projectSlug}/commit/${sha}`;
}

/** A workflow run's page in Temporal's web UI, from the namespace's page there (`FamilyView.temporalUiUrl`). */
export function temporalWorkflowUrl(namespaceUiUrl: string, workflowId: string, runId: string): string {
  return `${namespaceUiUrl}/workflows/${encodeURIComponent(workflowId)}/${encodeURIComponent(runId)}/history`;
}
