import { ChildProcess } from 'node:child_process';
import { requestDeployment } from '../../src/client';
import { versionTaskQueue, workflowIds } from '@diachronic/contract';
import { deploymentStateQuery } from '@diachronic/contract/temporal';
import { finishSignal, sleeper, sleeperStateQuery } from '../fixtures/workflows';
import { Harness, spawnDiachronicWorker, startHarness, uniqueFamily, uniqueVersionId, waitFor } from '../harness';

jest.setTimeout(300_000);

const WORKFLOWS = 300;

/**
 * Every old workflow is told to migrate exactly once, also when the Diachronic worker process is killed
 * (SIGKILL, mid-sweep) and started again: the remembered set is workflow state and the sweep's progress
 * is heartbeated, so neither the retried sweep nor later sweeps signal anyone twice.
 */
describe('migration exactly once across a killed worker', () => {
  let h: Harness;
  let worker: ChildProcess | undefined;
  const taskQueue = `diachronic-ci-crash-${process.pid}-${Date.now().toString(36)}`;

  const startWorker = () => {
    worker = spawnDiachronicWorker(taskQueue);
  };

  beforeAll(async () => {
    h = await startHarness({ inProcessWorker: false });
  });

  afterAll(async () => {
    worker?.kill('SIGKILL');
    await h?.teardown();
  });

  it(`signals each of ${WORKFLOWS} workflows once while the percentage rises, with a crash in between`, async () => {
    const family = uniqueFamily();
    const v1 = uniqueVersionId();
    const v2 = uniqueVersionId();
    await h.startVersionWorker(family, v1);
    await h.startVersionWorker(family, v2);
    await h.createWorkerDeployment(family, v1);
    startWorker();
    const request = (versionId: string) =>
      h.request(family, versionId, {
        dark: false,
        migratory: true,
        schedule: [20, 40, 60, 80, 100].map(percent => ({ percent, pauseMs: 1500 })),
        sweepIntervalMs: 300,
        drainGuardMs: 1000,
      });
    await requestDeployment(h.client, request(v1), { taskQueue });
    await h.waitForPhase(family, v1, ['completed']);

    // Old workflows hold a migrate signal for 3 s before they move: several sweeps see them meanwhile.
    const sleepers = await Promise.all(
      Array.from({ length: WORKFLOWS }, (_, i) =>
        h.client.workflow.start(sleeper, {
          taskQueue: versionTaskQueue(family, v1),
          workflowId: `${family}/crash-${i}`,
          args: [{ holdMs: 3000 }],
        }),
      ),
    );
    await requestDeployment(h.client, request(v2), { taskQueue });
    const deployment = h.client.workflow.getHandle(workflowIds.deployment(family, v2));
    await waitFor('a part of the old workflows to be signaled', async () => {
      const signaled = (await deployment.query(deploymentStateQuery)).migration?.signaled ?? 0;
      return signaled >= 30 && signaled < WORKFLOWS;
    });
    worker!.kill('SIGKILL');
    await new Promise(resolve => setTimeout(resolve, 2000));
    startWorker();

    const done = await h.waitForPhase(family, v2, ['completed'], 240_000);
    expect(done.migration).toMatchObject({ signaled: WORKFLOWS, remaining: 0 });
    const states = await Promise.all(sleepers.map(handle => handle.query(sleeperStateQuery)));
    const signalCounts = states.map(state => state.migrateSignals);
    expect(signalCounts.filter(count => count !== 1)).toEqual([]);
    expect(states.every(state => state.queues.at(-1) === versionTaskQueue(family, v2))).toBe(true);
    await Promise.all(sleepers.map(handle => h.client.workflow.getHandle(handle.workflowId).signal(finishSignal)));
  });
});
