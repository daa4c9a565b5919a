/**
 * Test harness over the real services: a Diachronic worker on its own task queue, workers for the test
 * family's versions, the Unleash registry and the kube-apiserver, and polling helpers.
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { readdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { AppsV1Api, CoreV1Api, KubeConfig, V1Deployment } from '@kubernetes/client-node';
import { Client, Connection, WorkflowHandle, WorkflowUpdateFailedError } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime, Worker, WorkerOptions, bundleWorkflowCode } from '@temporalio/worker';
import { requestDeployment } from '../src/client';
import {
  DeploymentOptions,
  DeploymentRequest,
  DeploymentState,
  versionTaskQueue,
  workflowIds,
} from '@diachronic/contract';
import { deploymentStateQuery } from '@diachronic/contract/temporal';
import { VERSION_LABEL, WORKFLOW_LABEL } from '../src/kubernetes/version-workers';
import { UnleashAdminClient } from '../src/unleash/admin-client';
import { VersionFlag, VersionFlags } from '../src/unleash/version-flags';
import type { WorkerConfig } from '../src/config';
import { createDiachronicWorker } from '../src/worker';
import { finishSignal, sleeper } from './fixtures/workflows';
import {
  connectTemporal,
  testServices,
  testWorkerConfig,
  uniqueFamily as uniqueFamilyName,
  uniqueVersionId,
  waitFor,
} from '@diachronic/test-utils';

export const TEST_NAMESPACE = 'diachronic-test';

let runtimeInstalled = false;
function quietRuntime() {
  if (runtimeInstalled) return;
  runtimeInstalled = true;
  Runtime.install({ logger: new DefaultLogger('WARN') });
}

/** A family name no other test run uses, with a dot and a dash as real families may have. */
export function uniqueFamily(base = 'order'): string {
  return uniqueFamilyName('t', base);
}

export { uniqueVersionId, waitFor };

/** Awaits a control update that the workflow's validator must refuse, and checks the reason it gives. */
export async function expectRefused(update: Promise<unknown>, reason: RegExp): Promise<void> {
  const error = await update.then(
    () => {
      throw new Error(`the update was accepted; expected a refusal matching ${reason}`);
    },
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(WorkflowUpdateFailedError);
  expect((error as WorkflowUpdateFailedError).cause?.message).toMatch(reason);
}

/** Fast schedules so a whole deployment takes seconds. */
export function fastOptions(overrides: Partial<DeploymentOptions> = {}): DeploymentOptions {
  return {
    dark: false,
    migratory: true,
    schedule: [
      { percent: 50, pauseMs: 1500 },
      { percent: 100, pauseMs: 0 },
    ],
    sweepIntervalMs: 300,
    drainGuardMs: 1200,
    cleanupPollMs: 300,
    ...overrides,
  };
}

export interface Harness {
  client: Client;
  connection: Connection;
  versionFlags: VersionFlags;
  /** A version as its flag stands now, archived ones included. */
  version(family: string, versionId: string): Promise<VersionFlag | undefined>;
  apps: AppsV1Api;
  diachronicTaskQueue: string;
  request(family: string, versionId: string, options: DeploymentOptions, who?: string): DeploymentRequest;
  deploy(request: DeploymentRequest): ReturnType<typeof requestDeployment>;
  state(family: string, versionId: string): Promise<DeploymentState>;
  waitForPhase(family: string, versionId: string, phases: string[], timeoutMs?: number): Promise<DeploymentState>;
  /** Runs workflows (by default the fixtures) on a version's task queue until teardown or until stopped. */
  startVersionWorker(
    family: string,
    versionId: string,
    code?: { workflowsPath: string; activities?: WorkerOptions['activities']; maxCachedWorkflows?: number },
  ): Promise<{ stop(): Promise<void> }>;
  createWorkerDeployment(family: string, versionId: string): Promise<string>;
  /** Deploys a first version (worker, Deployment, flag at 100%) and waits until it completed. */
  deployInitial(family: string): Promise<string>;
  /** Starts `count` fixture sleepers on a version's queue; each finishes `holdMs` after its finish signal. */
  startSleepers(family: string, versionId: string, count: number, holdMs?: number): Promise<WorkflowHandle[]>;
  /** Lets sleepers end (wherever they run now). */
  finish(handles: WorkflowHandle[]): Promise<void>;
  workerDeployments(family: string): Promise<string[]>;
  /**
   * With DIACHRONIC_RECORD_HISTORIES=1, saves the workflow's history at teardown as
   * test/histories/<name>.json for the replay test.
   */
  recordHistory(name: string, workflowId: string, runId?: string): void;
  teardown(): Promise<void>;
}

/**
 * The Diachronic worker as its own process (worker/src/main.ts), so a test can kill it without warning.
 */
export function spawnDiachronicWorker(taskQueue: string): ChildProcess {
  const root = resolve(__dirname, '..', '..');
  const child = spawn(
    process.execPath,
    ['--require', require.resolve('@backstage/cli/config/nodeTransform.cjs'), resolve(root, 'worker/src/main.ts')],
    {
      cwd: root,
      env: {
        ...process.env,
        DIACHRONIC_TASK_QUEUE: taskQueue,
        DIACHRONIC_KUBE_NAMESPACE: TEST_NAMESPACE,
        DIACHRONIC_ROUTER_REFRESH_MS: '250',
        DIACHRONIC_LOG_LEVEL: 'WARN',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  );
  return child;
}

export interface HarnessOptions {
  /** Run the Diachronic worker in this process (default), or leave it to the test (spawnDiachronicWorker). */
  inProcessWorker?: boolean;
  /** The worker's flag refresh interval; the tests' 250 ms unless set (undefined: the production default). */
  routerRefreshMs?: number | 'production';
  /** The Diachronic workflows to run (a fixture that breaks one of them, say); src/workflows by default. */
  diachronicWorkflowsPath?: string;
  /** Signs the health gate's webhook requests (the worker's DIACHRONIC_GATE_WEBHOOK_SECRET). */
  gateWebhookSecret?: string;
}

export async function startHarness({
  inProcessWorker = true,
  routerRefreshMs,
  diachronicWorkflowsPath = require.resolve('../src/workflows'),
  gateWebhookSecret,
}: HarnessOptions = {}): Promise<Harness> {
  quietRuntime();
  const services = testServices();
  if (!services.kubeconfig) throw new Error('KUBECONFIG not set: run the tests with `npm test`');
  const diachronicTaskQueue = `diachronic-ci-test-${process.pid}-${Date.now().toString(36)}`;
  const connection = await connectTemporal(services);
  const client = new Client({ connection });
  const nativeConnection = await NativeConnection.connect({ address: services.temporalAddress });

  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(services.kubeconfig);
  const apps = kubeConfig.makeApiClient(AppsV1Api);
  await kubeConfig
    .makeApiClient(CoreV1Api)
    .createNamespace({ body: { metadata: { name: TEST_NAMESPACE } } })
    .catch((error: { code?: number }) => {
      if (error.code !== 409) throw error;
    });

  const [diachronicBundle, fixtureBundle] = await Promise.all([
    bundleWorkflowCode({ workflowsPath: diachronicWorkflowsPath, logger: new DefaultLogger('WARN') }),
    bundleWorkflowCode({ workflowsPath: require.resolve('./fixtures/workflows'), logger: new DefaultLogger('WARN') }),
  ]);
  const config: WorkerConfig = testWorkerConfig(services, { taskQueue: diachronicTaskQueue, kubeNamespace: TEST_NAMESPACE });
  config.gateWebhookSecret = gateWebhookSecret;
  if (routerRefreshMs !== undefined) {
    config.unleash.refreshIntervalMs = routerRefreshMs === 'production' ? undefined : routerRefreshMs;
  }
  const diachronic = !inProcessWorker
    ? undefined
    : await createDiachronicWorker(config, { workflowBundle: diachronicBundle });
  const running: Array<{ worker: Worker; done: Promise<void> }> = diachronic
    ? [{ worker: diachronic.worker, done: diachronic.worker.run() }]
    : [];
  const versionFlags = new VersionFlags(
    new UnleashAdminClient({ url: services.unleashUrl, adminToken: services.unleashAdminToken }),
  );

  const toRecord: Array<{ name: string; workflowId: string; runId?: string }> = [];
  const state = (family: string, versionId: string) =>
    client.workflow.getHandle(workflowIds.deployment(family, versionId)).query(deploymentStateQuery);

  const harness: Harness = {
    client,
    connection,
    versionFlags,
    version: async (family, versionId) =>
      (await versionFlags.listVersions(family, { includeArchived: true })).find(v => v.versionId === versionId),
    apps,
    diachronicTaskQueue,
    request: (family, versionId, options, who = 'user:default/tester') => ({
      family,
      versionId,
      options,
      requestedBy: { who },
      source: { kind: 'manual' },
    }),
    deploy: request => requestDeployment(client, request, { taskQueue: diachronicTaskQueue }),
    state,
    waitForPhase: (family, versionId, phases, timeoutMs = 60_000) =>
      waitFor(
        `${family} ${versionId} to reach ${phases.join(' or ')}`,
        async () => {
          const current = await state(family, versionId);
          return phases.includes(current.phase) ? current : undefined;
        },
        { timeoutMs },
      ),
    async startVersionWorker(family, versionId, code) {
      const worker = await Worker.create({
        connection: nativeConnection,
        taskQueue: versionTaskQueue(family, versionId),
        ...(code
          ? { workflowsPath: code.workflowsPath, activities: code.activities, maxCachedWorkflows: code.maxCachedWorkflows }
          : { workflowBundle: fixtureBundle }),
      });
      const done = worker.run();
      running.push({ worker, done });
      return {
        async stop() {
          if (worker.getState() === 'RUNNING') worker.shutdown();
          await done;
        },
      };
    },
    async createWorkerDeployment(family, versionId) {
      const name = `${family.replace(/[^a-z0-9-]/g, '-')}-${versionId}`.slice(0, 63);
      const labels = { [WORKFLOW_LABEL]: family, [VERSION_LABEL]: versionId };
      const body: V1Deployment = {
        metadata: { name, labels },
        spec: {
          replicas: 1,
          selector: { matchLabels: labels },
          template: { metadata: { labels }, spec: { containers: [{ name: 'worker', image: 'example/worker:1' }] } },
        },
      };
      await apps.createNamespacedDeployment({ namespace: TEST_NAMESPACE, body });
      return name;
    },
    async workerDeployments(family) {
      const list = await apps.listNamespacedDeployment({
        namespace: TEST_NAMESPACE,
        labelSelector: `${WORKFLOW_LABEL}=${family}`,
      });
      return list.items.map(item => item.metadata!.name!).sort();
    },
    async deployInitial(family) {
      const v1 = uniqueVersionId();
      await harness.startVersionWorker(family, v1);
      await harness.createWorkerDeployment(family, v1);
      const started = await harness.deploy(harness.request(family, v1, fastOptions()));
      if (started.outcome !== 'started') throw new Error(`the initial deployment of ${family} was not started: ${started.outcome}`);
      await harness.waitForPhase(family, v1, ['completed']);
      return v1;
    },
    startSleepers: (family, versionId, count, holdMs = 0) =>
      Promise.all(
        Array.from({ length: count }, (_, i) =>
          client.workflow.start(sleeper, {
            taskQueue: versionTaskQueue(family, versionId),
            workflowId: `${family}/sleeper-${i}`,
            args: [{ holdMs }],
          }),
        ),
      ),
    async finish(handles) {
      await Promise.all(handles.map(handle => client.workflow.getHandle(handle.workflowId).signal(finishSignal)));
    },
    recordHistory(name, workflowId, runId) {
      toRecord.push({ name, workflowId, runId });
    },
    async teardown() {
      if (process.env.DIACHRONIC_RECORD_HISTORIES === '1') {
        // The CLI writes the JSON form that historyFromJSON reads back.
        const root = resolve(__dirname, '..', '..');
        const cli = readdirSync(resolve(root, '.tools'))
          .filter(name => name.startsWith('temporal-'))
          .map(name => resolve(root, '.tools', name, 'temporal'))[0];
        for (const { name, workflowId, runId } of toRecord) {
          const json = execFileSync(cli, [
            'workflow', 'show', '--address', services.temporalAddress, '--output', 'json',
            '--workflow-id', workflowId, ...(runId ? ['--run-id', runId] : []),
          ]);
          writeFileSync(resolve(__dirname, 'histories', `${name}.json`), json);
        }
      }
      for (const { worker } of running) if (worker.getState() === 'RUNNING') worker.shutdown();
      await Promise.all(running.map(({ done }) => done));
      await diachronic?.close();
      await nativeConnection.close();
      await connection.close();
    },
  };
  return harness;
}
