/**
 * The plugin's tests and benchmark run against the real services (`npm run services`) and a real
 * Diachronic worker in this process, on a task queue of their own.
 */
import { Entity } from '@backstage/catalog-model';
import { Client, Connection } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { createDiachronicWorker } from '@diachronic/ci';
import {
  DIACHRONIC_WORKFLOWS_ANNOTATION,
  GITHUB_PROJECT_SLUG_ANNOTATION,
} from '@diachronic/backstage-plugin-diachronic-common';

export interface RealServices {
  temporalAddress: string;
  unleashUrl: string;
  unleashAdminToken: string;
  unleashClientToken: string;
}

export function realServices(): RealServices {
  const names = ['TEMPORAL_ADDRESS', 'UNLEASH_URL', 'UNLEASH_ADMIN_TOKEN', 'UNLEASH_CLIENT_TOKEN', 'KUBECONFIG'];
  const missing = names.filter(name => !process.env[name]);
  if (missing.length > 0) {
    throw new Error(
      `${missing.join(', ')} not set: start the services (npm run services) and load .state/services.env ` +
        '(set -a; . .state/services.env; set +a)',
    );
  }
  return {
    temporalAddress: process.env.TEMPORAL_ADDRESS!,
    unleashUrl: process.env.UNLEASH_URL!,
    unleashAdminToken: process.env.UNLEASH_ADMIN_TOKEN!,
    unleashClientToken: process.env.UNLEASH_CLIENT_TOKEN!,
  };
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

/** A Diachronic worker polling a task queue no other run uses. */
export async function startDiachronicWorker(services: RealServices): Promise<RunningWorker> {
  if (!runtimeInstalled) {
    runtimeInstalled = true;
    Runtime.install({ logger: new DefaultLogger('WARN') });
  }
  const taskQueue = `diachronic-ci-backend-test-${process.pid}-${Date.now().toString(36)}`;
  const diachronic = await createDiachronicWorker({
    temporal: { address: services.temporalAddress, namespace: 'default', taskQueue },
    unleash: {
      url: services.unleashUrl,
      adminToken: services.unleashAdminToken,
      clientToken: services.unleashClientToken,
      project: 'default',
      environment: 'development',
      refreshIntervalMs: 250,
    },
    kubernetes: { namespace: KUBE_NAMESPACE },
  });
  const running = diachronic.worker.run();
  const connection = await Connection.connect({ address: services.temporalAddress });
  const client = new Client({ connection });
  return {
    taskQueue,
    client,
    async stop() {
      await terminateRunning(client, `TaskQueue = "${taskQueue}" AND ExecutionStatus = "Running"`);
      diachronic.worker.shutdown();
      await running;
      await diachronic.close();
      await connection.close();
    },
  };
}

export async function terminateRunning(client: Client, query: string): Promise<void> {
  const ids: string[] = [];
  for await (const info of client.workflow.list({ query })) ids.push(info.workflowId);
  let next = 0;
  await Promise.all(
    Array.from({ length: 32 }, async () => {
      while (next < ids.length) {
        await client.workflow
          .getHandle(ids[next++])
          .terminate('run over')
          .catch(() => undefined);
      }
    }),
  );
}

/** The plugin's config for a run: the real services, the run's worker queue, fast deployments. */
export function pluginConfig(services: RealServices, taskQueue: string, webhookSecret: string) {
  return {
    diachronic: {
      temporal: { address: services.temporalAddress, namespace: 'default', taskQueue },
      unleash: { url: services.unleashUrl, adminToken: services.unleashAdminToken },
      github: { webhookSecret },
      // As the worker's tests' fastOptions: a deployment takes seconds.
      deploymentDefaults: { migratory: false, sweepIntervalMs: 300, drainGuardMs: 1200, cleanupPollMs: 300 },
    },
  };
}

const run = `b${Date.now().toString(36)}`;
let families = 0;
/** A family name no other run uses, with a dot and a dash as real families may have. */
export function uniqueFamily(base = 'order'): string {
  families += 1;
  return `${run}.${base}-${families}`;
}

let versions = 0;
export function uniqueVersionId(): string {
  versions += 1;
  return `${Date.now().toString(16)}${versions.toString(16).padStart(4, '0')}`.slice(-12).padStart(12, 'a');
}

/** A full commit sha whose first 7 digits no other run uses. */
export function uniqueSha(): string {
  return `${uniqueVersionId().slice(-7)}${'0'.repeat(33)}`;
}

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

export async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined | false>,
  { timeoutMs = 60_000, intervalMs = 200 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (error) {
      last = error;
    }
    await new Promise(resolve => setTimeout(resolve, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${last})` : ''}`);
}
