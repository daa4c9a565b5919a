import { deploymentPhases, type DeploymentState } from '@diachronic/contract';
import { DESCRIPTION_MAX_LENGTH, fitDescription, githubDeploymentOf, retiredStatus, statusFor } from './githubStatuses';

const base: DeploymentState = {
  request: {
    family: 'order',
    versionId: '0000002',
    options: { dark: true, migratory: true },
    requestedBy: { who: 'github:octocat' },
    source: { kind: 'github', deliveryId: 'd-1', repositoryUrl: 'https://github.com/acme/orders', deploymentId: 42 },
  } as DeploymentState['request'],
  phase: 'preparing',
  livePercent: 0,
  startedAt: '2026-12-05T10:00:00Z',
  events: [],
};
const state = (patch: Partial<DeploymentState>): DeploymentState => ({ ...base, ...patch });

describe('statusFor', () => {
  it('maps each phase: in_progress while active, success, failure or error at the end', () => {
    const byPhase = Object.fromEntries(deploymentPhases.map(phase => [phase, statusFor(state({ phase, livePercent: 100 })).state]));
    expect(byPhase).toEqual({
      queued: 'queued',
      preparing: 'in_progress',
      dark: 'in_progress',
      rolling_out: 'in_progress',
      migrating: 'in_progress',
      cleaning_up: 'in_progress',
      completed: 'success',
      overridden: 'success',
      aborted: 'failure',
      failed: 'error',
      cancelled: 'failure',
      superseded: 'failure',
    });
  });

  it('gives the reason of an abort and a failure, and who overrode to what and why', () => {
    expect(statusFor(state({ phase: 'aborted', reason: 'aborted by diachronic (health gate): 12% of workflows failed' }))).toEqual({
      state: 'failure',
      description: 'aborted: aborted by diachronic (health gate): 12% of workflows failed',
    });
    expect(statusFor(state({ phase: 'failed', reason: 'activity createFlag: Unleash refused' })).description).toBe('failed: activity createFlag: Unleash refused');
    const override = { at: '2026-12-05T10:05:00Z', who: 'user:default/ada', action: 'override', why: 'customer demo', detail: '40%' };
    expect(statusFor(state({ phase: 'overridden', livePercent: 40, events: [override] }))).toEqual({
      state: 'success',
      description: 'overridden by user:default/ada, 0000002 left at 40%: customer demo',
    });
    expect(statusFor(state({ phase: 'overridden', livePercent: 0, events: [{ ...override, detail: '0%' }] })).state).toBe('failure');
  });

  it("keeps every description within GitHub's 140 characters, on one line", () => {
    const long = statusFor(state({ phase: 'aborted', reason: `the error rate\ndoubled ${'again and again '.repeat(20)}` }));
    expect(long.description.length).toBeLessThanOrEqual(DESCRIPTION_MAX_LENGTH);
    expect(long.description).toMatch(/^aborted: the error rate doubled again .*…$/);
    expect(fitDescription('x'.repeat(300))).toHaveLength(DESCRIPTION_MAX_LENGTH);
    expect(retiredStatus('0000003')).toEqual({ state: 'inactive', description: 'retired: 0000003 replaced it' });
  });
});

describe('githubDeploymentOf', () => {
  it('names the GitHub deployment of a webhook request that carries one, and nothing else', () => {
    expect(githubDeploymentOf(base.request)).toEqual({ repositoryUrl: 'https://github.com/acme/orders', deploymentId: 42 });
    expect(githubDeploymentOf({ ...base.request, source: { kind: 'github', deliveryId: 'd-0' } })).toBeUndefined();
    expect(githubDeploymentOf({ ...base.request, source: { kind: 'manual' } })).toBeUndefined();
  });
});
