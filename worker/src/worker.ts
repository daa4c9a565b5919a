/** Builds the Diachronic worker from its configuration: clients, activities, workflows. */
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker, WorkerOptions } from '@temporalio/worker';
import { closedConnectionGuard } from '@diachronic/temporal-connection';
import { Router } from '@diachronic/routing';
import { createActivities } from './activities';
import { FamilySchedules } from './schedules/family-schedules';
import { WorkerConfig } from './config';
import { VersionWorkers } from './kubernetes/version-workers';
import { UnleashAdminClient } from './unleash/admin-client';
import { VersionFlags } from './unleash/version-flags';

const DEFAULT_ROUTER_REFRESH_MS = 15_000;

export interface DiachronicWorker {
  worker: Worker;
  /** Closes the clients after the worker has stopped. */
  close(): Promise<void>;
}

export async function createDiachronicWorker(
  config: WorkerConfig,
  overrides: Partial<Pick<WorkerOptions, 'workflowsPath' | 'workflowBundle'>> = {},
): Promise<DiachronicWorker> {
  const connectionOptions = config.temporal.connection;
  const connection = await Connection.connect({ ...connectionOptions, plugins: [closedConnectionGuard] });
  const temporal = new Client({ connection, namespace: config.temporal.namespace });
  const router = await Router.start({
    url: config.unleash.url,
    clientToken: config.unleash.clientToken,
    appName: 'diachronic-ci-worker',
    refreshIntervalMs: config.unleash.refreshIntervalMs ?? DEFAULT_ROUTER_REFRESH_MS,
  });
  const admin = new UnleashAdminClient({
    url: config.unleash.url,
    adminToken: config.unleash.adminToken,
    project: config.unleash.project,
    environment: config.unleash.environment,
  });
  const activities = createActivities({
    temporal,
    router,
    versionFlags: new VersionFlags(admin),
    versionWorkers: VersionWorkers.fromEnvironment({ namespace: config.kubernetes.namespace }),
    schedules: new FamilySchedules(temporal),
    routerLagMs: 2 * (config.unleash.refreshIntervalMs ?? DEFAULT_ROUTER_REFRESH_MS),
    gateWebhookSecret: config.gateWebhookSecret,
  });
  const workflowBundle = config.workflowBundlePath ? { codePath: config.workflowBundlePath } : overrides.workflowBundle;
  const workflowSource = workflowBundle
    ? { workflowBundle }
    : { workflowsPath: overrides.workflowsPath ?? require.resolve('./workflows') };
  const nativeConnection = await NativeConnection.connect(connectionOptions);
  const worker = await Worker.create({
    connection: nativeConnection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    activities,
    ...workflowSource,
    ...(config.maxCachedWorkflows !== undefined && { maxCachedWorkflows: config.maxCachedWorkflows }),
  });
  return {
    worker,
    async close() {
      router.destroy();
      await nativeConnection.close();
      await connection.close();
    },
  };
}
