import {
  deploymentOptionsSchema,
  describeIssues,
  dryRunOutcome,
  dryRunReason,
  resolveMigrationWaves,
  resolveUpgradeDryRun,
  waveCount,
  waveTarget,
} from './index';

const problem = (options: unknown) => {
  const parsed = deploymentOptionsSchema.safeParse({ dark: false, migratory: true, ...(options as object) });
  return parsed.success ? undefined : describeIssues(parsed.error, 'options');
};

describe('migration waves', () => {
  const policy = resolveMigrationWaves({})!;

  it('default to a canary of 1% (1 to 50 workflows), then 10, 25, 50 and 100% with a 2 min bake', () => {
    expect(policy).toEqual({ canaryPercent: 1, canaryMin: 1, canaryMax: 50, percents: [10, 25, 50, 100], bakeMs: 120_000 });
    expect(waveCount(policy)).toBe(5);
    expect(resolveMigrationWaves({ enabled: false })).toBeUndefined();
    expect(resolveMigrationWaves({ percents: [20, 60] })!.percents).toEqual([20, 60, 100]);
  });

  it('size each wave by what routing allows: the canary bounded, later waves cumulative, the last one unlimited', () => {
    expect([0, 1, 2, 3, 4].map(index => waveTarget(policy, index, 200))).toEqual([2, 20, 50, 100, undefined]);
    // 1% of 30 rounds up to one workflow; of 100,000 the canary stops at 50.
    expect(waveTarget(policy, 0, 30)).toBe(1);
    expect(waveTarget(policy, 0, 100_000)).toBe(50);
    // Never more than routing allows, and nothing while it allows nothing.
    expect(waveTarget({ ...policy, canaryMin: 5 }, 0, 3)).toBe(3);
    expect(waveTarget(policy, 0, 0)).toBe(0);
    // A later wave never tells fewer than the canary did.
    expect(waveTarget({ ...policy, canaryMin: 40 }, 1, 200)).toBe(40);
  });

  it('refuses a bad plan, naming the field', () => {
    expect(problem({ waves: { percents: [50, 20] } })).toBe("options.waves.percents.1: 20 does not rise above the previous wave's 50");
    expect(problem({ waves: { canaryMin: 60 } })).toBe('options.waves.canaryMax: must not be below canaryMin');
    expect(problem({ waves: { bakeMs: 1e12 } })).toMatch(/^options\.waves\.bakeMs: must be at most 86400000 ms/);
    expect(problem({ waves: { signalsPerSecond: 0 } })).toBe('options.waves.signalsPerSecond: must be above 0');
    expect(problem({ waves: { percents: [10], extra: 1 } })).toMatch(/options\.waves.*extra/);
    expect(problem({ waves: { percents: [10, 40], bakeMs: 0, signalsPerSecond: 20 } })).toBeUndefined();
  });
});

describe('the upgrade dry run', () => {
  it('defaults to a sample of 20, a minute for the check, and stopping the migration on a failure', () => {
    expect(resolveUpgradeDryRun({})).toEqual({ sampleSize: 20, timeoutMs: 60_000, onFailure: 'stop-migration' });
    expect(resolveUpgradeDryRun(undefined)).toBeUndefined();
    expect(problem({ upgradeDryRun: { sampleSize: 1000 } })).toBe('options.upgradeDryRun.sampleSize: must be at most 100');
    expect(problem({ upgradeDryRun: { onFailure: 'ignore' } })).toMatch(/^options\.upgradeDryRun\.onFailure: /);
  });

  it('fails on any failure, and a check that checked nothing is not a pass', () => {
    expect(dryRunOutcome({ passed: 19, failed: 1 })).toBe('failed');
    expect(dryRunOutcome({ passed: 3, failed: 0 })).toBe('passed');
    expect(dryRunOutcome({ passed: 0, failed: 0 })).toBe('not checked');
  });

  it('says which workflows failed, with the error and the shape of their state', () => {
    const base = { at: '2026-12-04T10:00:00.000Z', running: 340, sampled: 20, passed: 18, failed: 2, unchecked: 0, notChecked: [] };
    const reason = dryRunReason(
      {
        ...base,
        outcome: 'failed',
        failures: [
          { workflowId: 'order-7', runId: 'r', workflowType: 'order', error: "TypeError: Cannot read properties of null (reading 'ref')", stateShape: '{ orderId: string, paymentRef: null }' },
        ],
      },
      'order@3f9c2ab',
    );
    expect(reason).toBe(
      "the upgrade of order@3f9c2ab failed on 2 of 20 sampled workflows (of 340 on the old queue): order-7 (order): TypeError: Cannot read properties of null (reading 'ref'); state { orderId: string, paymentRef: null }",
    );
    const notChecked = dryRunReason(
      { ...base, passed: 0, failed: 0, unchecked: 20, outcome: 'not checked', failures: [], notChecked: [{ workflowId: 'order-1', reason: 'the worker of order@3f9c2ab does not offer the check' }] },
      'order@3f9c2ab',
    );
    expect(notChecked).toBe('the upgrade was not checked (20 of 20 sampled workflows): the worker of order@3f9c2ab does not offer the check');
    expect(dryRunReason({ ...base, failed: 0, outcome: 'passed', failures: [] }, 'order@3f9c2ab')).toBeUndefined();
  });
});
