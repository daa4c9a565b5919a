import { WorkflowHandle } from '@temporalio/client';
import { workflowIds } from '@diachronic/contract';
import { Harness, fastOptions, startHarness, uniqueFamily, uniqueVersionId, waitFor } from '../harness';

jest.setTimeout(240_000);

/**
 * A migration as production runs it: the worker's flag refresh at its default (15 s, so a sweep right after a
 * step waits up to 30 s for routing to see the new percentage) against the sweep's 10 s heartbeat timeout.
 * The tests' fast settings elsewhere hide what this catches: a sweep that waits without heartbeating times
 * out and is retried.
 */
describe('a migration at the production defaults for the flag refresh and the heartbeat timeout', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness({ routerRefreshMs: 'production' });
  });

  afterAll(async () => {
    await h?.teardown();
  });

  it('sweeps after every step without an activity attempt timing out', async () => {
    const family = uniqueFamily();
    const v1 = await h.deployInitial(family);
    const sleepers: WorkflowHandle[] = await h.startSleepers(family, v1, 6);
    const v2 = uniqueVersionId();
    await h.startVersionWorker(family, v2);
    const schedule = [
      { percent: 34, pauseMs: 16_000 },
      { percent: 67, pauseMs: 16_000 },
      { percent: 100, pauseMs: 0 },
    ];
    await h.deploy(h.request(family, v2, fastOptions({ schedule })));
    await waitFor('every old workflow told to migrate', async () => (await h.state(family, v2)).migration?.signaled === 6, {
      timeoutMs: 120_000,
    });
    await h.finish(sleepers);
    const done = await h.waitForPhase(family, v2, ['completed'], 120_000);
    expect(done.migration).toMatchObject({ signaled: 6, remaining: 0 });

    const events = (await h.client.workflow.getHandle(workflowIds.migration(family, v2)).fetchHistory()).events ?? [];
    const started = events.flatMap(event => event.activityTaskStartedEventAttributes ?? []);
    expect(started.length).toBeGreaterThanOrEqual(3);
    // An attempt above 1 is a retry: the attempt before it failed or timed out.
    expect(started.map(attributes => attributes.attempt)).toEqual(started.map(() => 1));
    expect(events.filter(event => event.activityTaskTimedOutEventAttributes)).toEqual([]);
  });
});
