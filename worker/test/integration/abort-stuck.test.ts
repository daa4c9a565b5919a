import { workflowIds } from '@diachronic/contract';
import { abortUpdate } from '@diachronic/contract/temporal';
import { Harness, fastOptions, startHarness, uniqueFamily, uniqueVersionId, waitFor } from '../harness';

jest.setTimeout(120_000);

/** A child stuck failing its workflow tasks must not keep an abort, or the family's queue, waiting. */
describe('abort with a rollout stuck failing its workflow tasks', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ diachronicWorkflowsPath: require.resolve('../fixtures/stuck-rollout') });
  });

  afterAll(async () => {
    await h?.teardown();
  });

  it('ends the deployment within seconds, terminates the stuck child, and lets the next request run', async () => {
    const family = uniqueFamily();
    await h.deployInitial(family);
    const v2 = uniqueVersionId();
    await h.deploy(h.request(family, v2, fastOptions({ migratory: false })));
    await h.waitForPhase(family, v2, ['rolling_out']);
    const rollout = h.client.workflow.getHandle(workflowIds.rollout(family, v2));
    // The rollout fails its workflow tasks: attempt 2 and more of its first task.
    await waitFor('the rollout to be stuck', async () => ((await rollout.describe()).raw.pendingWorkflowTask?.attempt ?? 0) > 1);

    const abortedAt = Date.now();
    await h.client.workflow
      .getHandle(workflowIds.deployment(family, v2))
      .executeUpdate(abortUpdate, { args: [{ who: 'user:default/ops', why: 'the rollout is broken' }] });
    const aborted = await h.waitForPhase(family, v2, ['aborted'], 30_000);
    expect(Date.now() - abortedAt).toBeLessThan(20_000);
    expect(aborted.reason).toBe('aborted by user:default/ops: the rollout is broken');
    expect(aborted.events).toContainEqual(
      expect.objectContaining({ action: 'child terminated', detail: expect.stringContaining(workflowIds.rollout(family, v2)) }),
    );
    expect((await rollout.describe()).status.name).toBe('TERMINATED');
    expect(await h.version(family, v2)).toMatchObject({ livePercent: 0, darkEnabled: false });

    // The family is free: its next request starts (and, on this broken build, gets stuck likewise). Aborted
    // the moment it rolls out, while its rollout's start may still be in flight: it ends all the same.
    for (let round = 0; round < 3; round++) {
      const next = uniqueVersionId();
      expect(await h.deploy(h.request(family, next, fastOptions({ migratory: false })))).toMatchObject({ outcome: 'started' });
      await h.waitForPhase(family, next, ['rolling_out']);
      await h.client.workflow
        .getHandle(workflowIds.deployment(family, next))
        .executeUpdate(abortUpdate, { args: [{ who: 'user:default/ops', why: 'clean up' }] });
      await h.waitForPhase(family, next, ['aborted'], 30_000);
    }
  });
});
