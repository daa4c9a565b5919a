import {
  BackstageCredentials,
  BackstageUserPrincipal,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  TerminatedFailure,
  WorkflowFailedError,
  WorkflowHandle,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
} from '@temporalio/client';
import {
  Actor,
  ControlAction,
  DeploymentPhase,
  DeploymentState,
  FamilyState,
  RequestDeploymentResult,
  abortUpdate,
  deploymentStateQuery,
  familyStateQuery,
  overrideUpdate,
  pauseUpdate,
  promoteUpdate,
  resumeUpdate,
  searchAttributes,
  workflowIds,
} from '@diachronic/ci/contract';
import type { VersionFlag, VersionFlags } from '@diachronic/ci/unleash';
import {
  DeploymentHistoryEntry,
  DeploymentListResponse,
  DeploymentSummary,
  EntityFamiliesResponse,
  EntityRouteRef,
  FamilyDeploymentSummary,
  FamilyVersion,
  FamilyView,
  StartDeploymentRequest,
  diachronicControlPermissions,
  diachronicDeploymentReadPermission,
  diachronicDeploymentStartPermission,
} from '@diachronic/backstage-plugin-diachronic-common';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { DeploymentRequests } from './DeploymentRequests';
import { EntityAccess } from './entities';
import { TemporalAccess } from './temporal';
import { applicationFailureType, unavailable } from './temporalErrors';
import {
  isValidFamily,
  listDeploymentsOf,
  listFamilyDeployments,
  listFamilyWorkflowsOf,
  listQueuedFamilies,
  listRecentDeployments,
} from './visibility';

/** How many past deployments the entity view shows per family. */
export const HISTORY_LIMIT = 20;

export interface DeploymentListFilter {
  phases?: DeploymentPhase[];
  owner?: string;
  q?: string;
  limit: number;
  offset: number;
}

export interface ControlInput {
  reason?: string;
  /** override only. */
  percent?: number;
}

const updates = {
  promote: promoteUpdate,
  pause: pauseUpdate,
  resume: resumeUpdate,
  abort: abortUpdate,
} as const;

type Credentials = { credentials: BackstageCredentials };
type UserCredentials = { credentials: BackstageCredentials<BackstageUserPrincipal> };

function familyVersion(flag: VersionFlag): FamilyVersion {
  let status: FamilyVersion['status'] = 'dark';
  if (flag.archived) status = 'archived';
  else if (flag.aborted) status = 'aborted';
  else if (flag.livePercent > 0) status = 'live';
  return {
    versionId: flag.versionId,
    seq: flag.seq,
    taskQueue: flag.taskQueue,
    flag: flag.flag,
    status,
    livePercent: flag.livePercent,
    darkEnabled: flag.darkEnabled,
    ...(flag.sha && { sha: flag.sha }),
    ...(flag.aborted && { aborted: flag.aborted }),
  };
}

function ownerMatches(owner: string | undefined, wanted: string): boolean {
  if (!owner) return false;
  try {
    const ref = stringifyEntityRef(parseEntityRef(wanted, { defaultKind: 'group', defaultNamespace: 'default' }));
    return owner.toLocaleLowerCase('en-US') === ref.toLocaleLowerCase('en-US');
  } catch {
    return false;
  }
}

function matchesText(item: FamilyDeploymentSummary, q: string): boolean {
  const text = [item.family, item.entityRef, item.entityTitle, item.owner, item.latest?.versionId]
    .filter(Boolean)
    .join('\n')
    .toLocaleLowerCase('en-US');
  return text.includes(q.toLocaleLowerCase('en-US'));
}

function failureReason(error: WorkflowFailedError): string {
  const message = error.cause?.message ?? error.message;
  return error.cause instanceof TerminatedFailure ? `terminated: ${message}` : message;
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Deployment state, versions and history for the API, and the controls. Every method checks the
 * caller's permission on the owning catalog entity first.
 */
export class DeploymentService {
  private readonly temporal: TemporalAccess;
  private readonly versionFlags: VersionFlags;
  private readonly entities: EntityAccess;
  private readonly requests: DeploymentRequests;
  private readonly taskQueue: string;
  private readonly logger: LoggerService;

  constructor(options: {
    temporal: TemporalAccess;
    versionFlags: VersionFlags;
    entities: EntityAccess;
    requests: DeploymentRequests;
    taskQueue: string;
    logger: LoggerService;
  }) {
    this.temporal = options.temporal;
    this.versionFlags = options.versionFlags;
    this.entities = options.entities;
    this.requests = options.requests;
    this.taskQueue = options.taskQueue;
    this.logger = options.logger;
  }

  /**
   * Every family the caller may read, with its owner and latest deployment. Three lists run at once:
   * the catalog's annotated entities, the most recent page of deployments (the latest of every
   * family deployed lately) and the family workflows with a queue. Only families whose latest
   * deployment is older than that page cost more: two lists per 100 of them.
   */
  async listDeployments(filter: DeploymentListFilter, { credentials }: Credentials): Promise<DeploymentListResponse> {
    const { client } = this.temporal;
    const [entities, recent, queued] = await Promise.all([
      this.entities.readableOwningEntities(diachronicDeploymentReadPermission, credentials),
      this.visibility('list deployments', () => listRecentDeployments(client)),
      this.visibility('list deployments', () => listQueuedFamilies(client)),
    ]);
    const queueLength = new Map(queued.map(row => [row.family, row.queueLength]));
    // Rows come newest first: a family's first row is its latest deployment.
    const latest = new Map<string, DeploymentSummary>();
    for (const { family, summary } of recent.rows) if (!latest.has(family)) latest.set(family, summary);

    const owned = entities.flatMap(entity =>
      entity.families.filter(isValidFamily).map(family => ({ entity, family })),
    );
    const older = [...new Set(owned.map(({ family }) => family))].filter(family => !latest.has(family));
    if (!recent.complete && older.length > 0) {
      const familyWorkflows = await this.visibility('list deployments', () => listFamilyWorkflowsOf(client, older));
      const versions = familyWorkflows.flatMap(({ family, versionId }) => (versionId ? [{ family, versionId }] : []));
      const rows = await this.visibility('list deployments', () => listDeploymentsOf(client, versions));
      for (const { family, summary } of rows) {
        if (!latest.has(family)) latest.set(family, summary);
      }
    }

    const items = owned
      .map(
        ({ entity, family }): FamilyDeploymentSummary => ({
          family,
          entityRef: entity.entityRef,
          ...(entity.title && { entityTitle: entity.title }),
          ...(entity.owner && { owner: entity.owner }),
          queueLength: queueLength.get(family) ?? 0,
          ...(latest.has(family) && { latest: latest.get(family) }),
        }),
      )
      .filter(
        item =>
          (!filter.phases || (item.latest?.phase !== undefined && filter.phases.includes(item.latest.phase))) &&
          (!filter.owner || ownerMatches(item.owner, filter.owner)) &&
          (!filter.q || matchesText(item, filter.q)),
      )
      .sort((a, b) => a.family.localeCompare(b.family) || a.entityRef.localeCompare(b.entityRef));

    const { offset, limit } = filter;
    const next = offset + limit;
    return {
      items: items.slice(offset, next),
      totalCount: items.length,
      offset,
      limit,
      ...(next < items.length && { nextCursor: encodeCursor(next) }),
    };
  }

  /** The entity's families: versions, the running deployment, the queue and recent history of each. */
  async entityFamilies(route: EntityRouteRef, { credentials }: Credentials): Promise<EntityFamiliesResponse> {
    const entity = await this.entities.authorizedEntity(route, diachronicDeploymentReadPermission, credentials);
    return {
      entityRef: entity.entityRef,
      families: await Promise.all(entity.families.map(family => this.familyView(family))),
    };
  }

  /** One deployment's live state. */
  async deployment(
    route: EntityRouteRef,
    family: string,
    versionId: string,
    { credentials }: Credentials,
  ): Promise<DeploymentState> {
    const entity = await this.entities.authorizedEntity(route, diachronicDeploymentReadPermission, credentials);
    EntityAccess.requireFamily(entity, family);
    return this.queryDeployment(family, versionId);
  }

  /** A control action as the calling user; a refusal by the workflow is a 409 carrying its reason. */
  async control(
    route: EntityRouteRef,
    family: string,
    versionId: string,
    action: ControlAction,
    input: ControlInput,
    { credentials }: UserCredentials,
  ): Promise<DeploymentState> {
    const entity = await this.entities.authorizedEntity(route, diachronicControlPermissions[action], credentials);
    EntityAccess.requireFamily(entity, family);
    const actor: Actor = { who: credentials.principal.userEntityRef, ...(input.reason && { why: input.reason }) };
    const handle = this.temporal.client.workflow.getHandle(workflowIds.deployment(family, versionId));
    try {
      return await this.temporal.withWorkerDeadline(() =>
        action === 'override'
          ? handle.executeUpdate(overrideUpdate, { args: [{ ...actor, percent: input.percent! }] })
          : handle.executeUpdate(updates[action], { args: [actor] }),
      );
    } catch (error) {
      if (error instanceof WorkflowUpdateFailedError) {
        if (applicationFailureType(error.cause) === 'ActionRefused') throw new ConflictError(error.cause!.message);
        throw new Error(`${action} of ${family} ${versionId} failed: ${error.cause?.message ?? error.message}`, {
          cause: error,
        });
      }
      if (error instanceof WorkflowNotFoundError) throw await this.endedOrMissing(handle, action, family, versionId);
      throw unavailable(error, `${action} of ${family} ${versionId}`, this.taskQueue) ?? error;
    }
  }

  /** A manual deployment request by the calling user. */
  async start(
    route: EntityRouteRef,
    input: StartDeploymentRequest,
    { credentials }: UserCredentials,
  ): Promise<RequestDeploymentResult> {
    const entity = await this.entities.authorizedEntity(route, diachronicDeploymentStartPermission, credentials);
    EntityAccess.requireFamily(entity, input.family);
    const { reason, ...ask } = input;
    const request = this.requests.build({
      ...ask,
      requestedBy: { who: credentials.principal.userEntityRef, ...(reason && { why: reason }) },
      source: { kind: 'manual' },
    });
    return this.requests.send(request);
  }

  private async familyView(family: string): Promise<FamilyView> {
    if (!isValidFamily(family)) {
      return {
        family,
        versions: [],
        queue: [],
        history: [],
        problems: [`${JSON.stringify(family)} is not a valid family name (lowercase letters, digits, '.', '-', '_')`],
      };
    }
    const problems: string[] = [];
    // A part that cannot be read is reported with the rest rather than failing the whole view.
    const orProblem = <T>(what: string, fallback: T) => (error: unknown): T => {
      this.logger.warn(`Diachronic: could not read ${what} of ${family}`, error instanceof Error ? error : undefined);
      const problem = unavailable(error, `could not read ${what}`, this.taskQueue);
      problems.push(problem ? problem.message : `could not read ${what}: ${errorMessage(error)}`);
      return fallback;
    };
    const [versions, live, history] = await Promise.all([
      this.versionFlags
        .listVersions(family, { includeArchived: true })
        .then(flags => flags.map(familyVersion).reverse(), orProblem('the versions in Unleash', [] as FamilyVersion[])),
      this.familyState(family)
        .then(async state => ({
          queue: state.queue,
          deployment: state.current ? await this.queryDeployment(family, state.current.versionId) : undefined,
        }))
        .catch(orProblem('the running deployment', { queue: [] as FamilyState['queue'], deployment: undefined })),
      this.history(family),
    ]);
    return {
      family,
      ...(problems.length > 0 && { problems }),
      versions,
      ...(live.deployment && { deployment: live.deployment }),
      queue: live.queue,
      history,
    };
  }

  private async familyState(family: string): Promise<FamilyState> {
    const handle = this.temporal.client.workflow.getHandle(workflowIds.family(family));
    try {
      return await this.temporal.withWorkerDeadline(() => handle.query(familyStateQuery));
    } catch (error) {
      // No family workflow: the family never had a deployment request.
      if (error instanceof WorkflowNotFoundError) return { family, queue: [] };
      throw error;
    }
  }

  private async queryDeployment(family: string, versionId: string): Promise<DeploymentState> {
    const handle = this.temporal.client.workflow.getHandle(workflowIds.deployment(family, versionId));
    try {
      return await this.temporal.withWorkerDeadline(() => handle.query(deploymentStateQuery));
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) throw new NotFoundError(`no deployment of ${family} ${versionId}`);
      throw unavailable(error, `state of the deployment of ${family} ${versionId}`, this.taskQueue) ?? error;
    }
  }

  /** Recent deployments from visibility; the reason of those that ended otherwise than completed. */
  private async history(family: string): Promise<DeploymentHistoryEntry[]> {
    const rows = await this.visibility(`list the deployments of ${family}`, () =>
      listFamilyDeployments(this.temporal.client, family, HISTORY_LIMIT),
    );
    return Promise.all(rows.map(({ summary }) => this.withReason(summary)));
  }

  private async withReason(summary: DeploymentSummary): Promise<DeploymentHistoryEntry> {
    const ended = summary.status !== 'running';
    if (!ended || (summary.status === 'completed' && summary.phase === 'completed')) return summary;
    // Only the close event is read: the deployment's final state, or the failure.
    const handle = this.temporal.client.workflow.getHandle(summary.workflowId, summary.runId, { followRuns: false });
    try {
      const state: DeploymentState = await handle.result();
      return state.reason ? { ...summary, reason: state.reason } : summary;
    } catch (error) {
      if (error instanceof WorkflowFailedError) return { ...summary, reason: failureReason(error) };
      this.logger.warn(`Diachronic: could not read how ${summary.workflowId} ended`, error instanceof Error ? error : undefined);
      return summary;
    }
  }

  /** A visibility call; 503 when Temporal cannot be reached. */
  private async visibility<T>(what: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw unavailable(error, `could not ${what}`, this.taskQueue) ?? error;
    }
  }

  private async endedOrMissing(handle: WorkflowHandle, action: ControlAction, family: string, versionId: string) {
    try {
      const description = await handle.describe();
      const phase = description.typedSearchAttributes.get(searchAttributes.phase);
      return new ConflictError(
        `${action} refused: the deployment of ${family} ${versionId} has ended (${phase ?? description.status.name.toLowerCase()})`,
      );
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return new NotFoundError(`no deployment of ${family} ${versionId}`);
      throw error;
    }
  }
}

/** Opaque page cursors: the offset of the next page. */
export function encodeCursor(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64url');
}

export function decodeCursor(cursor: string): number {
  try {
    const { offset } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Number.isSafeInteger(offset) && offset >= 0) return offset;
  } catch {
    // Reported below.
  }
  throw new InputError(`cursor ${JSON.stringify(cursor)} is not a cursor this API returned`);
}
