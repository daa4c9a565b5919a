import type { DeploymentPhase, DeploymentState, GateEvaluation } from '@diachronic/contract';
import { deploymentHolds, runningDetailOf } from './runningDetail';

const evaluation = (passed: boolean): GateEvaluation =>
  ({ at: '2026-12-05T10:05:00.000Z', since: '2026-12-05T10:00:00.000Z', trigger: 'interval', passed, started: 10, failed: passed ? 0 : 5 }) as GateEvaluation;

function deployment(phase: DeploymentPhase, overrides: Partial<DeploymentState> = {}): DeploymentState {
  return {
    request: {
      family: 'order',
      versionId: '2222222',
      options: { dark: false, migratory: true },
      requestedBy: { who: 'user:default/ada' },
      source: { kind: 'manual' },
    },
    phase,
    livePercent: 30,
    step: { index: 3, count: 10, percent: 30, nextAt: '2026-12-05T10:04:00.000Z', eta: '2026-12-05T10:11:00.000Z', paused: false },
    startedAt: '2026-12-05T10:00:00.000Z',
    events: [],
    ...overrides,
  };
}

describe('deploymentHolds', () => {
  it('says nothing of a rollout that moves', () => {
    expect(deploymentHolds(deployment('rolling_out'))).toEqual([]);
  });

  it('names a paused rollout, a held migration, a closed window, a freeze and a failing gate', () => {
    const paused = deployment('rolling_out');
    paused.step = { ...paused.step!, paused: true };
    expect(deploymentHolds(paused)).toEqual(['paused']);
    expect(deploymentHolds(deployment('migrating', { migration: { signaled: 3, remaining: 5, stage: 'sweeping', held: true } }))).toEqual(['paused']);
    expect(
      deploymentHolds(
        deployment('rolling_out', {
          waitingForWindow: { opensAt: '2026-12-05T18:00:00.000Z' },
          frozen: { scope: 'global', who: 'ops', why: 'incident', at: '2026-12-05T10:01:00.000Z' },
          gate: { policy: {} as never, evaluations: [evaluation(true), evaluation(false)] },
        }),
      ),
    ).toEqual(['waiting for a window', 'frozen', 'gate failing']);
    // A gate that failed once and passed since holds nothing.
    expect(deploymentHolds(deployment('rolling_out', { gate: { policy: {} as never, evaluations: [evaluation(false), evaluation(true)] } }))).toEqual([]);
  });

  it('says nothing of an ended deployment', () => {
    const aborted = deployment('aborted', { frozen: { scope: 'family', who: 'ops', why: 'x', at: '2026-12-05T10:01:00.000Z' } });
    expect(deploymentHolds(aborted)).toEqual([]);
  });
});

describe('runningDetailOf', () => {
  it('gives who asked, the step and the ETA while steps are due', () => {
    expect(runningDetailOf(deployment('rolling_out'))).toEqual({
      requestedBy: 'user:default/ada',
      holds: [],
      step: { index: 3, count: 10 },
      eta: '2026-12-05T10:11:00.000Z',
    });
  });

  it('promises no ETA while held, or once an override took the rollout off its schedule', () => {
    const paused = deployment('rolling_out');
    paused.step = { ...paused.step!, paused: true };
    expect(runningDetailOf(paused)).not.toHaveProperty('eta');
    expect(runningDetailOf(deployment('rolling_out', { livePercent: 100 }))).not.toHaveProperty('eta');
    expect(runningDetailOf(deployment('dark', { step: undefined }))).toEqual({ requestedBy: 'user:default/ada', holds: [] });
  });
});
