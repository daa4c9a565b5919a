/**
 * The health gate's measurement: what Temporal knows about the workflows on a new version's task queue
 * since its deployment began, and an optional webhook's answer. No metrics system: visibility counts,
 * a few lists and describes, each bounded whatever the number of workflows.
 */
import { createHmac } from 'node:crypto';
import { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { temporal as proto } from '@temporalio/proto';
import {
  cutText,
  GATE_EXAMPLES,
  GateExample,
  GateMeasurement,
  HealthGatePolicy,
  VersionRef,
  WorkflowTaskFailureMethod,
} from '@diachronic/contract';

export interface HealthActivityDeps {
  temporal: Client;
  /** Signs webhook requests (`X-Diachronic-Signature-256: sha256=<hmac of the body>`) when set. */
  gateWebhookSecret?: string;
  /** Running workflows described per evaluation to find failing workflow tasks early. */
  gateSampleSize?: number;
}

export interface EvaluateHealthInput {
  version: VersionRef;
  /** ISO time the counting begins: the deployment's start. */
  since: string;
  policy: HealthGatePolicy;
  /** What the webhook is told about the deployment. */
  deployment: { workflowId: string; phase: string; livePercent: number };
}

const ENDED_BADLY = ['Failed', 'TimedOut', 'Terminated'];
const WORKFLOW_TASK_FAILED = 'category=WorkflowTaskFailed';
const MAX_MESSAGE = 500;
const { WorkflowTaskFailedCause, EventType } = proto.api.enums.v1;

type History = proto.api.history.v1.IHistoryEvent[];

/** A workflow task failure's cause in words. */
export function causeText(cause: proto.api.enums.v1.WorkflowTaskFailedCause | null | undefined): string {
  switch (cause) {
    case WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_NON_DETERMINISTIC_ERROR:
      return 'nondeterminism';
    case WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE:
      return 'error in workflow code';
    case WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_BAD_BINARY:
      return 'bad binary';
    default: {
      const name = cause === null || cause === undefined ? undefined : WorkflowTaskFailedCause[cause];
      return name ? name.replace('WORKFLOW_TASK_FAILED_CAUSE_', '').toLowerCase().replace(/_/g, ' ') : 'workflow task failed';
    }
  }
}

/** `cause=WorkflowTaskFailedCauseNonDeterministicError` (a TemporalReportedProblems value) in words. */
function reportedCauseText(values: string[]): string {
  const cause = values.find(value => value.startsWith('cause='))?.slice('cause='.length) ?? '';
  if (cause.includes('NonDeterministic')) return 'nondeterminism';
  if (cause.includes('WorkerUnhandledFailure')) return 'error in workflow code';
  return cause ? cause.replace(/^WorkflowTaskFailedCause/, '').replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase() : 'workflow task failed';
}

function clip(text: string | null | undefined): string | undefined {
  return text ? cutText(text, MAX_MESSAGE) : undefined;
}

/** A failure's message and, when it wraps another (an activity's), the one at its root: `Activity task failed: card declined`. */
function failureText(failure: proto.api.failure.v1.IFailure): string {
  let root = failure;
  while (root.cause) root = root.cause;
  return root === failure ? `${failure.message ?? ''}` : `${failure.message ?? ''}: ${root.message ?? ''}`;
}

const ENDED_AS: Record<string, string> = { TimedOut: 'timed out', Terminated: 'terminated' };

export function createHealthActivities({ temporal, gateWebhookSecret, gateSampleSize = 20 }: HealthActivityDeps) {
  const namespace = temporal.options.namespace;
  let reportedProblems: boolean | undefined;

  /** Whether the server sets TemporalReportedProblems (asked once per worker; servers from 1.30 can). */
  async function serverReportsProblems(): Promise<boolean> {
    if (reportedProblems === undefined) {
      const { namespaceInfo } = await temporal.workflowService.describeNamespace({ namespace });
      reportedProblems = namespaceInfo?.capabilities?.reportedProblemsSearchAttribute === true;
    }
    return reportedProblems;
  }

  async function lastEvents(workflowId: string, runId: string): Promise<History> {
    const { history } = await temporal.workflowService.getWorkflowExecutionHistoryReverse({
      namespace,
      execution: { workflowId, runId },
      maximumPageSize: 20,
    });
    return history?.events ?? [];
  }

  /** How a closed run ended, from its close event. */
  async function endedExample(workflowId: string, runId: string, status: string): Promise<GateExample> {
    const { history } = await temporal.workflowService.getWorkflowExecutionHistory({
      namespace,
      execution: { workflowId, runId },
      historyEventFilterType: proto.api.enums.v1.HistoryEventFilterType.HISTORY_EVENT_FILTER_TYPE_CLOSE_EVENT,
    });
    const close = history?.events?.[0];
    const failure = close?.workflowExecutionFailedEventAttributes?.failure;
    const terminated = close?.workflowExecutionTerminatedEventAttributes;
    let message = failure ? failureText(failure) : undefined;
    if (terminated) message = `${terminated.reason ?? ''}${terminated.identity ? ` (by ${terminated.identity})` : ''}`;
    const clipped = clip(message);
    return { workflowId, what: ENDED_AS[status] ?? 'failed', ...(clipped && { message: clipped }) };
  }

  /** The last failed workflow task of a run (a timed-out one is a worker that went away, not a bug). */
  async function failingTask(workflowId: string, runId: string): Promise<GateExample | undefined> {
    const events = await lastEvents(workflowId, runId);
    const problem = events.find(
      event => event.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED || event.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT,
    );
    const failed = problem?.workflowTaskFailedEventAttributes;
    if (!failed) return undefined;
    return { workflowId, what: causeText(failed.cause), ...(clip(failed.failure?.message) && { message: clip(failed.failure?.message) }) };
  }

  return {
    async evaluateHealth({ version, since, policy, deployment }: EvaluateHealthInput): Promise<GateMeasurement> {
      let calls = 0;
      const count = async (query: string) => {
        calls += 1;
        return Number((await temporal.workflow.count(query)).count);
      };
      const list = async (query: string, pageSize: number) => {
        calls += 1;
        const { executions } = await temporal.workflowService.listWorkflowExecutions({ namespace, query, pageSize });
        return executions ?? [];
      };
      const queue = `TaskQueue = ${JSON.stringify(version.taskQueue)}`;
      const sinceDeployment = `${queue} AND StartTime >= ${JSON.stringify(since)}`;
      const endedBadly = `${sinceDeployment} AND (${ENDED_BADLY.map(status => `ExecutionStatus = "${status}"`).join(' OR ')})`;
      const running = `${queue} AND ExecutionStatus = "Running"`;

      const [started, failed] = await Promise.all([count(sinceDeployment), count(endedBadly)]);
      const failedExamples =
        failed === 0
          ? []
          : await Promise.all(
              (await list(endedBadly, GATE_EXAMPLES)).map(execution => {
                calls += 1;
                const status = proto.api.enums.v1.WorkflowExecutionStatus[execution.status ?? 0] ?? '';
                const name = { WORKFLOW_EXECUTION_STATUS_TIMED_OUT: 'TimedOut', WORKFLOW_EXECUTION_STATUS_TERMINATED: 'Terminated' }[status] ?? 'Failed';
                return endedExample(execution.execution!.workflowId!, execution.execution!.runId!, name);
              }),
            );

      // Workflow tasks that keep failing: flagged by the server after a few attempts, and found sooner in a
      // sample of the running workflows (a pending task on its second attempt whose last attempt failed).
      const failing = new Map<string, GateExample>();
      const runIds = new Map<string, string>();
      let reportedCount = 0;
      let method: WorkflowTaskFailureMethod = 'sample';
      if (await serverReportsProblems()) {
        method = 'reported-problems+sample';
        const reported = `${running} AND TemporalReportedProblems = ${JSON.stringify(WORKFLOW_TASK_FAILED)}`;
        reportedCount = await count(reported);
        if (reportedCount > 0) {
          for (const execution of await list(reported, GATE_EXAMPLES)) {
            const { workflowId, runId } = execution.execution!;
            const payload = execution.searchAttributes?.indexedFields?.TemporalReportedProblems;
            const values = payload ? defaultPayloadConverter.fromPayload<string[]>(payload) : [];
            failing.set(workflowId!, { workflowId: workflowId!, what: reportedCauseText(values ?? []) });
            runIds.set(workflowId!, runId!);
          }
        }
      }
      const sample = await list(running, gateSampleSize);
      await Promise.all(
        sample.map(async execution => {
          const { workflowId, runId } = execution.execution!;
          calls += 1;
          const description = await temporal.workflowService.describeWorkflowExecution({ namespace, execution: { workflowId, runId } });
          if ((description.pendingWorkflowTask?.attempt ?? 0) < 2) return;
          calls += 1;
          const example = await failingTask(workflowId!, runId!);
          if (example) failing.set(workflowId!, example);
        }),
      );
      // The server's flagged ones without a message yet get it from their history (at most GATE_EXAMPLES).
      await Promise.all(
        [...failing.values()]
          .filter(example => !example.message)
          .slice(0, GATE_EXAMPLES)
          .map(async example => {
            calls += 1;
            const found = await failingTask(example.workflowId, runIds.get(example.workflowId) ?? '').catch(() => undefined);
            if (found?.message) example.message = found.message;
          }),
      );

      const measurement: GateMeasurement = {
        started,
        failed,
        workflowTaskFailures: Math.max(reportedCount, failing.size),
        method,
        sampled: sample.length,
        failedExamples,
        workflowTaskFailureExamples: [...failing.values()].slice(0, GATE_EXAMPLES),
        calls,
      };
      if (policy.webhook) measurement.webhook = await askWebhook(policy.webhook, { version, since, deployment, measurement });
      return measurement;
    },
  };

  async function askWebhook(
    webhook: NonNullable<HealthGatePolicy['webhook']>,
    { version, since, deployment, measurement }: { version: VersionRef; since: string; deployment: EvaluateHealthInput['deployment']; measurement: GateMeasurement },
  ): Promise<NonNullable<GateMeasurement['webhook']>> {
    const body = JSON.stringify({
      family: version.family,
      versionId: version.versionId,
      taskQueue: version.taskQueue,
      since,
      ...deployment,
      measured: { started: measurement.started, failed: measurement.failed, workflowTaskFailures: measurement.workflowTaskFailures },
    });
    const headers: Record<string, string> = { 'Content-Type': 'application/json', 'User-Agent': 'diachronic-ci-health-gate' };
    if (gateWebhookSecret) headers['X-Diachronic-Signature-256'] = `sha256=${createHmac('sha256', gateWebhookSecret).update(body).digest('hex')}`;
    try {
      const response = await fetch(webhook.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(webhook.timeoutMs), redirect: 'manual' });
      if (response.status >= 200 && response.status < 300) return { passed: true, status: response.status };
      const text = clip((await response.text().catch(() => '')).trim());
      return { passed: false, status: response.status, reason: `HTTP ${response.status}${text ? `: ${text}` : ''}` };
    } catch (error) {
      const name = (error as Error).name;
      if (name === 'TimeoutError' || name === 'AbortError') return { passed: false, reason: `no answer within ${webhook.timeoutMs} ms` };
      const cause = (error as { cause?: { code?: string; message?: string } }).cause;
      return { passed: false, reason: `could not be reached: ${cause?.code ?? cause?.message ?? (error as Error).message}` };
    }
  }
}
