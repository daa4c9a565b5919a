/**
 * A deployment's workflows that fail their workflow tasks (a bug, nondeterminism, a payload that does not
 * decode): Temporal retries such a task forever and the workflow neither moves nor answers queries, so
 * the backend looks for them itself, from Temporal's description of each run.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import { StuckWorkflow, workflowIds } from '@diachronic/contract';
import { TemporalAccess } from './temporal';

const timestampMs = (time: { seconds?: unknown; nanos?: number | null } | null | undefined) =>
  time ? Number(String(time.seconds ?? 0)) * 1000 + Math.floor((time.nanos ?? 0) / 1e6) : undefined;

/** The message of the run's last failed workflow task, from the newest events of its history. */
async function lastTaskFailure(temporal: TemporalAccess, workflowId: string, runId: string): Promise<string | undefined> {
  const { history } = await temporal.client.workflowService.getWorkflowExecutionHistoryReverse({
    namespace: temporal.client.options.namespace,
    execution: { workflowId, runId },
    maximumPageSize: 20,
  });
  const failed = history?.events?.find(event => event.workflowTaskFailedEventAttributes);
  return failed?.workflowTaskFailedEventAttributes?.failure?.message?.slice(0, 1000) ?? undefined;
}

async function stuckRun(temporal: TemporalAccess, workflowId: string, stuckAfterMs: number, nowMs: number) {
  let description;
  try {
    description = await temporal.client.workflow.getHandle(workflowId).describe();
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return undefined;
    throw error;
  }
  const task = description.raw.pendingWorkflowTask;
  if (description.status.name !== 'RUNNING' || !task || (task.attempt ?? 0) < 2) return undefined;
  const since = timestampMs(task.originalScheduledTime) ?? timestampMs(task.scheduledTime);
  if (since === undefined || nowMs - since < stuckAfterMs) return undefined;
  const stuck: StuckWorkflow = {
    workflowId,
    workflowType: description.type,
    failingSince: new Date(since).toISOString(),
    attempts: task.attempt!,
  };
  const failure = await lastTaskFailure(temporal, workflowId, description.runId).catch(() => undefined);
  return failure ? { ...stuck, lastFailure: failure } : stuck;
}

/**
 * The deployment's own workflow and its rollout and migration, those that have failed their workflow
 * tasks for at least `stuckAfterMs`.
 */
export async function findStuckWorkflows(
  temporal: TemporalAccess,
  family: string,
  versionId: string,
  stuckAfterMs: number,
): Promise<StuckWorkflow[]> {
  const nowMs = Date.now();
  const ids = [workflowIds.deployment(family, versionId), workflowIds.rollout(family, versionId), workflowIds.migration(family, versionId)];
  const runs = await Promise.all(ids.map(id => stuckRun(temporal, id, stuckAfterMs, nowMs)));
  return runs.filter((run): run is StuckWorkflow => run !== undefined);
}

/** A stuck workflow as the tab's list of problems says it. */
export function describeStuck(stuck: StuckWorkflow): string {
  const failure = stuck.lastFailure ? `: ${stuck.lastFailure}` : '';
  return `${stuck.workflowType} ${stuck.workflowId} has failed its workflow task since ${stuck.failingSince} (attempt ${stuck.attempts})${failure}`;
}
