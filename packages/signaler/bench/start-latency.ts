/**
 * Benchmark: the latency of workflow starts through the routing interceptor, next to direct starts to a
 * fixed task queue on the same server, same connection, in the same run. Starts alternate in batches
 * (the order of the modes flips every round) so that load drifts on the server hit every mode alike.
 * A third mode sends, without routing, the very requests the interceptor sends (spread over the
 * versions' queues, stamped): it tells the interceptor's cost from the server's cost of what routing
 * asks of it. A probe interceptor, last in every client's chain, records when a request leaves the
 * client, so the client-side time before the RPC is measured apart from the server's answer.
 *
 *   set -a; . .state/services.env; set +a
 *   DIACHRONIC_SKIP_INSTALL=1 scripts/with-node.sh node --require @backstage/cli/config/nodeTransform.cjs \
 *     packages/signaler/bench/start-latency.ts [startsPerMode=1000] [batchSize=50]
 *
 * Starts run one at a time (latency, not throughput); nobody polls the queues, and every started workflow
 * is terminated at the end. Goal: routed within 1.05× of direct.
 */
import { performance } from 'node:perf_hooks';
import { Router } from '@diachronic/routing';
import { closedConnectionGuard } from '@diachronic/temporal-connection';
import { Client, Connection, WorkflowClientInterceptor, WorkflowStartOptions } from '@temporalio/client';
// eslint-disable-next-line @backstage/no-relative-monorepo-imports
import { UnleashAdminClient } from '../../../worker/src/unleash/admin-client';
// eslint-disable-next-line @backstage/no-relative-monorepo-imports
import { VersionFlags } from '../../../worker/src/unleash/version-flags';
import { createRoutingInterceptor, diachronicSearchAttributes } from '../src';

const STARTS_PER_MODE = Number(process.argv[2] ?? 1000);
const BATCH = Number(process.argv[3] ?? 50);
const WARMUP = 50;
const WORKFLOW_TYPE = 'benchIdle';

function env(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} not set: set -a; . .state/services.env; set +a`);
  return value;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

function summary(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const mean = samples.reduce((a, b) => a + b, 0) / samples.length;
  return { n: samples.length, mean, p50: percentile(sorted, 50), p90: percentile(sorted, 90), p99: percentile(sorted, 99) };
}

async function waitUntil(what: string, condition: () => boolean, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 100));
  }
}

/** Client-side cost alone: the routing interceptor around a `next` that answers at once. */
async function interceptorAloneMicros(interceptor: WorkflowClientInterceptor, family: string): Promise<number> {
  const n = 20_000;
  const next = async () => ({ runId: 'r', eagerlyStarted: false });
  const started = performance.now();
  for (let i = 0; i < n; i++) {
    await interceptor.startWithDetails!(
      { workflowType: WORKFLOW_TYPE, headers: {}, options: { workflowId: `${family}/micro-${i}`, taskQueue: 'x', args: [] } },
      next,
    );
  }
  return ((performance.now() - started) / n) * 1000;
}

async function terminateRunning(client: Client, queues: string[]): Promise<number> {
  const query = `(${queues.map(q => `TaskQueue = "${q}"`).join(' OR ')}) AND ExecutionStatus = "Running"`;
  // Visibility lags the starts: wait until its count stops growing, then terminate what it lists.
  for (let last = -1, count = 0; count !== last; await new Promise(r => setTimeout(r, 1000))) {
    last = count;
    count = (await client.workflow.count(query)).count;
  }
  const ids: string[] = [];
  for await (const execution of client.workflow.list({ query })) ids.push(execution.workflowId);
  let next = 0;
  await Promise.all(
    Array.from({ length: 16 }, async () => {
      while (next < ids.length) {
        await client.workflow.getHandle(ids[next++]).terminate('benchmark done').catch(() => undefined);
      }
    }),
  );
  return ids.length;
}

async function main() {
  const admin = new UnleashAdminClient({ url: env('UNLEASH_URL'), adminToken: env('UNLEASH_ADMIN_TOKEN') });
  const versionFlags = new VersionFlags(admin);
  const family = `bench${Date.now().toString(36)}.start-latency`;
  const now = Date.now().toString(16).slice(-8);
  const versionIds = [`b1${now}`, `b2${now}`];
  const flags = [];
  for (const [i, versionId] of versionIds.entries()) {
    const { flag } = await versionFlags.ensureVersionFlag({ family, versionId });
    await versionFlags.setLivePercent(flag, { expected: undefined, percent: i === 0 ? 100 : 30 });
    flags.push(flag);
  }
  const router = await Router.start({
    url: env('UNLEASH_URL'),
    clientToken: env('UNLEASH_CLIENT_TOKEN'),
    appName: 'diachronic-signaler-bench',
    refreshIntervalMs: 1000,
  });
  const connection = await Connection.connect({ address: env('TEMPORAL_ADDRESS'), plugins: [closedConnectionGuard] });
  let leftClientAt = 0;
  const probe: WorkflowClientInterceptor = {
    async startWithDetails(input, next) {
      leftClientAt = performance.now();
      return next(input);
    },
  };
  const families = { [WORKFLOW_TYPE]: family };
  const routed = new Client({ connection, interceptors: { workflow: [createRoutingInterceptor({ router, families }), probe] } });
  const direct = new Client({ connection, interceptors: { workflow: [probe] } });
  const directQueue = `${family}-direct`;

  try {
    await waitUntil('the router to see both versions', () =>
      Array.from({ length: 100 }, (_, i) => router.route(family, `probe-${i}`, { isTest: false })).some(
        d => d?.versionId === versionIds[1],
      ),
    );
    const base = { workflowExecutionTimeout: '10 minutes' } satisfies Partial<WorkflowStartOptions>;
    /** Each mode prepares a start untimed and answers the timed call. */
    const modes = {
      /** Through the interceptor, as an application would: routing happens inside the timed call. */
      routed: (workflowId: string) => () =>
        routed.workflow.start(WORKFLOW_TYPE, { ...base, workflowId, taskQueue: family }),
      /** The baseline: one fixed task queue. */
      direct: (workflowId: string) => () =>
        direct.workflow.start(WORKFLOW_TYPE, { ...base, workflowId, taskQueue: directQueue }),
      /** The very requests the interceptor sends, routed before the clock starts. */
      'same requests': (workflowId: string) => {
        const { taskQueue, versionId } = router.route(family, workflowId, { isTest: false })!;
        const typedSearchAttributes = [{ key: diachronicSearchAttributes.routedVersionId, value: versionId }];
        const options = { ...base, workflowId, taskQueue, typedSearchAttributes };
        return () => direct.workflow.start(WORKFLOW_TYPE, options);
      },
    };
    type Mode = keyof typeof modes;
    const order: Mode[] = ['routed', 'direct', 'same requests'];
    const total: Record<Mode, number[]> = { routed: [], direct: [], 'same requests': [] };
    const client: Record<Mode, number[]> = { routed: [], direct: [], 'same requests': [] };
    /** Per round, the p50 of routed over the p50 of direct: pairs batches run back to back. */
    const roundRatios: number[] = [];
    let seq = 0;
    const runBatch = async (mode: Mode, size: number, record: boolean) => {
      const batch: number[] = [];
      for (let i = 0; i < size; i++) {
        const start = modes[mode](`${family}/${mode.replace(' ', '-')}-${seq++}`);
        const started = performance.now();
        await start();
        batch.push(performance.now() - started);
        if (record) client[mode].push(leftClientAt - started);
      }
      if (record) total[mode].push(...batch);
      return summary(batch).p50;
    };

    console.log(`family ${family}; ${STARTS_PER_MODE} starts per mode in batches of ${BATCH}, one at a time`);
    for (const mode of order) await runBatch(mode, WARMUP, false);
    for (let round = 0; round * BATCH < STARTS_PER_MODE; round++) {
      const size = Math.min(BATCH, STARTS_PER_MODE - round * BATCH);
      const p50s: Partial<Record<Mode, number>> = {};
      for (const mode of round % 2 === 0 ? order : [...order].reverse()) p50s[mode] = await runBatch(mode, size, true);
      roundRatios.push(p50s.routed! / p50s.direct!);
    }

    const rows = order.map(mode => ({ mode, ...summary(total[mode]), client: summary(client[mode]) }));
    console.log('\nmode            n      mean ms  p50 ms   p90 ms   p99 ms   client p50 µs  client p99 µs');
    for (const r of rows) {
      console.log(
        `${r.mode.padEnd(15)} ${String(r.n).padEnd(6)} ${r.mean.toFixed(2).padStart(7)}  ${r.p50.toFixed(2).padStart(7)}  ` +
          `${r.p90.toFixed(2).padStart(7)}  ${r.p99.toFixed(2).padStart(7)}   ` +
          `${(r.client.p50 * 1000).toFixed(0).padStart(12)}  ${(r.client.p99 * 1000).toFixed(0).padStart(13)}`,
      );
    }
    const [routedRow, directRow, sameRow] = rows;
    const ratio = (a: number, b: number) => `${(a / b).toFixed(3)}×`;
    const ratios = (other: typeof routedRow) =>
      `p50 ${ratio(routedRow.p50, other.p50)}  p99 ${ratio(routedRow.p99, other.p99)}  mean ${ratio(routedRow.mean, other.mean)}`;
    console.log(`\nrouted / direct:         ${ratios(directRow)}  (goal ≤ 1.05×)`);
    console.log(`routed / same requests:  ${ratios(sameRow)}`);
    const paired = summary(roundRatios);
    console.log(`routed / direct, p50 of each round paired: median ${paired.p50.toFixed(3)}× over ${paired.n} rounds`);
    console.log(
      `client-side time before the RPC, p50: routed ${(routedRow.client.p50 * 1000).toFixed(0)} µs, ` +
        `direct ${(directRow.client.p50 * 1000).toFixed(0)} µs, of a ${directRow.p50.toFixed(2)} ms start`,
    );
    const micros = await interceptorAloneMicros(createRoutingInterceptor({ router, families }), family);
    console.log(`routing interceptor alone (route + stamp, hot loop, no RPC): ${micros.toFixed(1)} µs per start`);
  } finally {
    const terminated = await terminateRunning(direct, [...flags.map(f => f.taskQueue), directQueue]);
    console.log(`terminated ${terminated} benchmark workflows`);
    for (const flag of flags) {
      await versionFlags.archive(flag).catch(() => undefined);
    }
    router.destroy();
    await connection.close();
  }
}

main().catch(error => {
  console.error(error);
  process.exitCode = 1;
});
