/**
 * Benchmark: what live updates cost the backend with N running deployments (default 50), and how soon
 * after a change Temporal answers the long-poll that follows it.
 *
 *   set -a; . .state/services.env; set +a
 *   scripts/with-node.sh node --require @backstage/cli/config/nodeTransform.cjs \
 *     plugins/diachronic-backend/bench/liveUpdates.ts [N] [seconds]
 *
 * N families are deployed for real by a Diachronic worker in this process: v1, then v2 rolling out in
 * ten steps of 10% every 20 s (a step a second across 20 deployments; for N = 50, 2.5 a second). The
 * change feed then runs for the given time (default 60 s) with a signals service that counts. The
 * process's CPU is measured over the same time with the feed off, then on: the difference is the feed's.
 */
import { performance } from 'node:perf_hooks';
import type { SignalPayload } from '@backstage/plugin-signals-node';
import { requestDeployment } from '@diachronic/ci/client';
import { workflowIds } from '@diachronic/contract';
import { deploymentStateQuery } from '@diachronic/contract/temporal';
import { DeploymentChangeFeed } from '../src/services/DeploymentChangeFeed';
import { createTemporalAccess } from '../src/services/temporal';
import { readDiachronicConfig } from '../src/config';
import { ConfigReader } from '@backstage/config';
import { mockServices } from '@backstage/backend-test-utils';
import {
  pluginConfig,
  realServices,
  startDiachronicWorker,
  uniqueFamily,
  uniqueVersionId,
  waitFor,
} from '../src/__testUtils__/realServices';

const N = Number(process.argv[2] ?? 50);
const SECONDS = Number(process.argv[3] ?? 60);

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
};

async function cpuOver(seconds: number): Promise<number> {
  const before = process.cpuUsage();
  await new Promise(resolve => setTimeout(resolve, seconds * 1000));
  const used = process.cpuUsage(before);
  return (used.user + used.system) / 1000;
}

async function main() {
  const services = realServices();
  const worker = await startDiachronicWorker(services);
  const { client } = worker;
  const run = uniqueFamily('feed').split('.')[0];
  const families = Array.from({ length: N }, (_, i) => `${run}.bench-${i}`);
  const request = (family: string, versionId: string, schedule: Array<{ percent: number; pauseMs: number }>) => ({
    family,
    versionId,
    options: { dark: false, migratory: false, schedule, gate: { enabled: false } },
    requestedBy: { who: 'user:default/bench' },
    source: { kind: 'manual' as const },
  });
  const temporal = createTemporalAccess(readDiachronicConfig(new ConfigReader(pluginConfig(services, worker.taskQueue, 'unused'))));
  try {
    const v1 = uniqueVersionId();
    const v2 = uniqueVersionId();
    await Promise.all(families.map(family => requestDeployment(client, request(family, v1, [{ percent: 100, pauseMs: 0 }]), { taskQueue: worker.taskQueue })));
    await waitFor(
      `${N} v1 deployments to complete`,
      async () => {
        const phases = await Promise.all(families.map(family => client.workflow.getHandle(workflowIds.deployment(family, v1)).query(deploymentStateQuery).then(s => s.phase)));
        return phases.every(phase => phase === 'completed');
      },
      { timeoutMs: 300_000, intervalMs: 2000 },
    );
    const steps = Array.from({ length: 10 }, (_, i) => ({ percent: (i + 1) * 10, pauseMs: 20_000 }));
    await Promise.all(families.map(family => requestDeployment(client, request(family, v2, steps), { taskQueue: worker.taskQueue })));
    await waitFor(`${N} v2 deployments to roll out`, async () => (await client.workflow.count(`WorkflowId STARTS_WITH "diachronic/${run}." AND ExecutionStatus = "Running" AND DiachronicPhase = "rolling_out"`)).count === N, {
      timeoutMs: 120_000,
    });

    const cpuWithout = await cpuOver(SECONDS);

    const pushes: SignalPayload[] = [];
    const lags: number[] = [];
    const feed = new DeploymentChangeFeed({
      temporal,
      signals: { publish: async signal => void pushes.push(signal) },
      logger: mockServices.rootLogger({ level: 'warn' }),
      onEvents: lag => lags.push(lag),
    });
    feed.start();
    await waitFor('the feed to follow every deployment', () => feed.followedCount >= 2 * N, { timeoutMs: 30_000 });
    const calls = { ...feed.calls };
    const pushed = pushes.length;
    lags.length = 0;
    const started = performance.now();
    const cpuWith = await cpuOver(SECONDS);
    const minutes = (performance.now() - started) / 60_000;
    const per = (now: number, then: number) => ((now - then) / minutes).toFixed(0);
    await feed.stop();

    console.log(`running deployments: ${N}, followed workflows: ${2 * N} (deployments and their families), over ${SECONDS} s`);
    console.log(
      `Temporal calls per minute: ${per(feed.calls.discover, calls.discover)} visibility, ${per(feed.calls.historyPolls, calls.historyPolls)} history long-polls, ${per(feed.calls.describes, calls.describes)} describes`,
    );
    console.log(`pushes per minute: ${per(pushes.length, pushed)} (family and list channels)`);
    console.log(`Temporal's answer after a new event: p50 ${percentile(lags, 50)} ms, p95 ${percentile(lags, 95)} ms, max ${Math.max(...lags)} ms (${lags.length} answers)`);
    console.log(`process CPU over ${SECONDS} s: ${cpuWithout.toFixed(0)} ms without the feed, ${cpuWith.toFixed(0)} ms with it (the worker runs in this process too)`);
  } finally {
    await temporal.close();
    await worker.stop();
  }
}

main().then(
  () => process.exit(0),
  error => {
    console.error(error);
    process.exit(1);
  },
);
