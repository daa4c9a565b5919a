import { WorkflowNotFoundError } from '@temporalio/client';
import { versionTaskQueue, workflowIds } from '@diachronic/contract';
import {
  abortUpdate,
  familyStateQuery,
  overrideUpdate,
  pauseUpdate,
  promoteUpdate,
  resumeUpdate,
} from '@diachronic/contract/temporal';
import { finishSignal, holding, releaseSignal, sleeper, sleeperStateQuery } from '../fixtures/workflows';
import { HOLDING_REASON } from '../fixtures/holding';
import { Harness, expectRefused, fastOptions, startHarness, uniqueFamily, uniqueVersionId, waitFor } from '../harness';

jest.setTimeout(120_000);

describe('deployments against real Temporal, Unleash and kube-apiserver', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startHarness();
  });

  afterAll(async () => {
    await h?.teardown();
  });

  it('initial deployment: the flag goes straight to 100% live, nothing else happens', async () => {
    const family = uniqueFamily();
    const v1 = await h.deployInitial(family);
    const state = await h.state(family, v1);
    expect(state.previous).toBeNull();
    expect(state.livePercent).toBe(100);
    expect(state.version).toMatchObject({ family, versionId: v1, seq: 0, taskQueue: `${family}@${v1}` });
    const flag = await h.version(family, v1);
    expect(flag).toMatchObject({ livePercent: 100, darkEnabled: true, archived: false });
    expect(state.events.map(event => event.action)).toEqual(['request', 'flag created', 'initial deployment']);
  });

  it('migratory deployment: rolls out, migrates every old workflow exactly once, deletes the old worker and archives the old flag', async () => {
    const family = uniqueFamily();
    const v1 = await h.deployInitial(family);
    const sleepers = await h.startSleepers(family, v1, 25, 800);
    const v2 = uniqueVersionId();
    await h.startVersionWorker(family, v2);
    const v2Deployment = await h.createWorkerDeployment(family, v2);

    expect(await h.deploy(h.request(family, v2, fastOptions()))).toMatchObject({
      outcome: 'started',
      workflowId: workflowIds.deployment(family, v2),
    });
    const rolling = await h.waitForPhase(family, v2, ['rolling_out', 'migrating']);
    expect(rolling.previous).toMatchObject({ versionId: v1, seq: 0 });

    const done = await h.waitForPhase(family, v2, ['completed'], 90_000);
    expect(done.livePercent).toBe(100);
    expect(done.migration).toMatchObject({ signaled: 25, remaining: 0, moved: 25 });
    // The timeline: the percentage step by step, then the old queue drained while at 100%.
    const timeline = done.timeline!;
    const percents = timeline.map(point => point.livePercent).filter((percent, i, all) => i === 0 || percent !== all[i - 1]);
    expect(percents).toEqual([0, 50, 100]);
    expect(timeline.map(point => point.at)).toEqual([...timeline.map(point => point.at)].sort());
    expect(timeline[timeline.length - 1]).toMatchObject({ livePercent: 100, oldRunning: 0 });
    expect(Math.max(...timeline.map(point => point.oldRunning ?? 0))).toBeGreaterThan(0);
    expect(done.events.map(event => event.action)).toEqual(
      expect.arrayContaining(['request', 'flag created', 'rollout completed', 'old version retired']),
    );

    // Every old workflow was told exactly once and now runs on v2's queue.
    const states = await Promise.all(sleepers.map(handle => handle.query(sleeperStateQuery)));
    for (const state of states) {
      expect(state).toEqual({ migrateSignals: 1, queues: [versionTaskQueue(family, v1), versionTaskQueue(family, v2)] });
    }
    expect(await h.workerDeployments(family)).toEqual([v2Deployment]);
    expect(await h.version(family, v1)).toMatchObject({ archived: true });
    expect(await h.version(family, v2)).toMatchObject({ livePercent: 100, archived: false });
    await h.finish(sleepers);
    h.recordHistory('deployment-migratory', workflowIds.deployment(family, v2));
    h.recordHistory('rollout-completed', workflowIds.rollout(family, v2));
    h.recordHistory('migration-told-from-visibility', workflowIds.migration(family, v2));
  });

  it('names the stragglers: workflows told long enough ago that still run on the old queue, with why, oldest first', async () => {
    const family = uniqueFamily();
    const v1 = await h.deployInitial(family);
    const taskQueue = versionTaskQueue(family, v1);
    const holders = [];
    for (const i of [1, 2]) {
      holders.push(await h.client.workflow.start(holding, { taskQueue, workflowId: `${family}/holding-${i}` }));
    }
    const movers = await h.startSleepers(family, v1, 2);
    const v2 = uniqueVersionId();
    await h.startVersionWorker(family, v2);
    await h.deploy(h.request(family, v2, fastOptions({ schedule: [{ percent: 100, pauseMs: 0 }], stragglerAfterMs: 1000 })));

    const found = await waitFor('the stragglers', async () => {
      const report = (await h.state(family, v2)).migration?.stragglers;
      return report && report.stragglers.length === 2 ? report : undefined;
    });
    expect(found).toMatchObject({ method: 'acknowledged sample', olderThanMs: 1000, toldStillRunning: 2, sampled: 2, unanswered: 0 });
    expect(found.stragglers.map(straggler => straggler.workflowId).sort()).toEqual(holders.map(handle => handle.workflowId).sort());
    for (const straggler of found.stragglers) {
      expect(straggler.blockedBy).toEqual([HOLDING_REASON]);
      expect(Date.parse(found.checkedAt) - Date.parse(straggler.toldAt)).toBeGreaterThanOrEqual(1000);
    }
    expect(found.stragglers.map(straggler => straggler.toldAt)).toEqual(found.stragglers.map(straggler => straggler.toldAt).sort());

    // Released, they move: the migration completes and nothing lags any more.
    await Promise.all(holders.map(handle => handle.signal(releaseSignal)));
    const done = await h.waitForPhase(family, v2, ['completed'], 90_000);
    expect(done.migration?.stragglers).toBeUndefined();
    expect(done.migration).toMatchObject({ signaled: 4, remaining: 0 });
    await h.finish(movers);
    await Promise.all(holders.map(handle => h.client.workflow.getHandle(handle.workflowId).terminate('test done').catch(() => undefined)));
    h.recordHistory('migration-stragglers', workflowIds.migration(family, v2));
  });

  it('waits in dark until promoted, refusing other controls with a reason', async () => {
    const family = uniqueFamily();
    await h.deployInitial(family);
    const v2 = uniqueVersionId();
    await h.deploy(h.request(family, v2, fastOptions({ dark: true, migratory: false })));
    const dark = await h.waitForPhase(family, v2, ['dark']);
    expect(dark.livePercent).toBe(0);
    expect(await h.version(family, v2)).toMatchObject({ livePercent: 0, darkEnabled: true });

    const handle = h.client.workflow.getHandle(workflowIds.deployment(family, v2));
    await expectRefused(
      handle.executeUpdate(pauseUpdate, { args: [{ who: 'user:default/ops' }] }),
      /^pause refused: not possible while the deployment is dark; possible when rolling_out or migrating$/,
    );
    await expectRefused(
      handle.executeUpdate(overrideUpdate, { args: [{ who: 'user:default/ops', percent: 30 }] }),
      /^override refused: not possible while the deployment is dark/,
    );
    await handle.executeUpdate(promoteUpdate, { args: [{ who: 'user:default/qa', why: 'acceptance passed' }] });
    const done = await h.waitForPhase(family, v2, ['completed']);
    expect(done.events).toEqual(
      expect.arrayContaining([expect.objectContaining({ action: 'promote', who: 'user:default/qa', why: 'acceptance passed' })]),
    );
    await expect(handle.executeUpdate(promoteUpdate, { args: [{ who: 'user:default/qa' }] })).rejects.toThrow();
    h.recordHistory('deployment-dark-promoted', workflowIds.deployment(family, v2));
  });

  it('override mid-rollout: the rollout stops itself and records what it saw; the migration finishes at 100%', async () => {
    const family = uniqueFamily();
    const v1 = await h.deployInitial(family);
    const sleepers = await h.startSleepers(family, v1, 5);
    const v2 = uniqueVersionId();
    await h.startVersionWorker(family, v2);
    const slow = fastOptions({ schedule: [{ percent: 10, pauseMs: 60_000 }, { percent: 100, pauseMs: 0 }] });
    await h.deploy(h.request(family, v2, slow));
    await waitFor('the first step', async () => (await h.state(family, v2)).step?.percent === 10);
    const handle = h.client.workflow.getHandle(workflowIds.deployment(family, v2));

    await expectRefused(
      handle.executeUpdate(overrideUpdate, { args: [{ who: 'user:default/ops', percent: 101 }] }),
      /percent must be an integer from 0 to 100, got 101/,
    );
    await handle.executeUpdate(overrideUpdate, { args: [{ who: 'user:default/ops', why: 'looks good', percent: 70 }] });
    const overridden = await waitFor('the rollout to stop itself', async () => {
      const state = await h.state(family, v2);
      return state.events.find(event => event.action === 'rollout stopped') ? state : undefined;
    });
    expect(overridden.phase).toBe('migrating');
    // Named after who asked Diachronic, not after the Unleash token Diachronic wrote the flag with.
    expect(overridden.reason).toBe('overridden by user:default/ops: 70%');
    expect(overridden.events.find(event => event.action === 'rollout stopped')).toMatchObject({
      who: 'user:default/ops',
      detail: expect.stringMatching(/from 10% to 70%/),
    });
    expect(await h.version(family, v2)).toMatchObject({ livePercent: 70 });
    // The migration goes on at 70%; a pause holds its sweeps until a resume. The deployment's state has the
    // migration's part (where `held` shows) from its first report on: the pause comes after it.
    await waitFor('the migration to report', async () => (await h.state(family, v2)).migration !== undefined);
    const paused = await handle.executeUpdate(pauseUpdate, { args: [{ who: 'user:default/ops', why: 'watching' }] });
    expect(paused.migration?.held).toBe(true);
    expect(paused.events.at(-1)).toMatchObject({
      who: 'user:default/ops',
      action: 'pause',
      why: 'watching',
      detail: 'the migration tells no more workflows until resumed',
    });
    await expectRefused(handle.executeUpdate(pauseUpdate, { args: [{ who: 'user:default/ops' }] }), /^pause refused: the migration is already held$/);
    const resumed = await handle.executeUpdate(resumeUpdate, { args: [{ who: 'user:default/ops' }] });
    expect(resumed.migration?.held).toBeUndefined();

    await handle.executeUpdate(overrideUpdate, { args: [{ who: 'user:default/ops', percent: 100 }] });
    await h.finish(sleepers);
    const done = await h.waitForPhase(family, v2, ['overridden']);
    expect(done.events.map(event => event.action)).toEqual(expect.arrayContaining(['override', 'old version retired']));
    expect(await h.version(family, v1)).toMatchObject({ archived: true });
    h.recordHistory('deployment-overridden', workflowIds.deployment(family, v2));
    h.recordHistory('rollout-overridden', workflowIds.rollout(family, v2));
  });

  it('override to 100% is a fast-forward: the deployment completes and says who fast-forwarded and why', async () => {
    const family = uniqueFamily();
    await h.deployInitial(family);
    const v2 = uniqueVersionId();
    const slow = fastOptions({ migratory: false, schedule: [{ percent: 10, pauseMs: 60_000 }, { percent: 100, pauseMs: 0 }] });
    await h.deploy(h.request(family, v2, slow));
    await waitFor('the first step', async () => (await h.state(family, v2)).step?.percent === 10);
    await h.client.workflow
      .getHandle(workflowIds.deployment(family, v2))
      .executeUpdate(overrideUpdate, { args: [{ who: 'user:default/ops', why: 'ship it', percent: 100 }] });
    const done = await h.waitForPhase(family, v2, ['completed', 'overridden']);
    expect(done).toMatchObject({ phase: 'completed', reason: 'fast-forwarded to 100% by user:default/ops: ship it' });
    expect(await h.version(family, v2)).toMatchObject({ livePercent: 100 });
  });

  it('a change made in Unleash, outside Diachronic: the rollout stops itself and names who made it', async () => {
    const family = uniqueFamily();
    await h.deployInitial(family);
    const v2 = uniqueVersionId();
    const options = fastOptions({
      migratory: false,
      schedule: [{ percent: 10, pauseMs: 4000 }, { percent: 50, pauseMs: 4000 }, { percent: 100, pauseMs: 0 }],
    });
    await h.deploy(h.request(family, v2, options));
    const rolling = await waitFor('the first step', async () => {
      const state = await h.state(family, v2);
      return state.step?.percent === 10 ? state : undefined;
    });
    // Someone sets 30% with the Unleash admin API directly.
    await h.versionFlags.setLivePercent({ flag: rolling.version!.flag }, { expected: 10, percent: 30 });

    const done = await h.waitForPhase(family, v2, ['overridden']);
    expect(done.reason).toMatch(/^overridden by \S+: 30%$/);
    expect(done.reason).not.toContain('unknown');
    expect(await h.version(family, v2)).toMatchObject({ livePercent: 30 });
  });

  it('a change and its undo between two steps (A→B→A) is seen from the event log: the rollout stops and names both', async () => {
    const family = uniqueFamily();
    await h.deployInitial(family);
    const v2 = uniqueVersionId();
    const options = fastOptions({
      migratory: false,
      schedule: [{ percent: 10, pauseMs: 5000 }, { percent: 50, pauseMs: 5000 }, { percent: 100, pauseMs: 0 }],
    });
    await h.deploy(h.request(family, v2, options));
    const rolling = await waitFor('the first step', async () => {
      const state = await h.state(family, v2);
      return state.step?.percent === 10 ? state : undefined;
    });
    // Someone raises it to 30 with the Unleash API, and puts it back to 10, all within the step's pause.
    const flag = { flag: rolling.version!.flag };
    await h.versionFlags.setLivePercent(flag, { expected: 10, percent: 30 });
    await h.versionFlags.setLivePercent(flag, { expected: 30, percent: 10 });

    const done = await h.waitForPhase(family, v2, ['overridden', 'completed']);
    expect(done.phase).toBe('overridden');
    expect(done.reason).toMatch(/^overridden by \S+: 10%$/);
    const stopped = done.events.find(event => event.action === 'rollout stopped');
    expect(stopped?.detail).toMatch(/from 10% to 30% at .*, then by \S+ from 30% to 10% at /);
    expect(done.step).toMatchObject({ percent: 10 });
    expect(done.step?.nextAt).toBeUndefined();
    expect(await h.version(family, v2)).toMatchObject({ livePercent: 10 });
  });

  it('pause holds the schedule and resume continues it', async () => {
    const family = uniqueFamily();
    await h.deployInitial(family);
    const v2 = uniqueVersionId();
    const options = fastOptions({
      migratory: false,
      schedule: [{ percent: 20, pauseMs: 1500 }, { percent: 100, pauseMs: 0 }],
    });
    await h.deploy(h.request(family, v2, options));
    await waitFor('the first step', async () => (await h.state(family, v2)).step?.percent === 20);
    const handle = h.client.workflow.getHandle(workflowIds.deployment(family, v2));
    const paused = await handle.executeUpdate(pauseUpdate, { args: [{ who: 'user:default/ops', why: 'checking errors' }] });
    expect(paused.step).toMatchObject({ paused: true, percent: 20 });
    await expectRefused(handle.executeUpdate(pauseUpdate, { args: [{ who: 'user:default/ops' }] }), /already paused/);
    await new Promise(resolve => setTimeout(resolve, 2500));
    expect(await h.state(family, v2)).toMatchObject({ phase: 'rolling_out', livePercent: 20 });
    await handle.executeUpdate(resumeUpdate, { args: [{ who: 'user:default/ops' }] });
    const done = await h.waitForPhase(family, v2, ['completed']);
    expect(done.livePercent).toBe(100);
    expect(done.events.map(event => event.action)).toEqual(expect.arrayContaining(['pause', 'resume']));
    h.recordHistory('rollout-paused-resumed', workflowIds.rollout(family, v2));
  });

  it('abort: live to 0%, new starts go back to the old version, the new version is kept until drained', async () => {
    const family = uniqueFamily();
    const v1 = await h.deployInitial(family);
    const v2 = uniqueVersionId();
    await h.startVersionWorker(family, v2);
    const v2Deployment = await h.createWorkerDeployment(family, v2);
    const slow = fastOptions({ schedule: [{ percent: 40, pauseMs: 60_000 }, { percent: 100, pauseMs: 0 }] });
    await h.deploy(h.request(family, v2, slow));
    await waitFor('the first step', async () => (await h.state(family, v2)).step?.percent === 40);
    // A workflow already on the new version keeps running there.
    const onV2 = await h.client.workflow.start(sleeper, {
      taskQueue: versionTaskQueue(family, v2),
      workflowId: `${family}/on-v2`,
      args: [{ holdMs: 0 }],
    });

    const handle = h.client.workflow.getHandle(workflowIds.deployment(family, v2));
    await handle.executeUpdate(abortUpdate, { args: [{ who: 'user:default/ops', why: 'error rate up' }] });
    const aborted = await h.waitForPhase(family, v2, ['aborted']);
    expect(aborted.reason).toBe('aborted by user:default/ops: error rate up');
    expect(await h.version(family, v2)).toMatchObject({ livePercent: 0, darkEnabled: false });
    expect(await h.version(family, v1)).toMatchObject({ livePercent: 100, archived: false });
    expect(await h.workerDeployments(family)).toContain(v2Deployment);

    // Once the last workflow on the aborted version ends, its cleanup removes it.
    await onV2.signal(finishSignal);
    await waitFor('the aborted version to be cleaned up', async () => !(await h.workerDeployments(family)).includes(v2Deployment));
    // Its flag is archived right after its workers are deleted.
    await waitFor('the aborted version archived', async () => (await h.version(family, v2))?.archived);

    // An aborted version is never the previous version of a later deployment.
    const v3 = uniqueVersionId();
    await h.deploy(h.request(family, v3, fastOptions({ migratory: false })));
    const v3State = await h.waitForPhase(family, v3, ['rolling_out', 'completed']);
    expect(v3State.previous?.versionId).toBe(v1);
    h.recordHistory('deployment-aborted', workflowIds.deployment(family, v2));
    h.recordHistory('cleanup-aborted', workflowIds.cleanup(family, v2));
  });

  it('nonmigratory: completes with the rollout; a separate cleanup removes the old version once its workflows end', async () => {
    const family = uniqueFamily();
    const v1 = await h.deployInitial(family);
    const v1Deployment = (await h.workerDeployments(family))[0];
    const running = await h.startSleepers(family, v1, 3);
    const v2 = uniqueVersionId();
    await h.deploy(h.request(family, v2, fastOptions({ migratory: false })));
    const done = await h.waitForPhase(family, v2, ['completed']);
    expect(done.migration).toBeUndefined();
    expect(done.events.map(event => event.action)).toContain('cleanup scheduled');

    await new Promise(resolve => setTimeout(resolve, 1500));
    expect(await h.workerDeployments(family)).toEqual([v1Deployment]);
    for (const sleeperHandle of running) expect((await sleeperHandle.query(sleeperStateQuery)).migrateSignals).toBe(0);

    await h.finish(running);
    const cleanup = h.client.workflow.getHandle(workflowIds.cleanup(family, v1));
    expect(await cleanup.result()).toEqual({ deletedDeployments: [v1Deployment] });
    expect(await h.workerDeployments(family)).toEqual([]);
    expect(await h.version(family, v1)).toMatchObject({ archived: true });
    h.recordHistory('cleanup-replaced', workflowIds.cleanup(family, v1));
  });

  it('runs one deployment per family at a time: a third version queues behind a running one; duplicates say so', async () => {
    const family = uniqueFamily();
    const v1 = await h.deployInitial(family);
    const v2 = uniqueVersionId();
    const v3 = uniqueVersionId();
    const dark = fastOptions({ dark: true, migratory: false });
    expect(await h.deploy(h.request(family, v2, dark))).toMatchObject({ outcome: 'started' });
    await h.waitForPhase(family, v2, ['dark']);
    expect(await h.deploy(h.request(family, v3, fastOptions({ migratory: false })))).toEqual({
      outcome: 'queued',
      workflowId: workflowIds.deployment(family, v3),
      position: 1,
    });
    expect(await h.deploy(h.request(family, v2, dark))).toMatchObject({
      outcome: 'duplicate',
      message: `${family} ${v2} is being deployed now`,
    });
    expect(await h.deploy(h.request(family, v3, dark))).toMatchObject({
      outcome: 'duplicate',
      message: `${family} ${v3} is already queued at position 1`,
    });
    expect(await h.deploy(h.request(family, v1, dark))).toMatchObject({
      outcome: 'duplicate',
      message: `${family} ${v1} was already deployed (completed); to deploy it again, request a rollback (rollback: true)`,
    });
    const familyHandle = h.client.workflow.getHandle(workflowIds.family(family));
    expect(await familyHandle.query(familyStateQuery)).toMatchObject({ current: { versionId: v2 }, queue: [{ versionId: v3 }] });
    h.recordHistory('family-queued', workflowIds.family(family), (await familyHandle.describe()).runId);

    await h.client.workflow
      .getHandle(workflowIds.deployment(family, v2))
      .executeUpdate(promoteUpdate, { args: [{ who: 'user:default/qa' }] });
    await h.waitForPhase(family, v2, ['completed']);
    const v3Done = await h.waitForPhase(family, v3, ['completed']);
    expect(v3Done.previous?.versionId).toBe(v2);
  });

  it('a latest queue: each newer request supersedes those waiting, naming it; the running deployment is untouched', async () => {
    const family = uniqueFamily();
    await h.deployInitial(family);
    const [v2, v3, v4, v5] = [uniqueVersionId(), uniqueVersionId(), uniqueVersionId(), uniqueVersionId()];
    const latest = fastOptions({ migratory: false, queue: 'latest' });
    await h.deploy(h.request(family, v2, { ...latest, dark: true }));
    await h.waitForPhase(family, v2, ['dark']);
    expect(await h.deploy(h.request(family, v3, latest))).toMatchObject({ outcome: 'queued', position: 1 });
    expect(await h.deploy(h.request(family, v4, latest))).toMatchObject({ outcome: 'queued', position: 1 });
    expect(await h.deploy(h.request(family, v5, latest, 'user:default/rel'))).toMatchObject({ outcome: 'queued', position: 1 });

    const familyHandle = h.client.workflow.getHandle(workflowIds.family(family));
    const after = await familyHandle.query(familyStateQuery);
    expect(after).toMatchObject({ current: { versionId: v2 }, queue: [{ versionId: v5 }] });
    expect(after.cancelled?.map(({ versionId, supersededBy, cancelledBy }) => ({ versionId, supersededBy, cancelledBy }))).toEqual([
      { versionId: v3, supersededBy: v4, cancelledBy: { who: 'diachronic', why: `superseded by ${v4} (queue policy: latest)` } },
      { versionId: v4, supersededBy: v5, cancelledBy: { who: 'diachronic', why: `superseded by ${v5} (queue policy: latest)` } },
    ]);
    h.recordHistory('family-latest-wins', workflowIds.family(family), (await familyHandle.describe()).runId);
    // The running one goes on; a superseded version's deployment never starts.
    expect((await h.state(family, v2)).phase).toBe('dark');
    await h.client.workflow.getHandle(workflowIds.deployment(family, v2)).executeUpdate(promoteUpdate, { args: [{ who: 'user:default/qa' }] });
    const v5Done = await h.waitForPhase(family, v5, ['completed']);
    expect(v5Done.previous?.versionId).toBe(v2);
    for (const superseded of [v3, v4]) {
      await expect(h.client.workflow.getHandle(workflowIds.deployment(family, superseded)).describe()).rejects.toBeInstanceOf(WorkflowNotFoundError);
    }
  });

  it('deploys a version retired before again only as a rollback, with a new seq; refuses one that is not retired', async () => {
    const family = uniqueFamily();
    const v1 = await h.deployInitial(family);
    const v2 = uniqueVersionId();
    await h.startVersionWorker(family, v2);
    await h.deploy(h.request(family, v2, fastOptions()));
    await h.waitForPhase(family, v2, ['completed']);
    const flagsOf = async (versionId: string) =>
      (await h.versionFlags.listVersions(family, { includeArchived: true })).filter(flag => flag.versionId === versionId);
    expect(await flagsOf(v1)).toEqual([expect.objectContaining({ seq: 0, archived: true })]);

    // Asked again without saying it is a rollback: a duplicate, saying how to.
    expect(await h.deploy(h.request(family, v1, fastOptions()))).toMatchObject({
      outcome: 'duplicate',
      message: `${family} ${v1} was already deployed (completed); to deploy it again, request a rollback (rollback: true)`,
    });
    // v2 routes now: there is nothing to roll back to.
    const refused = await h.deploy({ ...h.request(family, v2, fastOptions()), rollback: true }).catch(error => error);
    expect(refused.cause?.message).toBe(
      `cannot roll back to ${family} ${v2}: it is not retired (its flag still routes, or it was aborted and still drains); abort the newer deployment instead`,
    );

    // v1's worker is deployed again, and v1 comes back as a new version: a new flag (seq 2), the same queue.
    await h.createWorkerDeployment(family, v1);
    expect(await h.deploy({ ...h.request(family, v1, fastOptions()), rollback: true })).toMatchObject({ outcome: 'started' });
    const familyHandle = h.client.workflow.getHandle(workflowIds.family(family));
    h.recordHistory('family-rollback', workflowIds.family(family), (await familyHandle.describe()).runId);
    const done = await waitFor('the rollback to complete', async () => {
      const state = await h.state(family, v1);
      return state.version?.seq === 2 && state.phase === 'completed' ? state : undefined;
    });
    expect(done.previous?.versionId).toBe(v2);
    h.recordHistory('deployment-rollback', workflowIds.deployment(family, v1));
    expect(done.events.find(event => event.action === 'flag created')?.detail).toContain(`a rollback to ${v1}`);
    expect(await flagsOf(v1)).toEqual([
      expect.objectContaining({ seq: 0, archived: true }),
      expect.objectContaining({ seq: 2, archived: false, livePercent: 100, taskQueue: versionTaskQueue(family, v1) }),
    ]);
    expect(await flagsOf(v2)).toEqual([expect.objectContaining({ archived: true })]);
    expect(await h.workerDeployments(family)).toHaveLength(1);
  });

  it('refuses an invalid request with the field named, and starts nothing', async () => {
    const family = uniqueFamily();
    const bad = h.request(family, 'NOT-A-SHA', fastOptions());
    await expectRefused(h.deploy(bad), /^versionId: must be a git sha: 7–40 lowercase hex digits$/);
    await expect(h.client.workflow.getHandle(workflowIds.deployment(family, 'NOT-A-SHA')).describe()).rejects.toThrow(
      WorkflowNotFoundError,
    );
  });
});
