/** One family's deployments as the caller acts on them: read one, control it, or ask for a new one. */
import { BackstageCredentials, BackstageUserPrincipal } from '@backstage/backend-plugin-api';
import { ConflictError, NotFoundError } from '@backstage/errors';
import { WorkflowHandle, WorkflowNotFoundError, WorkflowUpdateFailedError } from '@temporalio/client';
import { Actor, ControlAction, DeploymentState, RequestDeploymentResult, workflowIds } from '@diachronic/contract';
import {
  abortUpdate,
  cancelQueuedUpdate,
  overrideUpdate,
  pauseUpdate,
  promoteUpdate,
  resumeUpdate,
  searchAttributes,
} from '@diachronic/contract/temporal';
import {
  EntityRouteRef,
  StartDeploymentRequest,
  diachronicControlPermissions,
  diachronicDeploymentReadPermission,
  diachronicDeploymentStartPermission,
} from '@diachronic/backstage-plugin-diachronic-common';
import { DeploymentRequests } from './DeploymentRequests';
import { EntityAccess } from './entities';
import { TemporalAccess } from './temporal';
import { applicationFailureType, unavailable } from './temporalErrors';
import { findQueued, readDeployment, requestEvent } from './workflowQueries';

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

type UserCredentials = { credentials: BackstageCredentials<BackstageUserPrincipal> };

/** Every method checks the caller's permission on the family's owning catalog entity first. */
export class DeploymentControlService {
  constructor(
    private readonly options: { temporal: TemporalAccess; entities: EntityAccess; requests: DeploymentRequests },
  ) {}

  /** One deployment's live state. */
  async deployment(
    route: EntityRouteRef,
    family: string,
    versionId: string,
    { credentials }: { credentials: BackstageCredentials },
  ): Promise<DeploymentState> {
    const entity = await this.options.entities.authorizedEntity(route, diachronicDeploymentReadPermission, credentials);
    EntityAccess.requireFamily(entity, family);
    try {
      return await readDeployment(this.options.temporal, family, versionId);
    } catch (error) {
      // Not started yet: it may wait in the family's queue.
      if (!(error instanceof NotFoundError)) throw error;
      const queued = await findQueued(this.options.temporal, family, versionId);
      if (!queued) throw error;
      return queued.state;
    }
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
    const { temporal, entities } = this.options;
    const entity = await entities.authorizedEntity(route, diachronicControlPermissions[action], credentials);
    EntityAccess.requireFamily(entity, family);
    const actor: Actor = { who: credentials.principal.userEntityRef, ...(input.reason && { why: input.reason }) };
    if (action === 'cancel') return this.cancelQueued(family, versionId, actor);
    const handle = temporal.client.workflow.getHandle(workflowIds.deployment(family, versionId));
    try {
      return await temporal.withWorkerDeadline(() =>
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
      if (error instanceof WorkflowNotFoundError) {
        const queued = await findQueued(temporal, family, versionId);
        if (queued) {
          throw new ConflictError(
            `${action} refused: ${family} ${versionId} is queued at position ${queued.position}; a queued deployment can only be cancelled`,
          );
        }
        throw await this.endedOrMissing(handle, action, family, versionId);
      }
      throw unavailable(error, `${action} of ${family} ${versionId}`, temporal.taskQueue) ?? error;
    }
  }

  /** A manual deployment request by the calling user. */
  async start(
    route: EntityRouteRef,
    { family, versionId, sha, dark, migratory, schedule, gate, upgradeDryRun, waves, rollback, reason }: StartDeploymentRequest,
    { credentials }: UserCredentials,
  ): Promise<RequestDeploymentResult> {
    const { entities, requests } = this.options;
    const entity = await entities.authorizedEntity(route, diachronicDeploymentStartPermission, credentials);
    EntityAccess.requireFamily(entity, family);
    const request = requests.build({
      family,
      versionId,
      sha,
      ...(rollback && { rollback }),
      options: { dark, migratory, schedule, gate, upgradeDryRun, waves },
      requestedBy: { who: credentials.principal.userEntityRef, ...(reason && { why: reason }) },
      source: { kind: 'manual' },
    });
    return requests.send(request);
  }

  /** Takes the request out of the family's queue; answers it as it ends: `cancelled`, with who and why. */
  private async cancelQueued(family: string, versionId: string, actor: Actor): Promise<DeploymentState> {
    const { temporal } = this.options;
    const handle = temporal.client.workflow.getHandle(workflowIds.family(family));
    let after;
    try {
      after = await temporal.withWorkerDeadline(() => handle.executeUpdate(cancelQueuedUpdate, { args: [{ ...actor, versionId }] }));
    } catch (error) {
      if (error instanceof WorkflowUpdateFailedError && applicationFailureType(error.cause) === 'ActionRefused') {
        throw new ConflictError(error.cause!.message);
      }
      if (error instanceof WorkflowNotFoundError) throw new NotFoundError(`no deployment of ${family} ${versionId} is queued`);
      throw unavailable(error, `cancel of ${family} ${versionId}`, temporal.taskQueue) ?? error;
    }
    const entry = after.cancelled?.findLast(request => request.versionId === versionId);
    if (!entry?.request) throw new Error(`the family workflow of ${family} did not record the cancel of ${versionId}`);
    return {
      request: entry.request,
      phase: 'cancelled',
      reason: `cancelled by ${actor.who}${actor.why ? `: ${actor.why}` : ''}`,
      livePercent: 0,
      startedAt: entry.requestedAt,
      endedAt: entry.cancelledAt,
      events: [
        requestEvent(entry.request, entry.requestedAt, 'queued'),
        { at: entry.cancelledAt, who: actor.who, action: 'cancel', ...(actor.why && { why: actor.why }) },
      ],
    };
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
