/**
 * Benchmark: a migration's sweep over N workflows running on an old task queue, next to a raw client loop
 * that lists the same queue and sends the same number of signals at the same concurrency.
 *
 *   set -a; . .state/services.env; set +a
 *   scripts/with-node.sh node --require @backstage/cli/config/nodeTransform.cjs worker/bench/migration-sweep.ts [N]
 *
 * The Diachronic worker runs in its own process, on a prebuilt workflow bundle as in production; with
 * DIACHRONIC_BENCH_WORKER_BIN=<path of the packaged bin diachronic-worker> (`npm run check:install` installs
 * one in ~/.cache/diachronic-install-check/operator) it is the built package itself, not the sources run
 * through the dev TypeScript transform; DIACHRONIC_BENCH_WORKER_NODE_OPTIONS gives that worker Node options
 * (e.g. `--max-semi-space-size=4`). Prints
 * signals per second for both, the migration workflow's history length and largest payload, the sweep's
 * visibility calls, the worker process's RSS (before the sweep and its peak, VmHWM), and what one health gate
 * evaluation and one upgrade dry run sample of a queue with N running workflows cost (calls to Temporal, time).
 */
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from '@temporalio/client';
import { defaultPayloadConverter } from '@temporalio/common';
import { DefaultLogger, bundleWorkflowCode } from '@temporalio/worker';
import { DEFAULT_DRY_RUN_SAMPLE, resolveHealthGate, versionTaskQueue, workflowIds } from '@diachronic/contract';
import { deploymentStateQuery } from '@diachronic/contract/temporal';
import { createHealthActivities } from '../src/activities/health';
import type { SweepResult } from '../src/activities/sweep';
import { createUpgradeSampleActivities } from '../src/activities/upgradeSample';
import { TEST_NAMESPACE, fastOptions, spawnDiachronicWorker, startHarness, uniqueFamily, uniqueVersionId, waitFor } from '../test/harness';

const N = Number(process.argv[2] ?? 2000);
const CONCURRENCY = 32;
/** Starting the idle workflows is setup, not measured: as fast as the server takes them. */
const START_CONCURRENCY = 64;
/** The raw loop's rate is measured on at most this many signals (at 100k it would otherwise take longer than the sweep). */
const RAW_LOOP_MAX = 20_000;

async function startIdleWorkflows(client: Client, taskQueue: string, prefix: string) {
  // No worker polls this queue: the workflows stay Running (and never acknowledge), which is the most a
  // sweep has to tell.
  let next = 0;
  await Promise.all(
    Array.from({ length: START_CONCURRENCY }, async () => {
      while (next < N) {
        const i = next++;
        await client.workflow.start('benchIdle', { taskQueue, workflowId: `${prefix}-${i}`, workflowExecutionTimeout: '2 hours' });
      }
    }),
  );
}

async function rawSignalLoop(client: Client, taskQueue: string): Promise<{ rate: number; signals: number }> {
  const started = performance.now();
  const ids: string[] = [];
  for await (const execution of client.workflow.list({ query: `TaskQueue = "${taskQueue}" AND ExecutionStatus = "Running"` })) {
    ids.push(execution.workflowId);
    if (ids.length >= RAW_LOOP_MAX) break;
  }
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < ids.length) await client.workflow.getHandle(ids[next++]).signal('benchRaw');
    }),
  );
  return { rate: (ids.length / (performance.now() - started)) * 1000, signals: ids.length };
}

/** Bytes of payload data an event carries (inputs, results, signal arguments). */
function payloadBytes(value: unknown): number {
  if (!value || typeof value !== 'object') return 0;
  if (value instanceof Uint8Array) return 0;
  const record = value as Record<string, unknown>;
  let bytes = 0;
  if (Array.isArray(record.payloads)) {
    for (const payload of record.payloads as Array<{ data?: Uint8Array }>) bytes += payload.data?.length ?? 0;
  }
  for (const [key, child] of Object.entries(record)) if (key !== 'payloads') bytes += payloadBytes(child);
  return bytes;
}

/** VmHWM (peak) or VmRSS (now) of a process, MiB. */
const rssMiB = (pid: number, field: 'VmHWM' | 'VmRSS') => {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find(l => l.startsWith(`${field}:`));
  return Math.round(Number(line?.split(/\s+/)[1] ?? 0) / 1024);
};

/** The packaged worker, configured as the harness configures its own (spawnDiachronicWorker). */
function spawnPackagedWorker(bin: string, taskQueue: string): ChildProcess {
  return spawn(process.execPath, [bin], {
    env: {
      ...process.env,
      DIACHRONIC_TASK_QUEUE: taskQueue,
      DIACHRONIC_KUBE_NAMESPACE: TEST_NAMESPACE,
      DIACHRONIC_ROUTER_REFRESH_MS: '250',
      DIACHRONIC_LOG_LEVEL: 'WARN',
      DIACHRONIC_WORKFLOW_BUNDLE: '',
      // Node options for the worker alone (the benchmark's own process keeps its own).
      NODE_OPTIONS: process.env.DIACHRONIC_BENCH_WORKER_NODE_OPTIONS ?? '',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

async function main() {
  const packagedBin = process.env.DIACHRONIC_BENCH_WORKER_BIN;
  const bundle = await bundleWorkflowCode({ workflowsPath: require.resolve('../src/workflows'), logger: new DefaultLogger('WARN') });
  const bundlePath = join(mkdtempSync(join(tmpdir(), 'diachronic-bench-')), 'workflows.js');
  writeFileSync(bundlePath, bundle.code);
  process.env.DIACHRONIC_WORKFLOW_BUNDLE = bundlePath;

  const h = await startHarness({ inProcessWorker: false });
  const worker = packagedBin ? spawnPackagedWorker(packagedBin, h.diachronicTaskQueue) : spawnDiachronicWorker(h.diachronicTaskQueue);
  const family = uniqueFamily('bench');
  const v1 = uniqueVersionId();
  const v2 = uniqueVersionId();
  const oldQueue = versionTaskQueue(family, v1);
  try {
    await h.deploy(h.request(family, v1, fastOptions()));
    await h.waitForPhase(family, v1, ['completed']);
    // What the worker holds before any sweep (the sources through the dev TypeScript transform hold about
    // 100 MiB more than the packaged bin).
    const workerIdleRssMiB = rssMiB(worker.pid!, 'VmRSS');
    console.log(`starting ${N} workflows on ${oldQueue}…`);
    const startedAt = performance.now();
    await startIdleWorkflows(h.client, oldQueue, `${family}/idle`);
    console.log(`started in ${Math.round((performance.now() - startedAt) / 1000)} s`);
    await waitFor('visibility to list them all', async () => (await h.client.workflow.count(`TaskQueue = "${oldQueue}" AND ExecutionStatus = "Running"`)).count === N, {
      timeoutMs: 900_000,
    });

    // One health gate evaluation of a queue with N running workflows (as if they had started on the new version).
    const gateStartedAt = performance.now();
    const gate = await createHealthActivities({ temporal: h.client }).evaluateHealth({
      version: { family, versionId: v1, seq: 0, taskQueue: oldQueue, flag: '' },
      since: new Date(Date.now() - 3_600_000).toISOString(),
      policy: resolveHealthGate({})!,
      deployment: { workflowId: 'bench', phase: 'rolling_out', livePercent: 0 },
    });
    const gateMs = performance.now() - gateStartedAt;
    // The upgrade dry run's sample of the same queue (the oldest by bisection on start times, the newest).
    const sampleStartedAt = performance.now();
    const sample = await createUpgradeSampleActivities({ temporal: h.client }).sampleOldWorkflows({
      oldVersion: { family, versionId: v1, seq: 0, taskQueue: oldQueue, flag: '' },
      size: DEFAULT_DRY_RUN_SAMPLE,
    });
    const sampleMs = performance.now() - sampleStartedAt;

    await h.deploy(h.request(family, v2, fastOptions({ schedule: [{ percent: 100, pauseMs: 0 }], sweepIntervalMs: 3_600_000 })));
    const deployment = h.client.workflow.getHandle(workflowIds.deployment(family, v2));
    await waitFor(
      'the sweep to tell every workflow',
      async () => ((await deployment.query(deploymentStateQuery)).migration?.signaled ?? 0) >= N,
      { timeoutMs: 3_600_000, intervalMs: 50 },
    );

    const migration = h.client.workflow.getHandle(workflowIds.migration(family, v2));
    const { historyLength } = await migration.describe();
    const events = (await migration.fetchHistory()).events ?? [];
    const largestPayloadBytes = Math.max(...events.map(payloadBytes));
    // Each sweep from its activity's start to its completion; the one that told them all gives the rate
    // (a sweep that began before the rollout reached 100% routed none of them).
    const eventMs = (event: (typeof events)[number]) => Number(event.eventTime?.seconds ?? 0) * 1000 + (event.eventTime?.nanos ?? 0) / 1e6;
    const activityStartedAt = new Map(
      events.flatMap(event =>
        event.activityTaskStartedEventAttributes ? [[String(event.activityTaskStartedEventAttributes.scheduledEventId), eventMs(event)]] : [],
      ),
    );
    const sweeps = events.flatMap(event => {
      const completed = event.activityTaskCompletedEventAttributes;
      const payload = completed?.result?.payloads?.[0];
      if (!completed || !payload) return [];
      const result = defaultPayloadConverter.fromPayload<Partial<SweepResult>>(payload);
      if (result.visibilityCalls === undefined) return [];
      return [{ ...result, ms: eventMs(event) - (activityStartedAt.get(String(completed.scheduledEventId)) ?? eventMs(event)) }];
    });
    // The first sweep that sent (nearly) all of them told them; a later one re-sends to runs that never
    // acknowledge (no worker polls them here), which the server drops by request id: far faster, not telling.
    const telling = sweeps.find(sweep => (sweep.sent ?? 0) >= 0.9 * N) ?? sweeps[0];
    const sweepRate = ((telling?.sent ?? 0) / (telling?.ms ?? Infinity)) * 1000;

    const raw = await rawSignalLoop(h.client, oldQueue);
    const rawRate = raw.rate;
    console.log(
      JSON.stringify(
        {
          workflows: N,
          worker: packagedBin ? 'packaged bin' : 'sources through the dev transform',
          concurrency: CONCURRENCY,
          sweepSignalsPerSecond: Math.round(sweepRate),
          rawLoopSignalsPerSecond: Math.round(rawRate),
          rawLoopSignals: raw.signals,
          sweepVsRaw: Number((sweepRate / rawRate).toFixed(2)),
          migrationHistoryLength: historyLength,
          migrationLargestPayloadBytes: largestPayloadBytes,
          sweeps: sweeps.map(({ sent, visibilityCalls, ms }) => ({ sent, visibilityCalls, seconds: Math.round(ms! / 100) / 10 })),
          healthGate: {
            started: gate.started,
            sampled: gate.sampled,
            calls: gate.calls,
            ms: Math.round(gateMs),
            callsPerMinuteAtDefaultInterval: gate.calls * 2,
          },
          upgradeDryRunSample: { sampled: sample.workflows.length, visibilityCalls: sample.visibilityCalls, ms: Math.round(sampleMs) },
          workerIdleRssMiB,
          workerPeakRssMiB: rssMiB(worker.pid!, 'VmHWM'),
        },
        null,
        2,
      ),
    );
    await deployment.terminate('benchmark done');
    await migration.terminate('benchmark done').catch(() => undefined);
  } finally {
    worker.kill('SIGKILL');
    // One server-side batch rather than N terminate calls.
    await h.client.workflowService
      .startBatchOperation({
        namespace: h.client.options.namespace,
        jobId: `${family.replace(/[^a-z0-9-]/g, '-')}-cleanup`,
        reason: 'benchmark done',
        visibilityQuery: `TaskQueue = "${oldQueue}" AND ExecutionStatus = "Running"`,
        terminationOperation: {},
      })
      .catch(error => console.error('could not terminate the idle workflows:', error));
    await h.teardown();
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
