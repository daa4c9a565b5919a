/**
 * Test harness over the real services: version flags of unique families in Unleash (written with the
 * Diachronic worker's admin client, as a deployment would), a Router that sees them, a Temporal connection,
 * a worker running the fixture workflows, and clean-up of everything the tests started.
 */
import type { VersionRef } from '@diachronic/contract';
import { Router } from '@diachronic/routing';
import {
  connectTemporal,
  TestServices,
  terminateRunning as terminateRunningMatching,
  testServices,
  uniqueFamily as uniqueFamilyName,
  uniqueVersionId,
  waitFor,
} from '@diachronic/test-utils';
import { Client } from '@temporalio/client';
import { bundleWorkflowCode, DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
// The worker owns the writing side of the flags; only the tests use it (a devDependency).
import { UnleashAdminClient, VersionFlags } from '@diachronic/ci/unleash';

/** A family no other test run uses, with a dot and a dash as real families may have. */
export function uniqueFamily(base: string): string {
  return uniqueFamilyName('s', base);
}

export { connectTemporal, testServices, uniqueVersionId, waitFor };
export type { TestServices };

/** Runs `fn` over `items`, `concurrency` at a time; results in input order. */
export async function mapConcurrently<T, R>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await fn(items[index], index);
      }
    }),
  );
  return results;
}

export interface VersionSpec {
  live: number;
  dark?: boolean;
}

/**
 * Creates version flags of test families and archives them at the end. Archived flags are not deleted:
 * their names are unique, and deleting a flag right after archiving it races Unleash's own listeners.
 */
export class TestFlags {
  private readonly flags: VersionFlags;
  private readonly created: string[] = [];

  constructor(services: TestServices) {
    this.flags = new VersionFlags(new UnleashAdminClient({ url: services.unleashUrl, adminToken: services.unleashAdminToken }));
  }

  /** The family's versions, oldest first, as `route` answers them. */
  async createFamily(family: string, versions: VersionSpec[]): Promise<VersionRef[]> {
    const decisions: VersionRef[] = [];
    for (const { live, dark = true } of versions) {
      const { flag } = await this.flags.ensureVersionFlag({ family, versionId: uniqueVersionId() });
      this.created.push(flag.flag);
      await this.flags.setLivePercent(flag, { expected: undefined, percent: live });
      if (!dark) await this.flags.setDarkEnabled(flag, false);
      decisions.push({ family, versionId: flag.versionId, seq: flag.seq, taskQueue: flag.taskQueue, flag: flag.flag });
    }
    return decisions;
  }

  async removeAll(): Promise<void> {
    for (const name of this.created) {
      await this.flags.archive({ flag: name }).catch(() => undefined);
    }
  }
}

/** A Router with a short refresh interval, once `ready(router)` holds (it has seen the test's flags). */
export async function startTestRouter(services: TestServices, ready: (router: Router) => boolean): Promise<Router> {
  const router = await Router.start({
    url: services.unleashUrl,
    clientToken: services.unleashClientToken,
    appName: 'diachronic-signaler-test',
    refreshIntervalMs: 250,
  });
  try {
    await waitFor('the router to see the test flags', () => ready(router));
  } catch (error) {
    router.destroy();
    throw error;
  }
  return router;
}

/** Whether the router sends some of `sampleIds` to `version` as live (not test) traffic. */
export function routesLiveTo(router: Router, version: VersionRef, sampleIds: readonly string[]): boolean {
  return sampleIds.some(id => router.route(version.family, id, { isTest: false })?.flag === version.flag);
}

let runtimeInstalled = false;
function quietRuntime() {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  Runtime.install({ logger: new DefaultLogger('WARN') });
}

/** Runs the fixture workflows (./workflows) on the given task queues until `stop`. */
export async function startFixtureWorkers(
  services: TestServices,
  taskQueues: readonly string[],
): Promise<{ stop(): Promise<void> }> {
  quietRuntime();
  const connection = await NativeConnection.connect({ address: services.temporalAddress });
  const workflowBundle = await bundleWorkflowCode({
    workflowsPath: require.resolve('./workflows'),
    logger: new DefaultLogger('WARN'),
  });
  const workers = await Promise.all(
    taskQueues.map(taskQueue => Worker.create({ connection, taskQueue, workflowBundle })),
  );
  const running = workers.map(worker => worker.run());
  return {
    async stop() {
      for (const worker of workers) if (worker.getState() === 'RUNNING') worker.shutdown();
      await Promise.all(running);
      await connection.close();
    },
  };
}

export function taskQueueQuery(taskQueues: readonly string[]): string {
  return `(${taskQueues.map(queue => `TaskQueue = "${queue}"`).join(' OR ')})`;
}

/** Terminates every running workflow on these task queues: starts without a worker just sit there. */
export async function terminateRunning(client: Client, taskQueues: readonly string[]): Promise<void> {
  await terminateRunningMatching(client, taskQueueQuery(taskQueues), 'signaler test done');
}

/** Waits until visibility counts `expected` workflows for the query (visibility lags the starts). */
export async function waitForCount(client: Client, query: string, expected: number): Promise<void> {
  await waitFor(
    `${expected} workflows matching ${query}`,
    async () => (await client.workflow.count(query)).count === expected,
    { timeoutMs: 60_000, intervalMs: 250 },
  );
}
