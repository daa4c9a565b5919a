import { Client, ScheduleHandle } from '@temporalio/client';
import { Router } from '@diachronic/routing';
import { createRoutingClient, diachronicSearchAttributes, WorkflowRouter } from '@diachronic/signaler';
import { DeploymentState, versionTaskQueue, VersionRef, workflowIds } from '@diachronic/contract';
import { testServices } from '@diachronic/test-utils';
import { sleeper, sleeperStateQuery } from '../fixtures/workflows';
import { fastOptions, Harness, startHarness, uniqueFamily, uniqueVersionId, waitFor } from '../harness';

jest.setTimeout(180_000);

/**
 * Schedules and static starters follow the version, on the real services: a schedule created through the
 * signaler starts on the routed version's queue, is moved to each new version once it takes 100% of new
 * starts, and an old version is retired only when no schedule targets it any more; starts routed by a
 * signaler whose flag cache is stale are never stranded.
 */
describe('schedules follow the version', () => {
  let h: Harness;
  let router: Router;
  const schedules: ScheduleHandle[] = [];

  beforeAll(async () => {
    h = await startHarness();
    const services = testServices();
    router = await Router.start({ url: services.unleashUrl, clientToken: services.unleashClientToken, appName: 'schedules-test', refreshIntervalMs: 250 });
  });

  afterAll(async () => {
    await Promise.all(schedules.map(schedule => schedule.delete().catch(() => undefined)));
    router?.destroy();
    await h?.teardown();
  });

  /** A paused hourly schedule of the sleeper fixture: only its action's task queue matters here. */
  async function createSchedule(client: Client, scheduleId: string, family: string, taskQueue: string) {
    const handle = await client.schedule.create({
      scheduleId,
      spec: { intervals: [{ every: '1h' }] },
      action: { type: 'startWorkflow', workflowType: 'sleeper', workflowId: `${family}/scheduled`, taskQueue, args: [{ holdMs: 0 }] },
      state: { paused: true },
    });
    schedules.push(handle);
    return handle;
  }

  const actionOf = async (handle: ScheduleHandle) => {
    const { action, typedSearchAttributes } = await handle.describe();
    if (action.type !== 'startWorkflow') throw new Error('expected a startWorkflow action');
    const typed = action.typedSearchAttributes;
    const pairs = Array.isArray(typed) ? typed : (typed?.getAll() ?? []);
    return {
      taskQueue: action.taskQueue,
      routedTo: pairs.find(pair => pair.key.name === diachronicSearchAttributes.routedVersionId.name)?.value,
      family: typedSearchAttributes.get(diachronicSearchAttributes.family),
    };
  };

  const state = (family: string, versionId: string): Promise<DeploymentState> => h.state(family, versionId);

  it("moves the signaler's schedules to the new version at 100%, and keeps the old version while any schedule targets it, naming it", async () => {
    const family = uniqueFamily('report');
    const v1 = await h.deployInitial(family);
    await waitFor('the router to see v1', () => router.route(family, 'x', { isTest: false })?.versionId === v1);
    const routed = createRoutingClient({ connection: h.connection, router, families: { sleeper: family } });
    const signalerSchedule = await createSchedule(routed, `${family}-nightly`, family, 'placeholder');
    expect(await actionOf(signalerSchedule)).toEqual({ taskQueue: versionTaskQueue(family, v1), routedTo: v1, family });

    // A workflow on v1 that moves 8 s after it is told: v1 stays busy past the move of the schedules.
    const [busy] = await h.startSleepers(family, v1, 1, 8000);
    const v2 = uniqueVersionId();
    await h.startVersionWorker(family, v2);
    await h.deploy(h.request(family, v2, fastOptions()));
    const moved = await waitFor('the schedules to move', async () =>
      (await state(family, v2)).events.find(event => event.action === 'schedules moved'),
    );
    expect(moved.detail).toBe(`${family}-nightly (from ${versionTaskQueue(family, v1)}) now start workflows on ${versionTaskQueue(family, v2)}`);
    expect(await actionOf(signalerSchedule)).toEqual({ taskQueue: versionTaskQueue(family, v2), routedTo: v2, family });

    // A static starter someone set up on v1's queue after the move keeps v1 alive, and the migration says why.
    const leftBehind = await createSchedule(h.client, `${family}-left-behind`, family, versionTaskQueue(family, v1));
    const refused = await waitFor(
      'the retirement of v1 to be refused',
      async () => (await state(family, v2)).migration?.retireRefused,
      { timeoutMs: 60_000 },
    );
    expect(refused).toBe(`${versionTaskQueue(family, v1)} is kept: schedule ${family}-left-behind still starts workflows there`);
    expect(await h.version(family, v1)).toMatchObject({ archived: false });
    expect(await h.workerDeployments(family)).toHaveLength(1);

    await leftBehind.delete();
    const done = await h.waitForPhase(family, v2, ['completed'], 60_000);
    h.recordHistory('deployment-schedules-moved', workflowIds.deployment(family, v2));
    h.recordHistory('migration-retire-refused', workflowIds.migration(family, v2));
    expect(done.events.map(event => event.action)).toContain('old version retired');
    expect(await h.version(family, v1)).toMatchObject({ archived: true });
    await h.finish([busy]);
  });

  it('never strands a start that a signaler with a stale flag cache routes to the old version just after 100%', async () => {
    const family = uniqueFamily('stale');
    const v1 = await h.deployInitial(family);
    await waitFor('the router to see v1', () => router.route(family, 'x', { isTest: false })?.versionId === v1);
    const v1Ref: VersionRef = router.route(family, 'x', { isTest: false })!;
    // Failure injection: a signaler whose cache still routes every start to v1 until it refreshes, which
    // happens within the drain guard (the documented bound on a signaler's refresh interval).
    let staleUntil = Infinity;
    const stale: WorkflowRouter = {
      route: (f, id, options) => (Date.now() < staleUntil ? v1Ref : router.route(f, id, options)),
      versions: f => router.versions(f),
    };
    const signaler = createRoutingClient({ connection: h.connection, router: stale, families: { sleeper: family } });
    const v2 = uniqueVersionId();
    await h.startVersionWorker(family, v2);
    const drainGuardMs = 3000;
    await h.deploy(h.request(family, v2, fastOptions({ schedule: [{ percent: 100, pauseMs: 0 }], drainGuardMs })));
    await waitFor('v2 to take 100%', async () => (await state(family, v2)).livePercent === 100);
    staleUntil = Date.now() + drainGuardMs - 1000;

    const started = [];
    for (let i = 0; Date.now() < staleUntil; i++) {
      started.push(await signaler.workflow.start(sleeper, { workflowId: `${family}/late-${i}`, taskQueue: 'placeholder', args: [{ holdMs: 0 }] }));
      await new Promise(resolve => setTimeout(resolve, 200));
    }
    expect(started.length).toBeGreaterThan(3);
    const done = await h.waitForPhase(family, v2, ['completed'], 120_000);
    expect(done.migration?.signaled).toBe(started.length);
    // Each was started on v1, told once, and runs on v2, whose worker is there: none is stranded on v1.
    const states = await Promise.all(started.map(handle => h.client.workflow.getHandle(handle.workflowId).query(sleeperStateQuery)));
    expect(states.map(({ queues, migrateSignals }) => ({ queues, migrateSignals }))).toEqual(
      started.map(() => ({ queues: [versionTaskQueue(family, v1), versionTaskQueue(family, v2)], migrateSignals: 1 })),
    );
    expect(await h.version(family, v1)).toMatchObject({ archived: true });
    expect((await h.client.workflow.count(`TaskQueue = "${versionTaskQueue(family, v1)}" AND ExecutionStatus = "Running"`)).count).toBe(0);
    await h.finish(started);
  });
});
