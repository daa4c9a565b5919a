/**
 * The health gate: the policy a deployment is guarded by, what one evaluation measured, and the verdict.
 * The worker measures (from Temporal's visibility and an optional webhook); the verdict and its reason
 * are computed here, purely, so that the workflow, the backend and the UI read them the same way.
 */
import { z } from 'zod';

export const DEFAULT_GATE_MAX_FAILED_PERCENT = 5;
export const DEFAULT_GATE_MIN_SAMPLES = 10;
export const DEFAULT_GATE_MAX_WORKFLOW_TASK_FAILURES = 0;
export const DEFAULT_GATE_INTERVAL_MS = 30_000;
export const DEFAULT_GATE_WEBHOOK_TIMEOUT_MS = 10_000;
/** Evaluations a deployment keeps: the latest this many, and every failure besides (also bounded). */
export const GATE_EVALUATIONS_KEPT = 20;
/** Workflows a reason names at most. */
export const GATE_EXAMPLES = 10;

const MAX_URL_LENGTH = 2048;

export const gateOnFailureSchema = z.enum(['abort', 'pause']);
export type GateOnFailure = z.infer<typeof gateOnFailureSchema>;

export const gateWebhookSchema = z.strictObject({
  /** POSTed the deployment's state; 2xx passes. Not a secret: requests are signed with the worker's secret instead. */
  url: z
    .string()
    .max(MAX_URL_LENGTH, `must be at most ${MAX_URL_LENGTH} characters`)
    .refine(value => /^https?:\/\/[^\s/?#]+[^\s]*$/.test(value), 'must be an http(s) URL'),
  timeoutMs: z
    .number()
    .int('must be a whole number of milliseconds')
    .min(100, 'must be at least 100 ms')
    .max(60_000, 'must be at most 60000 ms (a minute)')
    .optional(),
});

/** A deployment's health gate as a request or the configuration gives it: every field optional. */
export const healthGateSchema = z.strictObject({
  /** Whether the gate runs (default true when a gate is given). */
  enabled: z.boolean().optional(),
  /** Failed, timed-out or terminated workflows on the new version, in % of those that started there. */
  maxFailedPercent: z.number().min(0, 'must not be negative').max(100, 'must be at most 100').optional(),
  /** Workflows that must have started on the new version before the failed percentage counts. */
  minSamples: z.number().int('must be a whole number').min(1, 'must be at least 1').max(1_000_000, 'must be at most 1000000').optional(),
  /** Running workflows on the new version whose workflow task keeps failing (nondeterminism, code errors). */
  maxWorkflowTaskFailures: z
    .number()
    .int('must be a whole number')
    .min(0, 'must not be negative')
    .max(1_000_000, 'must be at most 1000000')
    .optional(),
  /** How often the gate is evaluated while rolling out and migrating (besides before every step). */
  intervalMs: z
    .number()
    .int('must be a whole number of milliseconds')
    .min(1000, 'must be at least 1000 ms')
    .max(60 * 60 * 1000, 'must be at most 3600000 ms (an hour)')
    .optional(),
  /** What a failed evaluation does: abort the deployment (live 0%) or pause its rollout. */
  onFailure: gateOnFailureSchema.optional(),
  webhook: gateWebhookSchema.optional(),
});
export type HealthGate = z.infer<typeof healthGateSchema>;

/** A gate with every default filled in. */
export interface HealthGatePolicy {
  maxFailedPercent: number;
  minSamples: number;
  maxWorkflowTaskFailures: number;
  intervalMs: number;
  onFailure: GateOnFailure;
  webhook?: { url: string; timeoutMs: number };
}

/** The policy a gate stands for, or undefined when it is off (or not given). */
export function resolveHealthGate(gate: HealthGate | undefined): HealthGatePolicy | undefined {
  if (!gate || gate.enabled === false) return undefined;
  return {
    maxFailedPercent: gate.maxFailedPercent ?? DEFAULT_GATE_MAX_FAILED_PERCENT,
    minSamples: gate.minSamples ?? DEFAULT_GATE_MIN_SAMPLES,
    maxWorkflowTaskFailures: gate.maxWorkflowTaskFailures ?? DEFAULT_GATE_MAX_WORKFLOW_TASK_FAILURES,
    intervalMs: gate.intervalMs ?? DEFAULT_GATE_INTERVAL_MS,
    onFailure: gate.onFailure ?? 'abort',
    ...(gate.webhook && { webhook: { url: gate.webhook.url, timeoutMs: gate.webhook.timeoutMs ?? DEFAULT_GATE_WEBHOOK_TIMEOUT_MS } }),
  };
}

/** A workflow the reason names: its id and why it is counted. */
export interface GateExample {
  workflowId: string;
  /** `failed`, `timed out`, `terminated`, or the workflow task's failure cause (`nondeterminism`, …). */
  what: string;
  message?: string;
}

/**
 * How workflow task failures were found: Temporal's `TemporalReportedProblems` search attribute (set by
 * the server after a few consecutive failed attempts), and a bounded sample of running workflows described
 * one by one (a pending workflow task on its second attempt or later whose last attempt failed).
 */
export type WorkflowTaskFailureMethod = 'reported-problems+sample' | 'sample';

/** What one evaluation measured on the new version's task queue since the deployment began. */
export interface GateMeasurement {
  /** Workflows that started on the new version's queue (new starts and migrated runs). */
  started: number;
  /** Of those, ended Failed, TimedOut or Terminated. */
  failed: number;
  workflowTaskFailures: number;
  method: WorkflowTaskFailureMethod;
  /** Running workflows described for the sample method. */
  sampled: number;
  /** Up to GATE_EXAMPLES failed workflows, then up to GATE_EXAMPLES with failing workflow tasks. */
  failedExamples: GateExample[];
  workflowTaskFailureExamples: GateExample[];
  /** Visibility and describe calls the evaluation made. */
  calls: number;
  webhook?: { passed: boolean; status?: number; reason?: string };
}

export interface GateEvaluation extends GateMeasurement {
  /** ISO time (workflow time) of the evaluation. */
  at: string;
  /** When the counting began: the deployment's start. */
  since: string;
  /** Why it was evaluated: before a rollout step, before a migration wave, or on the interval. */
  trigger: 'before step' | 'before wave' | 'interval';
  passed: boolean;
  /** What failed, with the measured values, the limits and the workflows: absent when it passed. */
  reason?: string;
  /** Why the failed percentage did not count yet (fewer samples than minSamples). */
  note?: string;
}

export interface GateState {
  policy: HealthGatePolicy;
  /** The latest evaluations, newest last, plus every failure (bounded: see GATE_EVALUATIONS_KEPT). */
  evaluations: GateEvaluation[];
}

const percentText = (value: number) => `${Math.round(value * 10) / 10}%`;

function durationText(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes >= 1) return `${minutes} min`;
  return `${Math.max(1, Math.round(ms / 1000))} s`;
}

const exampleText = ({ workflowId, what, message }: GateExample) =>
  `${workflowId} ${what}${message ? ` '${message.length > 200 ? `${message.slice(0, 199)}…` : message}'` : ''}`;

/** Judges a measurement against the policy; the reason says what was measured, the limit and the workflows. */
export function judgeGate(
  measurement: GateMeasurement,
  policy: HealthGatePolicy,
  context: { taskQueue: string; since: string; at: string },
): Pick<GateEvaluation, 'passed' | 'reason' | 'note'> {
  const problems: string[] = [];
  let note: string | undefined;
  const failedPercent = measurement.started === 0 ? 0 : (measurement.failed / measurement.started) * 100;
  const window = durationText(Date.parse(context.at) - Date.parse(context.since));
  if (measurement.started < policy.minSamples) {
    note = `${measurement.started} of ${policy.minSamples} samples: the failed percentage does not count yet`;
  } else if (failedPercent > policy.maxFailedPercent) {
    const examples = measurement.failedExamples.map(exampleText).join('; ');
    problems.push(
      `${measurement.failed} of ${measurement.started} workflows on ${context.taskQueue} failed in ${window} ` +
        `(${percentText(failedPercent)}, limit ${percentText(policy.maxFailedPercent)})${examples ? `: ${examples}` : ''}`,
    );
  }
  if (measurement.workflowTaskFailures > policy.maxWorkflowTaskFailures) {
    const examples = measurement.workflowTaskFailureExamples.map(exampleText).join('; ');
    const count = measurement.workflowTaskFailures;
    problems.push(
      `${count} workflow${count === 1 ? '' : 's'} on ${context.taskQueue} failing ${count === 1 ? 'its' : 'their'} workflow task ` +
        `(limit ${policy.maxWorkflowTaskFailures})${examples ? `: ${examples}` : ''}`,
    );
  }
  if (measurement.webhook && !measurement.webhook.passed) {
    problems.push(`the webhook check failed: ${measurement.webhook.reason ?? `HTTP ${measurement.webhook.status}`}`);
  }
  return { passed: problems.length === 0, ...(problems.length > 0 && { reason: problems.join('; ') }), ...(note && { note }) };
}

/** The evaluations kept after adding one: the latest GATE_EVALUATIONS_KEPT, and failures besides up to as many. */
export function keepEvaluations(kept: GateEvaluation[], added: GateEvaluation): GateEvaluation[] {
  const all = [...kept, added];
  const latest = new Set(all.slice(-GATE_EVALUATIONS_KEPT));
  const olderFailures = all.filter(evaluation => !latest.has(evaluation) && !evaluation.passed).slice(-GATE_EVALUATIONS_KEPT);
  const keep = new Set([...olderFailures, ...latest]);
  return all.filter(evaluation => keep.has(evaluation));
}

/** `text`, or its first `max - 1` characters and an ellipsis when longer. */
export function cutText(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The health gate's latest failure, as a deployment's memo carries it to the lists. */
export interface GateFailureMemo {
  /** ISO time (workflow time) of the failed evaluation. */
  at: string;
  /** Its reason, cut to GATE_FAILURE_MEMO_CHARS. */
  reason: string;
}

/** A memo rides along every list row: the reason it carries is cut to this many characters. */
export const GATE_FAILURE_MEMO_CHARS = 300;

/**
 * What a deployment's memo becomes after an evaluation, given whether it shows a failure now: the failure
 * when one begins, null (cleared) when an evaluation passes after one, undefined when nothing changes.
 */
export function gateFailureMemoAfter(shown: boolean, evaluation: GateEvaluation): GateFailureMemo | null | undefined {
  if (evaluation.passed !== shown) return undefined;
  if (evaluation.passed) return null;
  return { at: evaluation.at, reason: cutText(evaluation.reason ?? 'the health gate failed', GATE_FAILURE_MEMO_CHARS) };
}
