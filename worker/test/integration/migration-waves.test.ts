import { ChildProcess } from 'node:child_process';
import { WorkflowHandle } from '@temporalio/client';
import { DeploymentOptions, DeploymentState, MigrationWaves, versionTaskQueue, workflowIds } from '@diachronic/contract';
import { deploymentStateQuery, searchAttributes } from '@diachronic/contract/temporal';
import { requestDeployment } from '../../src/client';
import { GATE_ACTOR } from '../../src/workflows/gate';
import { sleeperStateQuery } from '../fixtures/workflows';
import { Harness, spawnDiachronicWorker, startHarness, uniqueFamily, uniqueVersionId, waitFor } from '../harness';

jest.setTimeout(300_000);

const WORKFLOWS = 200;
const failingOnArrival = require.resolve('../fixtures/failing-on-arrival');

/**
 * Migration in waves on the real services, with the Diachronic worker in its own process: a canary, a bake,
 * then growing waves, each told exactly once also when the worker is killed mid-wave; a failed health gate
 * after a wave stops the next one.
 */
describe('migration in waves', () => {
  let h: Harness;
  let worker: ChildProcess | undefined;
  const taskQueue = `diachronic-ci-waves-${process.pid}-${Date.now().toString(36)}`;
  const startWorker = () => {
    worker = spawnDiachronicWorker(taskQueue);
  };

  beforeAll(async () => {
    h = await startHarness({ inProcessWorker: false });
    startWorker();
  });

  afterAll(async () => {
    worker?.kill('SIGKILL');
    await h?.teardown();
  });

  const deployment = (family: string, versionId: string) => h.client.workflow.getHandle(workflowIds.deployment(family, versionId));
  const state = (family: string, versionId: string): Promise<DeploymentState> =>
    deployment(family, versionId).query(deploymentStateQuery);

  /** Straight to 100% of new starts, so that routing lets every old workflow move from the start. */
  const options = (waves: MigrationWaves, extra: Partial<DeploymentOptions> = {}): DeploymentOptions => ({
    dark: false,
    migratory: true,
    schedule: [{ percent: 100, pauseMs: 0 }],
    sweepIntervalMs: 300,
    drainGuardMs: 1000,
    waves,
    ...extra,
  });

  /** v1 deployed with WORKFLOWS sleepers running on it, and a worker for v2 (the fixtures, or `v2Workflows`). */
  async function familyWithSleepers(v2Workflows?: string) {
    const family = uniqueFamily();
    const v1 = uniqueVersionId();
    const v2 = uniqueVersionId();
    await h.startVersionWorker(family, v1);
    await h.startVersionWorker(family, v2, v2Workflows ? { workflowsPath: v2Workflows } : undefined);
    await h.createWorkerDeployment(family, v1);
    await requestDeployment(h.client, h.request(family, v1, options({ enabled: false })), { taskQueue });
    await h.waitForPhase(family, v1, ['completed']);
    const sleepers: WorkflowHandle[] = await h.startSleepers(family, v1, WORKFLOWS);
    await waitFor('visibility to list the sleepers', async () => {
      const { count } = await h.client.workflow.count(`TaskQueue = "${versionTaskQueue(family, v1)}" AND ExecutionStatus = "Running"`);
      return count === WORKFLOWS;
    });
    return { family, v1, v2, sleepers };
  }

  /** Runs on v1 that acknowledged the signal to migrate to v2 (visibility). */
  const toldCount = async (family: string, v1: string, v2: string) =>
    (await h.client.workflow.count(`TaskQueue = "${versionTaskQueue(family, v1)}" AND ${searchAttributes.migrationRequested.name} = "${v2}"`)).count;

  /** The told count whenever a wave bakes, by wave; polled until the deployment reaches one of `phases`. */
  async function watchWaves(family: string, versionId: string, phases: string[], during?: (current: DeploymentState) => Promise<void>) {
    const toldWhileBaking = new Map<number, Set<number>>();
    const final = await waitFor(
      `${family} ${versionId} to reach ${phases.join(' or ')}`,
      async () => {
        const current = await state(family, versionId);
        const wave = current.migration?.wave;
        if (wave?.stage === 'baking') toldWhileBaking.set(wave.index, new Set([...(toldWhileBaking.get(wave.index) ?? []), current.migration!.signaled]));
        await during?.(current);
        return phases.includes(current.phase) ? current : undefined;
      },
      { timeoutMs: 240_000, intervalMs: 100 },
    );
    return { final, toldWhileBaking };
  }

  it(`tells ${WORKFLOWS} old workflows in a canary of 2, then waves of 20, 100 and all, each once, the worker killed mid-wave`, async () => {
    const { family, v1, v2, sleepers } = await familyWithSleepers();
    await requestDeployment(
      h.client,
      h.request(family, v2, options({ canaryPercent: 1, percents: [10, 50], bakeMs: 3000, signalsPerSecond: 40 })),
      { taskQueue },
    );

    let killed = false;
    const { final, toldWhileBaking } = await watchWaves(family, v2, ['completed'], async current => {
      const wave = current.migration?.wave;
      if (killed || wave?.index !== 3 || wave.stage !== 'telling') return;
      // Mid-wave: the third wave (from 20 to 100 told, at 40 signals a second) has told some (they acknowledged).
      if ((await toldCount(family, v1, v2)) < 40) return;
      killed = true;
      worker!.kill('SIGKILL');
      await new Promise(resolve => setTimeout(resolve, 2000));
      startWorker();
    });

    h.recordHistory('migration-waves', workflowIds.migration(family, v2));
    expect(killed).toBe(true);
    // Each wave stopped at its target and baked there: 1% (2), 10% (20), 50% (100) of the 200 routing allows.
    expect(Object.fromEntries([...toldWhileBaking].map(([index, told]) => [index, [...told]]))).toEqual({ 1: [2], 2: [20], 3: [100] });
    expect(final.migration).toMatchObject({ signaled: WORKFLOWS, remaining: 0, wave: { index: 4, count: 4 } });
    expect(final.events.filter(event => event.action === 'wave').map(event => event.detail)).toEqual([
      'wave 1/4: 1% of the old workflows routing lets move (2 told by its end)',
      'wave 2/4: 10% of the old workflows routing lets move (20 told by its end)',
      'wave 3/4: 50% of the old workflows routing lets move (100 told by its end)',
      'wave 4/4: 100% of the old workflows routing lets move (all of them)',
    ]);
    const signalCounts = await Promise.all(sleepers.map(async handle => (await handle.query(sleeperStateQuery)).migrateSignals));
    expect(signalCounts.filter(count => count !== 1)).toEqual([]);
    await h.finish(sleepers);
  });

  it('stops at the wave after which the health gate fails: the deployment aborts and nobody more is told', async () => {
    const { family, v1, v2 } = await familyWithSleepers(failingOnArrival);
    await requestDeployment(
      h.client,
      h.request(
        family,
        v2,
        options(
          // The bake gives the 20 of the second wave time to move and fail before the gate looks.
          { canaryPercent: 1, percents: [10, 50], bakeMs: 4000 },
          { gate: { minSamples: 10, maxFailedPercent: 5, intervalMs: 3_600_000 } },
        ),
      ),
      { taskQueue },
    );

    const { final } = await watchWaves(family, v2, ['aborted']);
    h.recordHistory('deployment-wave-gate-aborted', workflowIds.deployment(family, v2));
    // The canary's 2 failures were too few samples to judge; after the second wave they were enough.
    expect(final.reason).toMatch(new RegExp(`^aborted by ${GATE_ACTOR.replace(/[()]/g, '\\$&')}: \\d+ of \\d+ workflows on ${versionTaskQueue(family, v2)} failed`));
    expect(final.gate!.evaluations.filter(evaluation => evaluation.trigger === 'before wave').map(evaluation => evaluation.passed)).toEqual([true, true, false]);
    // The migration ended with the deployment: the 20 told are all there will be.
    expect(await toldCount(family, v1, v2)).toBe(20);
    // The other 180 still run on v1, never told.
    const onV1 = `TaskQueue = "${versionTaskQueue(family, v1)}" AND ExecutionStatus = "Running"`;
    await waitFor('the 20 told to leave v1', async () => (await h.client.workflow.count(onV1)).count === WORKFLOWS - 20);
    const untold: string[] = [];
    for await (const execution of h.client.workflow.list({ query: onV1 })) untold.push(execution.workflowId);
    const counts = await Promise.all(untold.map(async id => (await h.client.workflow.getHandle(id).query(sleeperStateQuery)).migrateSignals));
    expect(counts.filter(count => count !== 0)).toEqual([]);
    await h.finish(untold.map(workflowId => h.client.workflow.getHandle(workflowId)));
  });
});
