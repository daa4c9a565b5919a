/**
 * What a test of the backend plugin (or of a client of its API, such as the CLI) needs on the real
 * services: a Diachronic worker in the test process on a task queue of its own, the plugin's config for
 * it, and catalog entities that own families. A subpath of its own (`@diachronic/test-utils/backend-plugin`)
 * because it loads the worker, which only the packages that test against it provide (peer dependencies).
 */
import type { Entity } from '@backstage/catalog-model';
import { Client } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { createDiachronicWorker } from '@diachronic/ci';
import {
  DIACHRONIC_WORKFLOWS_ANNOTATION,
  GITHUB_PROJECT_SLUG_ANNOTATION,
} from '@diachronic/backstage-plugin-diachronic-common';
import { connectTemporal, TestServices, terminateRunning, testServices, testWorkerConfig } from './index';

export type RealServices = TestServices;

/** The services `npm test` started; the worker needs the kube-apiserver too. */
export function realServices(): RealServices {
  const services = testServices();
  if (!services.kubeconfig) throw new Error('KUBECONFIG not set: run the tests with `npm test`');
  return services;
}

/** The namespace the worker's tests use for version workers' Deployments (it exists on the local kube-apiserver). */
const KUBE_NAMESPACE = 'diachronic-test';

export interface RunningWorker {
  taskQueue: string;
  client: Client;
  /** Terminates what this run left running on its queue, then stops the worker. */
  stop(): Promise<void>;
}

let runtimeInstalled = false;

/** A Diachronic worker polling a task queue no other run uses; `name` tells the suite apart on the shared server. */
export async function startDiachronicWorker(services: RealServices, { name = 'backend' }: { name?: string } = {}): Promise<RunningWorker> {
  if (!runtimeInstalled) {
    runtimeInstalled = true;
    Runtime.install({ logger: new DefaultLogger('WARN') });
  }
  const taskQueue = `diachronic-ci-${name}-test-${process.pid}-${Date.now().toString(36)}`;
  const diachronic = await createDiachronicWorker(
    testWorkerConfig(services, { taskQueue, kubeNamespace: KUBE_NAMESPACE }),
  );
  const running = diachronic.worker.run();
  const connection = await connectTemporal(services);
  const client = new Client({ connection });
  return {
    taskQueue,
    client,
    async stop() {
      await terminateRunning(client, `TaskQueue = "${taskQueue}"`, 'run over');
      diachronic.worker.shutdown();
      await running;
      await diachronic.close();
      await connection.close();
    },
  };
}

/** The plugin's config for a run: the real services, the run's worker queue, fast deployments. */
export function pluginConfig(services: RealServices, taskQueue: string, webhookSecret: string) {
  return {
    diachronic: {
      // The worker runs in the test process beside other suites on a busy 2-core machine: an update that runs
      // an activity may take longer than the production default of 10 s to answer there.
      // A workflow failing its tasks for a second is stuck here (production: two minutes).
      temporal: { address: services.temporalAddress, namespace: 'default', taskQueue, workerTimeoutMs: 30_000, stuckAfterMs: 1000, uiUrl: 'http://temporal-ui.test/' },
      unleash: { url: services.unleashUrl, clientToken: services.unleashClientToken },
      github: { webhookSecret },
      // As the worker's tests' fastOptions: a deployment takes seconds.
      deploymentDefaults: { migratory: false, sweepIntervalMs: 300, drainGuardMs: 1200, cleanupPollMs: 300, gate: { intervalMs: 5000 } },
      // Every suite shares one Temporal namespace: a backend following every running deployment there would
      // follow the other suites' too. The suites about live updates and notifications turn it on.
      liveUpdates: false,
    },
  };
}

/** A catalog Component that owns the families through the Diachronic annotation. */
export function annotatedEntity({
  name,
  families: owned,
  repository,
  owner = 'team-orders',
}: {
  name: string;
  families: string[];
  repository?: string;
  owner?: string;
}): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: {
        [DIACHRONIC_WORKFLOWS_ANNOTATION]: owned.join(', '),
        ...(repository && { [GITHUB_PROJECT_SLUG_ANNOTATION]: repository }),
      },
    },
    spec: { type: 'service', lifecycle: 'experimental', owner },
  };
}
