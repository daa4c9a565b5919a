/**
 * Benchmark: one full migration sweep over N workflows running on an old task queue, next to a raw client
 * loop that lists the same queue and sends the same number of signals at the same concurrency.
 *
 *   set -a; . .state/services.env; set +a
 *   scripts/with-node.sh node --require @backstage/cli/config/nodeTransform.cjs worker/bench/migration-sweep.ts [N]
 *
 * Prints signals per second for both, the migration workflow's history length and this process's peak RSS
 * (it runs the Diachronic worker in-process).
 */
import { performance } from 'node:perf_hooks';
import { Client } from '@temporalio/client';
import { versionTaskQueue, workflowIds } from '@diachronic/contract';
import { deploymentStateQuery } from '@diachronic/contract/temporal';
import { terminateRunning } from '@diachronic/test-utils';
import { fastOptions, startHarness, uniqueFamily, uniqueVersionId, waitFor } from '../test/harness';

const N = Number(process.argv[2] ?? 2000);
const CONCURRENCY = 32;

async function startIdleWorkflows(client: Client, taskQueue: string, prefix: string) {
  // No worker polls this queue: the workflows stay Running, which is all a sweep looks at.
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < N) {
        const i = next++;
        await client.workflow.start('benchIdle', { taskQueue, workflowId: `${prefix}-${i}`, workflowExecutionTimeout: '1 hour' });
      }
    }),
  );
}

async function rawSignalLoop(client: Client, taskQueue: string): Promise<number> {
  const started = performance.now();
  const ids: string[] = [];
  for await (const execution of client.workflow.list({ query: `TaskQueue = "${taskQueue}" AND ExecutionStatus = "Running"` })) {
    ids.push(execution.workflowId);
  }
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < ids.length) await client.workflow.getHandle(ids[next++]).signal('benchRaw');
    }),
  );
  return (ids.length / (performance.now() - started)) * 1000;
}

async function main() {
  let peakRss = process.memoryUsage().rss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 100);
  const h = await startHarness();
  const family = uniqueFamily('bench');
  const v1 = uniqueVersionId();
  const v2 = uniqueVersionId();
  const oldQueue = versionTaskQueue(family, v1);
  try {
    await h.deploy(h.request(family, v1, fastOptions()));
    await h.waitForPhase(family, v1, ['completed']);
    console.log(`starting ${N} workflows on ${oldQueue}…`);
    await startIdleWorkflows(h.client, oldQueue, `${family}/idle`);
    await waitFor('visibility to list them all', async () => (await h.client.workflow.count(`TaskQueue = "${oldQueue}" AND ExecutionStatus = "Running"`)).count === N, {
      timeoutMs: 120_000,
    });

    const sweepStarted = performance.now();
    await h.deploy(h.request(family, v2, fastOptions({ schedule: [{ percent: 100, pauseMs: 0 }], sweepIntervalMs: 60_000 })));
    const deployment = h.client.workflow.getHandle(workflowIds.deployment(family, v2));
    await waitFor(
      'the sweep to signal every workflow',
      async () => ((await deployment.query(deploymentStateQuery)).migration?.signaled ?? 0) >= N,
      { timeoutMs: 600_000, intervalMs: 50 },
    );
    const sweepRate = (N / (performance.now() - sweepStarted)) * 1000;
    const migration = await h.client.workflow.getHandle(workflowIds.migration(family, v2)).describe();

    const rawRate = await rawSignalLoop(h.client, oldQueue);
    clearInterval(sampler);
    console.log(
      JSON.stringify(
        {
          workflows: N,
          concurrency: CONCURRENCY,
          sweepSignalsPerSecond: Math.round(sweepRate),
          rawLoopSignalsPerSecond: Math.round(rawRate),
          sweepVsRaw: Number((sweepRate / rawRate).toFixed(2)),
          migrationHistoryLength: migration.historyLength,
          peakRssMiB: Math.round(peakRss / 2 ** 20),
        },
        null,
        2,
      ),
    );
    await h.client.workflow.getHandle(workflowIds.deployment(family, v2)).terminate('benchmark done');
    await h.client.workflow.getHandle(workflowIds.migration(family, v2)).terminate('benchmark done').catch(() => undefined);
  } finally {
    clearInterval(sampler);
    await terminateRunning(h.client, `TaskQueue = "${oldQueue}"`, 'benchmark done');
    await h.teardown();
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
