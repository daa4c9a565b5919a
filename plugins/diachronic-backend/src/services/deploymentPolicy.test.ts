import { DeploymentPolicies, DeploymentPolicy } from './deploymentPolicy';

const policies = (defaults: DeploymentPolicy = {}, families: Record<string, DeploymentPolicy> = {}) =>
  new DeploymentPolicies(defaults, new Map(Object.entries(families)));

describe('the options a deployment runs with', () => {
  it('are guarded by default: the health gate, the upgrade dry run and waves, each with its own defaults', () => {
    expect(policies().optionsFor('order', {})).toEqual({ dark: false, migratory: false, gate: {}, upgradeDryRun: {}, waves: {} });
  });

  it('take the defaults, then the family, then the request: guards field by field, every other option whole', () => {
    const defaults = { migratory: false, sweepIntervalMs: 60_000, gate: { intervalMs: 5000 }, waves: { bakeMs: 20_000 } };
    const family = {
      migratory: true,
      schedule: [
        { percent: 50, pauseMs: 1000 },
        { percent: 100, pauseMs: 0 },
      ],
      gate: { maxFailedPercent: 2 },
      upgradeDryRun: { enabled: false },
    };
    const request = { schedule: [{ percent: 100, pauseMs: 0 }], gate: { minSamples: 3 }, waves: { canaryMin: 5 } };
    expect(policies(defaults, { 'order.eu': family }).optionsFor('order.eu', request)).toEqual({
      dark: false,
      migratory: true,
      sweepIntervalMs: 60_000,
      schedule: [{ percent: 100, pauseMs: 0 }],
      gate: { intervalMs: 5000, maxFailedPercent: 2, minSamples: 3 },
      upgradeDryRun: { enabled: false },
      waves: { bakeMs: 20_000, canaryMin: 5 },
    });
    // Another family gets the defaults only.
    expect(policies(defaults, { 'order.eu': family }).optionsFor('billing', {}).migratory).toBe(false);
  });

  it('let a request turn a guard on again that its family turned off', () => {
    const options = policies({}, { order: { waves: { enabled: false } } }).optionsFor('order', { waves: { enabled: true }, gate: undefined });
    expect(options.waves).toEqual({ enabled: true });
    expect(options.gate).toEqual({});
  });

  it('refuse a request that changes a locked option, naming it; the same value is no change', () => {
    const locked = policies({ locked: ['schedule'] }, { order: { migratory: true, gate: { maxFailedPercent: 1 }, locked: ['gate', 'migratory'] } });
    expect(() => locked.optionsFor('order', { gate: { maxFailedPercent: 10 } })).toThrow(
      'options.gate: the policy of family order does not let a request change it',
    );
    expect(() => locked.optionsFor('order', { migratory: false })).toThrow('options.migratory: the policy of family order does not let a request change it');
    expect(locked.optionsFor('order', { migratory: true, gate: { maxFailedPercent: 1 }, dark: true })).toMatchObject({ dark: true, migratory: true });
    // The family's list replaces the defaults': its schedule may change, another family's may not.
    expect(locked.optionsFor('order', { schedule: [{ percent: 100, pauseMs: 0 }] }).schedule).toEqual([{ percent: 100, pauseMs: 0 }]);
    expect(() => locked.optionsFor('billing', { schedule: [{ percent: 100, pauseMs: 0 }] })).toThrow(
      'options.schedule: the policy of family billing does not let a request change it',
    );
  });
});

describe("a family's policy as the Rollout tab shows it", () => {
  it('names every setting with its value and where it comes from', () => {
    const { settings, locked } = policies(
      { waves: { bakeMs: 20_000 }, sweepIntervalMs: 2000 },
      { order: { migratory: true, waves: { canaryMax: 10 }, gate: { enabled: false }, locked: ['gate'] } },
    ).describe('order');
    const byKey = Object.fromEntries(settings.map(({ key, value, source }) => [key, { value, source }]));
    expect(byKey.migratory).toEqual({ value: true, source: 'family' });
    expect(byKey.dark).toEqual({ value: false, source: 'built-in' });
    expect(byKey.sweepIntervalMs).toEqual({ value: 2000, source: 'default' });
    expect(byKey.drainGuardMs).toEqual({ value: 30_000, source: 'built-in' });
    expect(byKey['waves.bakeMs']).toEqual({ value: 20_000, source: 'default' });
    expect(byKey['waves.canaryMax']).toEqual({ value: 10, source: 'family' });
    expect(byKey['waves.canaryPercent']).toEqual({ value: 1, source: 'built-in' });
    expect(byKey['gate.enabled']).toEqual({ value: false, source: 'family' });
    // A guard turned off shows no fields of its own.
    expect(settings.filter(setting => setting.key.startsWith('gate.'))).toHaveLength(1);
    expect(byKey['upgradeDryRun.sampleSize']).toEqual({ value: 20, source: 'built-in' });
    expect(byKey.schedule.value).toHaveLength(10);
    expect(locked).toEqual(['gate']);
  });

  it("names the settings a running deployment's request changed", () => {
    const family = policies({}, { order: { migratory: true } });
    const running = family.optionsFor('order', { waves: { bakeMs: 5000 }, dark: true });
    expect(family.describe('order', running).deployment).toEqual([
      { key: 'dark', value: true, source: 'request' },
      { key: 'waves.bakeMs', value: 5000, source: 'request' },
    ]);
    expect(family.describe('order', family.optionsFor('order', {})).deployment).toEqual([]);
  });
});
