import type { VersionRef } from '@diachronic/contract';
import { Router } from '@diachronic/routing';
import {
  Client,
  Connection,
  WithStartWorkflowOperation,
  WorkflowExecutionInfo,
  WorkflowStartOptions,
} from '@temporalio/client';
import {
  connectTemporal,
  mapConcurrently,
  routesLiveTo,
  startFixtureWorkers,
  startTestRouter,
  taskQueueQuery,
  terminateRunning,
  TestFlags,
  testServices,
  uniqueFamily,
  waitForCount,
} from './__testUtils__/services';
import { addAndGetUpdate, finishSignal } from './__testUtils__/workflows';
import { createRoutingClient, NoLiveVersionError, routeScheduleAction } from './interceptor';
import { diachronicSearchAttributes } from './search-attributes';

jest.setTimeout(120_000);

const services = testServices();
const family = uniqueFamily('order');
const workFamily = uniqueFamily('work');
const darkFamily = uniqueFamily('dark');
const ghostFamily = uniqueFamily('ghost');
const plainQueue = `${family}-plain`;
// Workflow types: nobody runs `idle`, its starts just sit in their queue; `counter` runs on workFamily.
const families = { idle: family, counter: workFamily, darkIdle: darkFamily, ghost: ghostFamily };
const timeouts = { workflowExecutionTimeout: '10 minutes' } as const;
const sampleIds = Array.from({ length: 200 }, (_, i) => `${family}/sample-${i}`);

const isTestAttribute = (value: boolean) => [{ key: diachronicSearchAttributes.isTest, value }];

describe('the routing interceptor on the real services', () => {
  const flags = new TestFlags(services);
  let router: Router;
  let connection: Connection;
  let client: Client;
  let v1: VersionRef;
  let v2: VersionRef;
  let work: VersionRef;
  let dark: VersionRef;
  let workers: { stop(): Promise<void> } | undefined;

  beforeAll(async () => {
    [v1, v2] = await flags.createFamily(family, [{ live: 100 }, { live: 30 }]);
    [work] = await flags.createFamily(workFamily, [{ live: 100 }]);
    [dark] = await flags.createFamily(darkFamily, [{ live: 0, dark: true }]);
    router = await startTestRouter(
      services,
      r =>
        routesLiveTo(r, v2, sampleIds) &&
        routesLiveTo(r, work, sampleIds) &&
        r.route(darkFamily, 'any', { isTest: true })?.flag === dark.flag,
    );
    connection = await connectTemporal(services);
    client = createRoutingClient({ connection, router, families });
  });

  afterAll(async () => {
    await workers?.stop();
    if (client) {
      await terminateRunning(client, [v1.taskQueue, v2.taskQueue, work.taskQueue, dark.taskQueue, plainQueue]);
    }
    await connection?.close();
    router?.destroy();
    await flags.removeAll();
  });

  const startIdle = (workflowId: string, extra: Partial<WorkflowStartOptions> = {}) =>
    client.workflow.start('idle', { workflowId, taskQueue: 'placeholder', ...timeouts, ...extra });

  async function listAll(query: string): Promise<WorkflowExecutionInfo[]> {
    const found: WorkflowExecutionInfo[] = [];
    for await (const execution of client.workflow.list({ query })) found.push(execution);
    return found;
  }

  const distributionIds = Array.from({ length: 1000 }, (_, i) => `${family}/dist-${i}`);

  it('sends the live percentage of 1,000 starts to the new version and the rest to the previous one', async () => {
    await mapConcurrently(distributionIds, 32, id => startIdle(id));
    const both = taskQueueQuery([v1.taskQueue, v2.taskQueue]);
    await waitForCount(client, both, 1000);
    const onV2 = (await client.workflow.count(`TaskQueue = "${v2.taskQueue}"`)).count;
    expect(onV2 / 1000).toBeGreaterThanOrEqual(0.25);
    expect(onV2 / 1000).toBeLessThanOrEqual(0.35);

    // Every workflow sits where route() sends its id, stamped with that version.
    const executions = await listAll(both);
    expect(executions).toHaveLength(1000);
    const mismatches = executions.filter(e => {
      const decision = router.route(family, e.workflowId, { isTest: false });
      return (
        e.taskQueue !== decision?.taskQueue ||
        e.typedSearchAttributes.get(diachronicSearchAttributes.routedVersionId) !== decision.versionId
      );
    });
    expect(mismatches.map(e => e.workflowId)).toEqual([]);
  });

  it('routes the same workflow id the same way when it is started again', async () => {
    const ids = distributionIds.slice(0, 100);
    const before = await mapConcurrently(ids, 16, async id => (await client.workflow.getHandle(id).describe()).taskQueue);
    expect(new Set(before).size).toBe(2);
    await mapConcurrently(ids, 16, id => client.workflow.getHandle(id).terminate('start it again'));
    await mapConcurrently(ids, 16, id => startIdle(id));
    const after = await mapConcurrently(ids, 16, async id => (await client.workflow.getHandle(id).describe()).taskQueue);
    expect(after).toEqual(before);
  });

  it('sends test starts to the newest version and keeps DiachronicIsTest on the workflow', async () => {
    const ids = Array.from({ length: 200 }, (_, i) => `${family}/test-${i}`);
    await mapConcurrently(ids, 32, id => startIdle(id, { typedSearchAttributes: isTestAttribute(true) }));
    const testStarts = `DiachronicIsTest = true AND ${taskQueueQuery([v1.taskQueue, v2.taskQueue])}`;
    await waitForCount(client, testStarts, 200);
    expect((await client.workflow.count(`DiachronicIsTest = true AND TaskQueue = "${v2.taskQueue}"`)).count).toBe(200);

    const description = await client.workflow.getHandle(ids[0]).describe();
    expect(description.typedSearchAttributes.get(diachronicSearchAttributes.isTest)).toBe(true);
    expect(description.typedSearchAttributes.get(diachronicSearchAttributes.routedVersionId)).toBe(v2.versionId);
  });

  it('routes test traffic by the dark strategy alone, and refuses live traffic when nothing is live', async () => {
    const testHandle = await client.workflow.start('darkIdle', {
      workflowId: `${darkFamily}/test`,
      taskQueue: 'placeholder',
      typedSearchAttributes: isTestAttribute(true),
      ...timeouts,
    });
    expect((await testHandle.describe()).taskQueue).toBe(dark.taskQueue);

    const refused = client.workflow.start('darkIdle', { workflowId: `${darkFamily}/live`, taskQueue: 'x', ...timeouts });
    await expect(refused).rejects.toThrow(NoLiveVersionError);
    await expect(refused).rejects.toThrow(`none of the 1 versions of family ${darkFamily} enables this id (isTest: false)`);
  });

  it('throws NoLiveVersionError naming the family and the workflow id when the family has no version', async () => {
    const workflowId = `${ghostFamily}/nowhere`;
    const start = client.workflow.start('ghost', { workflowId, taskQueue: 'ghost', ...timeouts });
    await expect(start).rejects.toThrow(NoLiveVersionError);
    await expect(start).rejects.toThrow(
      new RegExp(`family ${ghostFamily.replace(/\./g, '\\.')}.*${JSON.stringify(workflowId).replace(/\./g, '\\.')}`),
    );
    await expect(client.workflow.getHandle(workflowId).describe()).rejects.toThrow('not found');
  });

  it('lets unmanaged workflow types through on their own task queue, unstamped', async () => {
    const handle = await client.workflow.start('somethingElse', {
      workflowId: `${family}/unmanaged`,
      taskQueue: plainQueue,
      ...timeouts,
    });
    const description = await handle.describe();
    expect(description.taskQueue).toBe(plainQueue);
    expect(description.typedSearchAttributes.get(diachronicSearchAttributes.routedVersionId)).toBeUndefined();
  });

  it('routes signal-with-start, replacing the caller task queue and a stale stamp', async () => {
    const ids = sampleIds.slice(0, 40);
    await mapConcurrently(ids, 16, id =>
      client.workflow.signalWithStart('idle', {
        workflowId: id,
        taskQueue: 'placeholder',
        signal: 'poke',
        signalArgs: [1],
        typedSearchAttributes: [{ key: diachronicSearchAttributes.routedVersionId, value: 'stale' }],
        ...timeouts,
      }),
    );
    const descriptions = await mapConcurrently(ids, 16, id => client.workflow.getHandle(id).describe());
    const expected = ids.map(id => router.route(family, id, { isTest: false }));
    expect(descriptions.map(d => d.taskQueue)).toEqual(expected.map(d => d?.taskQueue));
    expect(descriptions.map(d => d.typedSearchAttributes.get(diachronicSearchAttributes.routedVersionId))).toEqual(
      expected.map(d => d?.versionId),
    );
    expect(new Set(descriptions.map(d => d.taskQueue)).size).toBe(2);
  });

  it('routes update-with-start to the routed version, whose worker answers the update', async () => {
    workers = await startFixtureWorkers(services, [work.taskQueue]);
    const workflowId = `${workFamily}/counter`;
    const startWorkflowOperation = new WithStartWorkflowOperation('counter', {
      workflowId,
      taskQueue: 'placeholder',
      args: [10],
      workflowIdConflictPolicy: 'USE_EXISTING',
      ...timeouts,
    });
    expect(await client.workflow.executeUpdateWithStart(addAndGetUpdate, { args: [5], startWorkflowOperation })).toBe(15);
    const handle = await startWorkflowOperation.workflowHandle();
    const description = await handle.describe();
    expect(description.taskQueue).toBe(work.taskQueue);
    expect(description.typedSearchAttributes.get(diachronicSearchAttributes.routedVersionId)).toBe(work.versionId);
    await handle.signal(finishSignal);
    expect(await handle.result()).toBe(15);
  });

  it('refuses isTest given anywhere but as the typed BOOL search attribute', async () => {
    await expect(
      client.workflow.start('idle', {
        workflowId: `${family}/legacy-is-test`,
        taskQueue: 'x',
        // eslint-disable-next-line @typescript-eslint/no-deprecated
        searchAttributes: { DiachronicIsTest: [true] },
      }),
    ).rejects.toThrow('typedSearchAttributes');
  });

  it('creates schedules of managed types on the routed queue, stamped, and marks them as the family\'s; others untouched', async () => {
    const scheduleOf = async (workflowType: string, workflowId: string, isTest?: boolean) => {
      const handle = await client.schedule.create({
        scheduleId: `${workflowId}-schedule`,
        spec: { intervals: [{ every: '1h' }] },
        action: {
          type: 'startWorkflow',
          workflowType,
          workflowId,
          taskQueue: plainQueue,
          args: [],
          ...(isTest !== undefined && { typedSearchAttributes: isTestAttribute(isTest) }),
        },
        state: { paused: true },
      });
      try {
        const { action, typedSearchAttributes } = await handle.describe();
        if (action.type !== 'startWorkflow') throw new Error('not a start');
        const typed = action.typedSearchAttributes;
        const pairs = Array.isArray(typed) ? typed : (typed?.getAll() ?? []);
        const value = (name: string) => pairs.find(pair => pair.key.name === name)?.value;
        return {
          taskQueue: action.taskQueue,
          routedVersionId: value(diachronicSearchAttributes.routedVersionId.name),
          isTest: value(diachronicSearchAttributes.isTest.name),
          family: typedSearchAttributes.get(diachronicSearchAttributes.family),
        };
      } finally {
        await handle.delete();
      }
    };
    const id = sampleIds.find(sample => router.route(family, sample, { isTest: false })?.versionId === v2.versionId)!;
    expect(await scheduleOf('idle', id)).toEqual({ taskQueue: v2.taskQueue, routedVersionId: v2.versionId, isTest: undefined, family });
    // Test traffic of a dark version, as a start would be.
    expect(await scheduleOf('darkIdle', `${darkFamily}/nightly`, true)).toEqual({
      taskQueue: dark.taskQueue,
      routedVersionId: dark.versionId,
      isTest: true,
      family: darkFamily,
    });
    expect(await scheduleOf('unmanaged', `${family}/plain-nightly`)).toEqual({
      taskQueue: plainQueue,
      routedVersionId: undefined,
      isTest: undefined,
      family: undefined,
    });
    // An update routes its action the same way.
    const action = { type: 'startWorkflow' as const, workflowType: 'idle', workflowId: id, taskQueue: 'placeholder', args: [] };
    expect(routeScheduleAction({ router, families }, action)).toMatchObject({ taskQueue: v2.taskQueue });
  });
});
