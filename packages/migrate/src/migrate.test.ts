import { WorkflowHandle, WorkflowHandleWithFirstExecutionRunId, WorkflowUpdateStage } from '@temporalio/client';
import { MockActivityEnvironment, TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker, bundleWorkflowCode } from '@temporalio/worker';
import { closedConnectionGuard } from '@diachronic/temporal-connection';
import {
  BLOCKED_BY_BUSY,
  BLOCKED_BY_HANDLERS,
  MIGRATE_SIGNAL_NAME,
  MigrateSignal,
  MigrationStatus,
  migrateSignal,
  migrationPreviewQuery,
  migrationRequestedKey,
  migrationStatusQuery,
  UPGRADE_CHECK_ACTIVITY,
  UpgradeCheckInput,
  UpgradeCheckResult,
} from './index';
import { upgradeCheckActivities } from './upgradeCheck';
import { upgradeProbe } from './test-fixtures/v2';
import {
  HOLD_REASON,
  ProbeInput,
  ProbeStateV1,
  ProbeStateV2,
  probeCommand,
  probeStateQuery,
  slowUpdate,
} from './test-fixtures/probe';
import type { probe as probeV1 } from './test-fixtures/v1';

jest.setTimeout(60_000);
Runtime.install({ logger: new DefaultLogger('WARN') });

const runTag = `${Date.now().toString(36)}-${process.pid}`;
const targets = {
  v1: { taskQueue: `migrate-test-${runTag}@v1`, versionId: 'v1' },
  v2: { taskQueue: `migrate-test-${runTag}@v2`, versionId: 'v2' },
  v3: { taskQueue: `migrate-test-${runTag}@v3`, versionId: 'v3' },
} satisfies Record<string, MigrateSignal>;

let env: TestWorkflowEnvironment;
const workers: Array<{ worker: Worker; running: Promise<void> }> = [];
const started: WorkflowHandle[] = [];
let workflowCounter = 0;

beforeAll(async () => {
  const address = process.env.TEMPORAL_ADDRESS;
  if (!address) throw new Error('TEMPORAL_ADDRESS is not set: run the tests via `npm test`');
  env = await TestWorkflowEnvironment.createFromExistingServer({ address, plugins: [closedConnectionGuard] });
  const bundle = (version: string) =>
    bundleWorkflowCode({
      workflowsPath: require.resolve(`./test-fixtures/${version}`),
      logger: new DefaultLogger('WARN'),
    });
  const [v1, v2] = await Promise.all([bundle('v1'), bundle('v2')]);
  for (const [taskQueue, workflowBundle] of [
    [targets.v1.taskQueue, v1],
    [targets.v2.taskQueue, v2],
    [targets.v3.taskQueue, v2],
  ] as const) {
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle });
    workers.push({ worker, running: worker.run() });
  }
});

afterAll(async () => {
  await Promise.all(started.map(handle => handle.terminate('test run over').catch(() => undefined)));
  for (const { worker } of workers) worker.shutdown();
  await Promise.all(workers.map(({ running }) => running));
  await env?.teardown();
});

async function startProbe(input: ProbeInput) {
  workflowCounter += 1;
  const handle = await env.client.workflow.start<typeof probeV1>('probe', {
    taskQueue: targets.v1.taskQueue,
    workflowId: `migrate-test-${runTag}-${workflowCounter}`,
    args: [input],
  });
  started.push(handle);
  return {
    handle,
    /** The first run, as the Diachronic worker addresses it. */
    firstRun: env.client.workflow.getHandle(handle.workflowId, handle.firstExecutionRunId),
    state: () => handle.query(probeStateQuery),
    status: () => handle.query(migrationStatusQuery),
  };
}

async function eventually<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 100));
  }
}

/** The status the first time it says the workflow waits to move (one query: it may move right after). */
const waitingStatus = (probe: { status: () => Promise<MigrationStatus> }) =>
  eventually('waiting', async () => {
    const status = await probe.status();
    return status.waiting && status;
  });

const runsOf = async (state: () => Promise<ProbeStateV1 | ProbeStateV2>, count: number) =>
  eventually(`run ${count}`, async () => {
    const current = await state();
    return current.runs.length >= count && current;
  });

const timestampMs = (time: { seconds?: unknown; nanos?: number | null } | null | undefined) =>
  Number(String(time?.seconds ?? 0)) * 1000 + Math.floor((time?.nanos ?? 0) / 1e6);

/** How many workflow tasks the run completed from the last signal named so until it continued as new. */
async function tasksUntilMoved(run: WorkflowHandle, signalName: string) {
  const events = (await run.fetchHistory()).events!;
  const signaled = events.findLastIndex(event => event.workflowExecutionSignaledEventAttributes?.signalName === signalName);
  const after = events.slice(signaled);
  expect(after[after.length - 1].workflowExecutionContinuedAsNewEventAttributes).toBeTruthy();
  return after.filter(event => event.workflowTaskCompletedEventAttributes).length;
}

const asV2 = (state: ProbeStateV1 | ProbeStateV2): ProbeStateV2 => {
  if (state.version !== 2) throw new Error(`expected a v2 state, got ${JSON.stringify(state)}`);
  return state;
};

describe('migratable', () => {
  it('moves a waiting workflow at once, upgrades its state and keeps its timer due at the original time', async () => {
    const probe = await startProbe({ owner: 'ada', timerMs: 6000 });
    const { startedAt } = await runsOf(probe.state, 1);
    await new Promise(resolve => setTimeout(resolve, startedAt + 2000 - Date.now()));
    await probe.firstRun.signal(migrateSignal, targets.v2);

    const migrated = asV2(await runsOf(probe.state, 2));
    expect(migrated.runs.map(run => run.taskQueue)).toEqual([targets.v1.taskQueue, targets.v2.taskQueue]);
    expect(migrated.runs[1].startedAt - migrated.startedAt).toBeGreaterThanOrEqual(1900);
    expect(await tasksUntilMoved(probe.firstRun, MIGRATE_SIGNAL_NAME)).toBe(1);
    expect(migrated.ownedBy).toBe('ada');
    expect(migrated).not.toHaveProperty('owner');
    expect(migrated.upgradedFrom?.migratedAt).toBeLessThanOrEqual(migrated.runs[1].startedAt);

    // Restarted, the timer would be due 6 s after the migration.
    expect(migrated.runs[0].timerDueAt).toBe(migrated.startedAt + 6000);
    expect(migrated.runs[1].timerDueAt).toBe(migrated.runs[0].timerDueAt);

    const fired = await eventually('the timer', async () => {
      const current = await probe.state();
      return current.timerFiredAt !== undefined && current;
    });
    expect(fired.timerFiredAt! - fired.startedAt).toBeGreaterThanOrEqual(6000);
    // The server's timer event, unlike the workflow's clock, does not include worker pick-up delays.
    const firedEvent = (await probe.handle.fetchHistory()).events!.find(event => event.timerFiredEventAttributes);
    expect(timestampMs(firedEvent!.eventTime) - fired.startedAt).toBeGreaterThanOrEqual(6000);
    expect(timestampMs(firedEvent!.eventTime)).toBeLessThan(fired.runs[1].startedAt + 6000);
    await probe.handle.signal(probeCommand, { kind: 'finish' });
    expect(asV2(await probe.handle.result()).runs).toHaveLength(2);
  });

  it('moves right after a "not now" section ends, not before, and reports why it waits', async () => {
    const probe = await startProbe({ owner: 'bob' });
    await probe.handle.signal(probeCommand, { kind: 'hold' });
    await eventually('the hold', async () => (await probe.state()).held);
    const signaledAt = Date.now();
    await probe.firstRun.signal(migrateSignal, targets.v2);

    const status = await eventually('waiting', async () => {
      const current = await probe.status();
      return current.waiting && current;
    });
    expect(status).toEqual({ requested: targets.v2, requestedAt: expect.any(Number), waiting: true, blockedBy: [HOLD_REASON] });
    // When it was told, by workflow time (the server's clock, this machine's too).
    expect(Math.abs(status.requestedAt! - signaledAt)).toBeLessThan(5000);
    // The status shows the signal was handled, and the run stayed where it was.
    const whileHeld = await probe.firstRun.describe();
    expect(whileHeld.status.name).toBe('RUNNING');
    expect(whileHeld.taskQueue).toBe(targets.v1.taskQueue);

    await probe.handle.signal(probeCommand, { kind: 'release' });
    const migrated = asV2(await runsOf(probe.state, 2));
    expect(migrated.runs[1].taskQueue).toBe(targets.v2.taskQueue);
    // Workflow time is constant within a workflow task: it moved in the task that ended the section.
    expect(migrated.upgradedFrom?.migratedAt).toBe(migrated.held!.releasedAt);
    expect(await tasksUntilMoved(probe.firstRun, probeCommand.name)).toBe(1);
    expect(await probe.status()).toEqual({ requested: null, requestedAt: null, waiting: false, blockedBy: [] });
  });

  it('ignores a repeated migrate signal: one continue-as-new, the same state', async () => {
    const probe = await startProbe({ owner: 'cy' });
    await probe.handle.signal(probeCommand, { kind: 'hold' });
    await eventually('the hold', async () => (await probe.state()).held);
    await probe.firstRun.signal(migrateSignal, targets.v2);
    await probe.firstRun.signal(migrateSignal, targets.v2);
    expect(await waitingStatus(probe)).toEqual({
      requested: targets.v2,
      requestedAt: expect.any(Number),
      waiting: true,
      blockedBy: [HOLD_REASON],
    });
    const before = (await probe.state()) as ProbeStateV1;

    await probe.handle.signal(probeCommand, { kind: 'release' });
    const after = asV2(await runsOf(probe.state, 2));
    // A late copy reaching the new run names the queue it already runs on: nothing to do.
    await probe.handle.signal(migrateSignal, targets.v2);
    expect(await probe.status()).toEqual({ requested: null, requestedAt: null, waiting: false, blockedBy: [] });

    const { owner, held, ...unchanged } = before;
    expect(after).toEqual({
      ...unchanged,
      version: 2,
      ownedBy: owner,
      held: { ...held, releasedAt: after.held!.releasedAt },
      runs: [...before.runs, after.runs[1]],
      upgradedFrom: after.upgradedFrom,
    });
    const current = await probe.handle.describe();
    expect(current.runId).not.toBe(probe.handle.firstExecutionRunId);
    expect(current.taskQueue).toBe(targets.v2.taskQueue);
    const history = await probe.firstRun.fetchHistory();
    expect(history.events?.filter(event => event.workflowExecutionContinuedAsNewEventAttributes)).toHaveLength(1);
    expect((await probe.state()).runs).toHaveLength(2);
  });

  it('moves to the latest target when a different one is signaled before it moved', async () => {
    const probe = await startProbe({ owner: 'di' });
    await probe.handle.signal(probeCommand, { kind: 'hold' });
    await eventually('the hold', async () => (await probe.state()).held);
    await probe.firstRun.signal(migrateSignal, targets.v2);
    await probe.firstRun.signal(migrateSignal, targets.v3);
    await eventually('the latest target', async () => (await probe.status()).requested?.versionId === 'v3');

    await probe.handle.signal(probeCommand, { kind: 'release' });
    const migrated = await runsOf(probe.state, 2);
    expect(migrated.runs.map(run => run.taskQueue)).toEqual([targets.v1.taskQueue, targets.v3.taskQueue]);
  });

  it('moves a busy workflow only at its checkpoints', async () => {
    const probe = await startProbe({ owner: 'ed' });
    await probe.handle.signal(probeCommand, { kind: 'busy', steps: 3, stepMs: 1500 });
    await eventually('the first step', async () => (await probe.state()).busy.started >= 1);
    await probe.firstRun.signal(migrateSignal, targets.v2);
    expect(await waitingStatus(probe)).toEqual({
      requested: targets.v2,
      requestedAt: expect.any(Number),
      waiting: true,
      blockedBy: [BLOCKED_BY_BUSY],
    });

    const migrated = await runsOf(probe.state, 2);
    expect(migrated.runs[1].busy.started).toBe(migrated.runs[1].busy.finished);
    expect(migrated.runs[1].busy.finished).toBeLessThan(3);
    const done = await eventually('all steps', async () => {
      const current = await probe.state();
      return current.busy.remaining === 0 && current;
    });
    expect(done.busy).toMatchObject({ started: 3, finished: 3 });
  });

  it('waits for running handlers before it moves', async () => {
    const probe = await startProbe({ owner: 'flo' });
    const update = await probe.handle.startUpdate(slowUpdate, { waitForStage: WorkflowUpdateStage.ACCEPTED });
    await probe.firstRun.signal(migrateSignal, targets.v2);
    const waiting = await waitingStatus(probe);
    expect(waiting).toEqual({ requested: targets.v2, requestedAt: expect.any(Number), waiting: true, blockedBy: [BLOCKED_BY_HANDLERS] });
    // Still there a while later: only the handler's end lets it move.
    await new Promise(resolve => setTimeout(resolve, 1000));
    expect(await probe.status()).toEqual(waiting);

    await probe.firstRun.signal(probeCommand, { kind: 'endUpdates' });
    expect(await update.result()).toBe(1);
    const migrated = await runsOf(probe.state, 2);
    expect(migrated.updatesDone).toBe(1);
    expect(migrated.runs[1].taskQueue).toBe(targets.v2.taskQueue);
  });

  it('acknowledges a signal that asks for it, in the run told; the run it moves to starts unmarked', async () => {
    const requestedOf = async (run: WorkflowHandle) => (await run.describe()).typedSearchAttributes.get(migrationRequestedKey);

    const asked = await startProbe({ owner: 'gus' });
    await runsOf(asked.state, 1);
    await asked.firstRun.signal(migrateSignal, { ...targets.v2, acknowledge: true });
    await runsOf(asked.state, 2);
    expect(await requestedOf(asked.firstRun)).toBe('v2');
    // Continue-as-new copied the attribute: the new run cleared it, as nobody told that run anything.
    expect(await eventually('the new run to clear it', async () => (await requestedOf(asked.handle)) === undefined)).toBe(true);

    const notAsked = await startProbe({ owner: 'hal' });
    await runsOf(notAsked.state, 1);
    await notAsked.firstRun.signal(migrateSignal, targets.v2);
    await runsOf(notAsked.state, 2);
    expect(await requestedOf(notAsked.firstRun)).toBeUndefined();
  });
});

describe('the upgrade dry run', () => {
  it('previews what a run would carry without moving it', async () => {
    const probe = await startProbe({ owner: 'ivy', timerMs: 60_000 });
    const { startedAt } = await runsOf(probe.state, 1);
    const preview = await probe.handle.query(migrationPreviewQuery, 'v2');
    expect(preview.workflowType).toBe('probe');
    expect(preview.envelope.diachronic).toEqual({
      fromVersionId: undefined,
      toVersionId: 'v2',
      migratedAt: expect.any(Number),
      timers: { deadline: startedAt + 60_000 },
    });
    expect(preview.envelope.state).toMatchObject({ owner: 'ivy' });
    const after = await probe.state();
    expect(after.runs).toHaveLength(1);
    expect(await probe.status()).toMatchObject({ requested: null, waiting: false });
  });

  it("runs this version's upgrade on old runs' states: passes, failures with the state's shape, runs it cannot check", async () => {
    const fine = await startProbe({ owner: 'jan' });
    const refused = await startProbe({ owner: 'unmigratable-kim' });
    const foreignType = await startProbe({ owner: 'lou' });
    await Promise.all([fine, refused, foreignType].map(probe => runsOf(probe.state, 1)));
    const environment = new MockActivityEnvironment({}, { client: env.client });
    const check = (upgrades: Parameters<typeof upgradeCheckActivities>[0], input: UpgradeCheckInput): Promise<UpgradeCheckResult> =>
      environment.run(upgradeCheckActivities(upgrades)[UPGRADE_CHECK_ACTIVITY], input);
    const ids = (probe: { handle: WorkflowHandleWithFirstExecutionRunId }) => ({ workflowId: probe.handle.workflowId, runId: probe.handle.firstExecutionRunId! });
    const gone = { workflowId: `migrate-test-${runTag}-never-started`, runId: '00000000-0000-4000-8000-000000000000' };

    const result = await check({ probe: upgradeProbe }, {
      toVersionId: 'v2',
      workflows: [ids(fine), ids(refused), gone],
    });
    expect(result.passed).toBe(1);
    expect(result.failed).toBe(1);
    expect(result.failures).toEqual([
      {
        ...ids(refused),
        workflowType: 'probe',
        error: 'RangeError: owner unmigratable-kim has no v2 equivalent',
        stateShape: expect.stringMatching(/^\{ startedAt: number, .*owner: string/),
      },
    ]);
    // The shape names the fields, never their values.
    expect(result.failures[0].stateShape).not.toContain('kim');
    expect(result.unchecked).toBe(1);
    expect(result.notChecked).toEqual([{ ...gone, reason: expect.stringContaining('no answer to diachronic.v1.migrationPreview') }]);

    const elsewhere = await check({ other: upgradeProbe }, {
      toVersionId: 'v2',
      workflows: [ids(foreignType)],
    });
    expect(elsewhere).toMatchObject({ passed: 0, failed: 0, unchecked: 1 });
    expect(elsewhere.notChecked[0].reason).toBe('this worker has no upgrade check for workflow type probe');
    // Nothing moved.
    for (const probe of [fine, refused, foreignType]) expect((await probe.state()).runs).toHaveLength(1);
  });
});
