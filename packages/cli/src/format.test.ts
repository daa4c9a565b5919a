import type { DeploymentState } from '@diachronic/contract';
import { deploymentLine, progressBar } from './format';

const rollingOut: DeploymentState = {
  request: {
    family: 'order',
    versionId: '3f9c2ab',
    options: { dark: false, migratory: true },
    requestedBy: { who: 'user:default/ada' },
    source: { kind: 'manual' },
  },
  phase: 'rolling_out',
  livePercent: 30,
  step: { index: 2, count: 5, percent: 30, paused: true },
  migration: { signaled: 12, remaining: 40, stage: 'sweeping' },
  startedAt: '2026-12-01T10:00:00.000Z',
  events: [],
};

describe('what the CLI prints', () => {
  it('draws the live percentage as a bar of 20 cells', () => {
    expect(progressBar(0)).toBe(`[${'░'.repeat(20)}]   0%`);
    expect(progressBar(50)).toBe(`[${'█'.repeat(10)}${'░'.repeat(10)}]  50%`);
    expect(progressBar(100)).toBe(`[${'█'.repeat(20)}] 100%`);
  });

  it('shows a deployment on one line: version, phase, bar, step, migration counts and what holds it', () => {
    expect(deploymentLine(rollingOut)).toBe(
      'order 3f9c2ab · rolling_out · [██████░░░░░░░░░░░░░░]  30% · step 2/5 (paused) · migration sweeping: 12 told, 40 left on the old queue',
    );
    expect(deploymentLine({ ...rollingOut, frozen: { scope: 'global', who: 'user:default/bo', why: 'holidays', at: '2026-12-20T00:00:00Z' } })).toContain(
      ' · every family frozen by user:default/bo: holidays',
    );
  });
});
