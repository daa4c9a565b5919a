/** The queries the backend asks Diachronic's workflows, with their errors turned into HTTP ones. */
import { NotFoundError, ServiceUnavailableError } from '@backstage/errors';
import { WorkflowNotFoundError } from '@temporalio/client';
import {
  DeploymentEvent,
  DeploymentRequest,
  DeploymentState,
  FamilyState,
  QueuedRequest,
  workflowIds,
} from '@diachronic/contract';
import { deploymentStateQuery, familyStateQuery } from '@diachronic/contract/temporal';
import { describeStuck, findStuckWorkflows } from './stuckWorkflows';
import { TemporalAccess } from './temporal';
import { unavailable } from './temporalErrors';

/** One deployment's live state; 404 when there is no such deployment, 503 when its worker does not answer. */
export async function queryDeploymentState(
  temporal: TemporalAccess,
  family: string,
  versionId: string,
): Promise<DeploymentState> {
  const handle = temporal.client.workflow.getHandle(workflowIds.deployment(family, versionId));
  try {
    return await temporal.withWorkerDeadline(() => handle.query(deploymentStateQuery));
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) throw new NotFoundError(`no deployment of ${family} ${versionId}`);
    throw unavailable(error, `state of the deployment of ${family} ${versionId}`, temporal.taskQueue) ?? error;
  }
}

/**
 * One deployment's live state with its stuck workflows. When the deployment's own workflow is stuck it
 * cannot answer: a 503 that says which workflow fails its tasks, and with what.
 */
export async function readDeployment(temporal: TemporalAccess, family: string, versionId: string): Promise<DeploymentState> {
  const [state, stuck] = await Promise.all([
    queryDeploymentState(temporal, family, versionId).then(
      value => ({ value }),
      (error: unknown) => ({ error }),
    ),
    // Looking for stuck workflows is a diagnosis: it never hides the state it accompanies.
    findStuckWorkflows(temporal, family, versionId, temporal.stuckAfterMs).catch(() => []),
  ]);
  if ('error' in state) {
    if (stuck.length > 0 && !(state.error instanceof NotFoundError)) {
      throw new ServiceUnavailableError(`the deployment of ${family} ${versionId} cannot answer: ${stuck.map(describeStuck).join('; ')}`);
    }
    throw state.error;
  }
  return stuck.length > 0 ? { ...state.value, stuck } : state.value;
}

/** The family workflow's state: its running deployment and queue; empty when the family never had a request. */
export async function queryFamilyState(temporal: TemporalAccess, family: string): Promise<FamilyState> {
  const handle = temporal.client.workflow.getHandle(workflowIds.family(family));
  try {
    return await temporal.withWorkerDeadline(() => handle.query(familyStateQuery));
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return { family, queue: [] };
    throw error;
  }
}

/** A request waiting in its family's queue, as the deployment it will become: phase `queued`. */
export function queuedDeploymentState(
  { request, requestedAt }: QueuedRequest & { request: DeploymentRequest },
  position: number,
  runningVersionId: string | undefined,
): DeploymentState {
  const where = `queued at position ${position}${runningVersionId ? ` behind ${runningVersionId}` : ''}`;
  return {
    request,
    phase: 'queued',
    reason: where,
    livePercent: 0,
    startedAt: requestedAt,
    events: [requestEvent(request, requestedAt, where)],
  };
}

/** The first event of every deployment: who asked for it, and why. */
export function requestEvent(request: DeploymentRequest, at: string, detail: string): DeploymentEvent {
  const { who, why } = request.requestedBy;
  return { at, who, action: 'request', ...(why && { why }), detail };
}

/** The queued request of this version, with its 1-based position, if it waits in the family's queue. */
export async function findQueued(temporal: TemporalAccess, family: string, versionId: string) {
  const state = await queryFamilyState(temporal, family);
  const index = state.queue.findIndex(entry => entry.versionId === versionId);
  const entry = state.queue[index];
  if (!entry?.request) return undefined;
  return { state: queuedDeploymentState({ ...entry, request: entry.request }, index + 1, state.current?.versionId), position: index + 1 };
}
