import { effectiveOptions } from './deploymentPolicy';

describe('the options a deployment runs with', () => {
  it('are guarded by default: the health gate, the upgrade dry run and waves, each with its own defaults', () => {
    expect(effectiveOptions([])).toEqual({ dark: false, migratory: false, gate: {}, upgradeDryRun: {}, waves: {} });
  });

  it('take the defaults, then the family, then the request: guards field by field, every other option whole', () => {
    const defaults = { migratory: false, sweepIntervalMs: 60_000, gate: { intervalMs: 5000 }, waves: { bakeMs: 20_000 } };
    const family = {
      migratory: true,
      schedule: [{ percent: 50, pauseMs: 1000 }, { percent: 100, pauseMs: 0 }],
      gate: { maxFailedPercent: 2 },
      upgradeDryRun: { enabled: false },
    };
    const request = { schedule: [{ percent: 100, pauseMs: 0 }], gate: { minSamples: 3 }, waves: { canaryMin: 5 } };
    expect(effectiveOptions([defaults, family, request])).toEqual({
      dark: false,
      migratory: true,
      sweepIntervalMs: 60_000,
      schedule: [{ percent: 100, pauseMs: 0 }],
      gate: { intervalMs: 5000, maxFailedPercent: 2, minSamples: 3 },
      upgradeDryRun: { enabled: false },
      waves: { bakeMs: 20_000, canaryMin: 5 },
    });
  });

  it('let a request turn a guard on again that its family turned off', () => {
    const options = effectiveOptions([{}, { waves: { enabled: false } }, { waves: { enabled: true }, gate: undefined }]);
    expect(options.waves).toEqual({ enabled: true });
    expect(options.gate).toEqual({});
  });
});
