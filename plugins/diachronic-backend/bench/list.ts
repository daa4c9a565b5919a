/**
 * Benchmark: the catalog-wide list over N families and one entity view, next to the raw Temporal
 * visibility calls, queries and Unleash reads underneath them, in the same run.
 *
 *   set -a; . .state/services.env; set +a
 *   scripts/with-node.sh node --require @backstage/cli/config/nodeTransform.cjs \
 *     plugins/diachronic-backend/bench/list.ts [N]
 *
 * N family and deployment workflows are seeded cheaply: started with their search attributes on a task
 * queue no worker polls (so every seeded deployment is running, the costliest case for the list; one
 * family in 50 has a queue), and terminated at the end. One more family is deployed for real (v1, then v2
 * waiting in dark) by a Diachronic worker in this process, for the entity view.
 */
import { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { Client } from '@temporalio/client';
import { requestDeployment } from '@diachronic/ci/client';
import { DRAIN_WINDOW_MS, DeploymentPhase, versionTaskQueue, workflowIds, workflowTypes } from '@diachronic/contract';
import { deploymentStateQuery, familyStateQuery, searchAttributes } from '@diachronic/contract/temporal';
import { diachronicApiPaths } from '@diachronic/backstage-plugin-diachronic-common';
import { diachronicPlugin } from '../src/plugin';
import {
  annotatedEntity,
  pluginConfig,
  realServices,
  startDiachronicWorker,
  terminateRunning,
  uniqueFamily,
  uniqueVersionId,
  waitFor,
} from '../src/__testUtils__/realServices';

const N = Number(process.argv[2] ?? 1000);
const ROUNDS = 21;
const CONCURRENCY = 32;
const PHASES: DeploymentPhase[] = ['completed', 'rolling_out', 'dark', 'migrating', 'aborted'];

async function inParallel(count: number, task: (i: number) => Promise<unknown>) {
  let next = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < count) await task(next++);
    }),
  );
}

/** A family workflow and its latest deployment, as visibility shows them, on a queue nobody polls. */
async function seed(client: Client, taskQueue: string, families: string[]) {
  await inParallel(families.length, async i => {
    const family = families[i];
    const versionId = uniqueVersionId();
    await client.workflow.start(workflowTypes.family, {
      taskQueue,
      workflowId: workflowIds.family(family),
      args: [{ family }],
      // Gone by themselves if this run dies before terminating them.
      workflowExecutionTimeout: '1 hour',
      typedSearchAttributes: [
        { key: searchAttributes.family, value: family },
        // A queue forms only when a version arrives while another deploys: a few families have one.
        { key: searchAttributes.queueLength, value: i % 50 === 0 ? 1 + (i % 3) : 0 },
        { key: searchAttributes.versionId, value: versionId },
      ],
    });
    await client.workflow.start(workflowTypes.deployment, {
      taskQueue,
      workflowId: workflowIds.deployment(family, versionId),
      args: [],
      workflowExecutionTimeout: '1 hour',
      typedSearchAttributes: [
        { key: searchAttributes.family, value: family },
        { key: searchAttributes.versionId, value: versionId },
        { key: searchAttributes.phase, value: PHASES[i % PHASES.length] },
        { key: searchAttributes.livePercent, value: (i * 7) % 101 },
      ],
    });
  });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const round1 = (value: number) => Number(value.toFixed(1));

/**
 * The endpoint next to its raw calls, interleaved round by round (alternating which goes first) so
 * both see the same load on the shared services. Medians after two warm-up rounds, and the median of
 * the per-round ratios.
 */
async function compare(what: string, endpoint: () => Promise<unknown>, raw: () => Promise<unknown>) {
  const timed = async (fn: () => Promise<unknown>) => {
    const started = performance.now();
    await fn();
    return performance.now() - started;
  };
  const endpointMs: number[] = [];
  const rawMs: number[] = [];
  for (let i = 0; i < ROUNDS + 2; i++) {
    const [e, r] =
      i % 2 === 0 ? [await timed(endpoint), await timed(raw)] : [await timed(raw), await timed(endpoint)].reverse();
    if (i >= 2) {
      endpointMs.push(e);
      rawMs.push(r);
    }
  }
  const result = {
    endpointMedianMs: round1(median(endpointMs)),
    rawMedianMs: round1(median(rawMs)),
    ratioMedian: Number(median(endpointMs.map((e, i) => e / rawMs[i])).toFixed(2)),
  };
  console.error(`${what}: ${JSON.stringify(result)}`);
  return result;
}

async function drain(iterable: AsyncIterable<unknown>, limit = Infinity): Promise<number> {
  let count = 0;
  for await (const _ of iterable) if (++count >= limit) break;
  return count;
}

async function main() {
  const services = realServices();
  const worker = await startDiachronicWorker(services);
  const { client } = worker;
  const unpolled = `diachronic-bench-unpolled-${Date.now().toString(36)}`;
  // One run prefix for all (uniqueFamily's changes with the clock while thousands are named).
  const run = uniqueFamily('live').split('.')[0];
  const families = Array.from({ length: N }, (_, i) => `${run}.bench-${i}`);
  const live = `${run}.live`;
  try {
    console.error(`seeding ${N} families on ${unpolled}…`);
    const seeded = performance.now();
    await seed(client, unpolled, families);
    const seededQuery = `TaskQueue = "${unpolled}" AND WorkflowType = "${workflowTypes.deployment}"`;
    await waitFor('visibility to list every seeded deployment', async () => (await client.workflow.count(seededQuery)).count === N, {
      timeoutMs: 120_000,
    });
    console.error(`seeded in ${Math.round(performance.now() - seeded)} ms`);

    // The real family for the entity view: v1 live, v2 waiting in dark.
    const v1 = uniqueVersionId();
    const v2 = uniqueVersionId();
    const request = (versionId: string, dark: boolean) => ({
      family: live,
      versionId,
      options: { dark, migratory: false },
      requestedBy: { who: 'user:default/bench' },
      source: { kind: 'manual' as const },
    });
    await requestDeployment(client, request(v1, false), { taskQueue: worker.taskQueue });
    const deployment = (versionId: string) => client.workflow.getHandle(workflowIds.deployment(live, versionId));
    await waitFor('v1 to complete', async () => (await deployment(v1).query(deploymentStateQuery)).phase === 'completed');
    await requestDeployment(client, request(v2, true), { taskQueue: worker.taskQueue });
    await waitFor('v2 to wait in dark', async () => (await deployment(v2).query(deploymentStateQuery)).phase === 'dark');

    const entities = [
      ...families.map((family, i) => annotatedEntity({ name: `${run}-bench-${i}`, families: [family], owner: `team-${i % 20}` })),
      annotatedEntity({ name: `${run}-live`, families: [live] }),
    ];
    const backend = await startTestBackend({
      features: [
        diachronicPlugin,
        mockServices.rootConfig.factory({ data: pluginConfig(services, worker.taskQueue, 'bench') }),
        catalogServiceMock.factory({ entities }),
        mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
      ],
    });
    const base = `http://127.0.0.1:${(backend.server.address() as AddressInfo).port}/api/diachronic`;
    const get = async (path: string) => {
      const res = await fetch(`${base}${path}`);
      if (!res.ok) throw new Error(`GET ${path} answered ${res.status}: ${await res.text()}`);
      return res.json();
    };

    // Every family listed, each page with its latest deployments (the last page checked as well).
    const first = await get(diachronicApiPaths.deployments({ limit: 1000 }));
    const lastPage = await get(diachronicApiPaths.deployments({ limit: 1000, offset: Math.floor(N / 1000) * 1000 }));
    for (const page of [first, lastPage]) {
      if (page.totalCount !== N + 1 || page.items.some((item: { latest?: unknown }) => !item.latest)) {
        throw new Error(`the list shows ${page.totalCount} families, not ${N + 1} each with a deployment`);
      }
    }
    // A filter by an ended phase needs every family's latest deployment: timed once at this size.
    const endedStarted = performance.now();
    const ended = await get(diachronicApiPaths.deployments({ phase: 'aborted', limit: 1000 }));
    const endedPhaseOnceMs = Math.round(performance.now() - endedStarted);
    if (ended.totalCount !== families.filter((_, i) => PHASES[i % PHASES.length] === 'aborted').length) {
      throw new Error(`the aborted filter found ${ended.totalCount} families`);
    }
    const active: DeploymentPhase[] = ['dark', 'rolling_out', 'migrating'];
    const activeQuery = `WorkflowType = "${workflowTypes.deployment}" AND ExecutionStatus = "Running" AND DiachronicPhase IN (${active.map(phase => `"${phase}"`).join(', ')})`;
    const activeCount = (await client.workflow.count(activeQuery)).count;
    const byActivePhase = await get(diachronicApiPaths.deployments({ phase: active }));
    if (byActivePhase.totalCount !== activeCount) throw new Error(`the active filter found ${byActivePhase.totalCount}, not ${activeCount}`);
    const byVersion = await get(diachronicApiPaths.deployments({ q: v2.slice(0, 10) }));
    if (byVersion.totalCount !== 1 || byVersion.items[0].family !== live) throw new Error(`the version search found ${byVersion.totalCount}`);
    // bench-12, bench-120…129, bench-1200…1299, …
    const textQuery = `${run}.bench-12`;
    const textCount = families.filter(family => family.includes(textQuery)).length;
    if ((await get(diachronicApiPaths.deployments({ q: textQuery }))).totalCount !== textCount) throw new Error('the text search missed families');

    const listRecentPage = () =>
      drain(client.workflow.list({ query: `WorkflowType = "${workflowTypes.deployment}"`, pageSize: 1000 }), 1000);
    // What the backend reads from Unleash: the family's flags as clients get them, with the read-only token.
    const servedFlags = () =>
      fetch(`${services.unleashUrl}/api/client/features?namePrefix=${encodeURIComponent(`diachronic.${live}.v`)}`, {
        headers: { Authorization: services.unleashClientToken },
      }).then(res => res.json());
    const history = () =>
      drain(
        client.workflow.list({
          query: `WorkflowType = "${workflowTypes.deployment}" AND DiachronicFamily = "${live}"`,
          pageSize: 20,
        }),
        20,
      );
    const entityView = () => get(diachronicApiPaths.entityFamilies({ kind: 'component', name: `${run}-live` }));
    const results = {
      families: N,
      catalogEntities: entities.length,
      deploymentsInNamespace: (await client.workflow.count(`WorkflowType = "${workflowTypes.deployment}"`)).count,
      list: {
        firstPageVsRawDeploymentsPage: await compare(
          'GET /deployments (100 items) vs raw: one visibility page of 1,000 deployments',
          () => get(diachronicApiPaths.deployments()),
          listRecentPage,
        ),
        textSearchVsRawDeploymentsPage: await compare(
          'GET /deployments?q=<family text> vs raw: one visibility page of 1,000 deployments',
          () => get(diachronicApiPaths.deployments({ q: textQuery })),
          listRecentPage,
        ),
        versionSearchVsRawDeploymentsPage: await compare(
          'GET /deployments?q=<version prefix> vs raw: one visibility page of 1,000 deployments',
          () => get(diachronicApiPaths.deployments({ q: v2.slice(0, 10) })),
          listRecentPage,
        ),
        activePhasesVsRawSameRows: await compare(
          `GET /deployments?phase=dark,rolling_out,migrating (${activeCount} families) vs raw: the same rows listed`,
          () => get(diachronicApiPaths.deployments({ phase: active })),
          () => drain(client.workflow.list({ query: activeQuery, pageSize: 1000 })),
        ),
        endedPhaseOnceMs,
        lastPageVsRawDeploymentsPage: await compare(
          'GET /deployments (the last page, families older than the recent page) vs raw: one visibility page of 1,000 deployments',
          () => get(diachronicApiPaths.deployments({ offset: Math.max(0, N - 100) })),
          listRecentPage,
        ),
      },
      entityView: {
        vsRawSameCalls: await compare(
          'GET /entity/.../families vs raw: the same Temporal and Unleash calls, in parallel, then the old version\'s three drain counts',
          entityView,
          async () => {
            await Promise.all([
              servedFlags(),
              client.workflow
                .getHandle(workflowIds.family(live))
                .query(familyStateQuery)
                .then(state => state.current && deployment(state.current.versionId).query(deploymentStateQuery)),
              history(),
            ]);
            const since = `"${new Date(Date.now() - DRAIN_WINDOW_MS).toISOString()}"`;
            const queue = `TaskQueue = "${versionTaskQueue(live, v1)}"`;
            await Promise.all(
              [`${queue} AND ExecutionStatus = "Running"`, `${queue} AND CloseTime > ${since}`, `${queue} AND StartTime > ${since}`].map(
                query => client.workflow.count(query),
              ),
            );
          },
        ),
        vsRawDeploymentQuery: await compare(
          'GET /entity/.../families vs raw: the deployment state query alone',
          entityView,
          () => deployment(v2).query(deploymentStateQuery),
        ),
        vsRawHistoryList: await compare(
          'GET /entity/.../families vs raw: the visibility list of the family alone',
          entityView,
          history,
        ),
      },
    };
    console.log(JSON.stringify(results, null, 2));
    await backend.stop();
  } finally {
    await terminateRunning(client, `TaskQueue = "${unpolled}"`);
    await worker.stop();
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
