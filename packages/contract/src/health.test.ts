import {
  GATE_EVALUATIONS_KEPT,
  GATE_FAILURE_MEMO_CHARS,
  gateFailureMemoAfter,
  GateEvaluation,
  GateMeasurement,
  healthGateSchema,
  judgeGate,
  keepEvaluations,
  resolveHealthGate,
} from './health';
import { describeIssues } from './requests';

const policy = resolveHealthGate({})!;
const context = { taskQueue: 'order@3f9c2ab', since: '2026-12-01T10:00:00.000Z', at: '2026-12-01T10:04:00.000Z' };
const healthy: GateMeasurement = {
  started: 31,
  failed: 0,
  workflowTaskFailures: 0,
  method: 'reported-problems+sample',
  sampled: 20,
  failedExamples: [],
  workflowTaskFailureExamples: [],
  calls: 25,
};

describe('resolveHealthGate', () => {
  it('fills in the defaults, and is off when disabled or absent', () => {
    expect(policy).toEqual({ maxFailedPercent: 5, minSamples: 10, maxWorkflowTaskFailures: 0, intervalMs: 30_000, onFailure: 'abort' });
    expect(resolveHealthGate({ webhook: { url: 'https://slo.example/check' } })?.webhook).toEqual({ url: 'https://slo.example/check', timeoutMs: 10_000 });
    expect(resolveHealthGate({ enabled: false, minSamples: 3 })).toBeUndefined();
    expect(resolveHealthGate(undefined)).toBeUndefined();
  });
});

describe('healthGateSchema', () => {
  it.each([
    [{ maxFailedPercent: 101 }, 'gate.maxFailedPercent: must be at most 100'],
    [{ minSamples: 0 }, 'gate.minSamples: must be at least 1'],
    [{ maxWorkflowTaskFailures: 1.5 }, 'gate.maxWorkflowTaskFailures: must be a whole number'],
    [{ intervalMs: 10 }, 'gate.intervalMs: must be at least 1000 ms'],
    [{ onFailure: 'rollback' }, 'gate.onFailure: Invalid option: expected one of "abort"|"pause"'],
    [{ webhook: { url: 'ftp://x' } }, 'gate.webhook.url: must be an http(s) URL'],
    [{ webhook: { url: 'https://x', timeoutMs: 600_000 } }, 'gate.webhook.timeoutMs: must be at most 60000 ms (a minute)'],
    [{ surprise: true }, 'gate: Unrecognized key: "surprise"'],
  ])('names the field and the limit: %j', (gate, problem) => {
    const parsed = healthGateSchema.safeParse(gate);
    expect(parsed.success).toBe(false);
    expect(describeIssues(parsed.error!, 'gate')).toBe(problem);
  });
});

describe('judgeGate', () => {
  it('passes a healthy version', () => {
    expect(judgeGate(healthy, policy, context)).toEqual({ passed: true });
  });

  it('fails on too many failed workflows, saying what was measured, the limit and which workflows', () => {
    const verdict = judgeGate(
      {
        ...healthy,
        failed: 2,
        failedExamples: [
          { workflowId: 'order-881', what: 'failed', message: "TypeError: Cannot read properties of undefined (reading 'sku')" },
          { workflowId: 'order-890', what: 'terminated', message: 'stuck (by ops@example.com)' },
        ],
      },
      policy,
      context,
    );
    expect(verdict).toEqual({
      passed: false,
      reason:
        "2 of 31 workflows on order@3f9c2ab failed in 4 min (6.5%, limit 5%): order-881 failed 'TypeError: Cannot read properties of " +
        "undefined (reading 'sku')'; order-890 terminated 'stuck (by ops@example.com)'",
    });
  });

  it('does not judge the failed percentage below minSamples, and says so', () => {
    expect(judgeGate({ ...healthy, started: 4, failed: 4 }, policy, context)).toEqual({
      passed: true,
      note: '4 of 10 samples: the failed percentage does not count yet',
    });
  });

  it('fails on any workflow task failure by default, even with few samples', () => {
    const verdict = judgeGate(
      {
        ...healthy,
        started: 2,
        workflowTaskFailures: 1,
        workflowTaskFailureExamples: [{ workflowId: 'order-903', what: 'nondeterminism', message: '[TMPRL1100] Nondeterminism error' }],
      },
      policy,
      context,
    );
    expect(verdict.passed).toBe(false);
    expect(verdict.reason).toBe("1 workflow on order@3f9c2ab failing its workflow task (limit 0): order-903 nondeterminism '[TMPRL1100] Nondeterminism error'");
    expect(judgeGate({ ...healthy, workflowTaskFailures: 3 }, { ...policy, maxWorkflowTaskFailures: 3 }, context).passed).toBe(true);
  });

  it('fails when the webhook does, and names every problem at once', () => {
    const verdict = judgeGate(
      { ...healthy, failed: 31, workflowTaskFailures: 2, webhook: { passed: false, status: 500, reason: 'HTTP 500: burn rate 14x' } },
      policy,
      context,
    );
    expect(verdict.reason).toBe(
      '31 of 31 workflows on order@3f9c2ab failed in 4 min (100%, limit 5%); 2 workflows on order@3f9c2ab failing their workflow task ' +
        '(limit 0); the webhook check failed: HTTP 500: burn rate 14x',
    );
  });
});

describe('keepEvaluations', () => {
  const evaluation = (i: number, passed: boolean): GateEvaluation => ({
    ...healthy,
    at: new Date(Date.UTC(2026, 11, 1, 10, 0, i)).toISOString(),
    since: context.since,
    trigger: 'interval',
    passed,
  });

  it('keeps the latest evaluations and every older failure, both bounded', () => {
    let kept: GateEvaluation[] = [];
    for (let i = 0; i < 200; i++) kept = keepEvaluations(kept, evaluation(i, i % 7 !== 0));
    const latest = kept.slice(-GATE_EVALUATIONS_KEPT);
    expect(latest.map(e => e.at)).toEqual(Array.from({ length: GATE_EVALUATIONS_KEPT }, (_, k) => evaluation(180 + k, true).at));
    const older = kept.slice(0, -GATE_EVALUATIONS_KEPT);
    expect(older).toHaveLength(GATE_EVALUATIONS_KEPT);
    expect(older.every(e => !e.passed)).toBe(true);
    // Oldest first, the newest failures kept.
    expect(older.at(-1)!.at).toBe(evaluation(175, false).at);
  });
});

describe('gateFailureMemoAfter', () => {
  const evaluation = (passed: boolean, reason?: string): GateEvaluation => ({
    ...healthy,
    at: '2026-12-01T10:00:00.000Z',
    since: context.since,
    trigger: 'interval',
    passed,
    ...(reason !== undefined && { reason }),
  });

  it('changes the memo only when the result changes: set on a first failure, cleared on the next pass', () => {
    expect(gateFailureMemoAfter(false, evaluation(true))).toBeUndefined();
    expect(gateFailureMemoAfter(false, evaluation(false, '2 of 31 failed'))).toEqual({ at: '2026-12-01T10:00:00.000Z', reason: '2 of 31 failed' });
    expect(gateFailureMemoAfter(true, evaluation(false, 'still failing'))).toBeUndefined();
    expect(gateFailureMemoAfter(true, evaluation(true))).toBeNull();
  });

  it('cuts a long reason, so that every list row stays small', () => {
    const memo = gateFailureMemoAfter(false, evaluation(false, 'x'.repeat(5000)));
    expect(memo!.reason).toHaveLength(GATE_FAILURE_MEMO_CHARS);
    expect(memo!.reason.endsWith('…')).toBe(true);
  });
});
