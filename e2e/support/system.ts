/**
 * The whole system for the end-to-end tests, started by the repo's own scripts: Temporal, Unleash on
 * PostgreSQL and kube-apiserver (scripts/lib/services.mjs) in a fresh state folder, then the Diachronic
 * worker, the signaler, the Backstage backend and app (scripts/lib/apps.mjs), and the example family's
 * workers, one per version. Each process can be killed and restarted for the fault drills.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Connection } from '@temporalio/client';
import { closedConnectionGuard } from '@diachronic/temporal-connection';
import { versionTaskQueue } from './contract';
import { waitFor } from '@diachronic/test-utils';
import { guestToken } from './backstage';
import { APP_URL, BACKSTAGE_URL, SIGNALER_URL } from './urls';

export const rootDir = resolve(fileURLToPath(new URL('.', import.meta.url)), '..', '..');
export const stateDir = join(rootDir, '.state', 'e2e');
export const logDir = join(rootDir, 'e2e', 'test-results', 'logs');

export const DIACHRONIC_TASK_QUEUE = 'diachronic-ci';

// The scripts read DIACHRONIC_STATE_DIR when they are first imported.
process.env.DIACHRONIC_STATE_DIR = stateDir;
const servicesModule = () => import('../../scripts/lib/services.mjs');

/** Fast loops so that a rollout, a migration and a cleanup take seconds, not minutes. */
const fastSettings: Record<string, Record<string, string>> = {
  worker: {
    DIACHRONIC_ROUTER_REFRESH_MS: '1000',
    DIACHRONIC_LOG_LEVEL: 'WARN',
  },
  signaler: { SIGNALER_REFRESH_INTERVAL_MS: '1000' },
  backstage: {
    APP_CONFIG_diachronic_deploymentDefaults_sweepIntervalMs: '2000',
    APP_CONFIG_diachronic_deploymentDefaults_drainGuardMs: '2000',
    APP_CONFIG_diachronic_deploymentDefaults_cleanupPollMs: '2000',
    APP_CONFIG_diachronic_deploymentDefaults_waves_bakeMs: '2000',
  },
};

interface ProcessSpec {
  command: string;
  args: string[];
  env?: Record<string, string>;
}

const nodeTs = ['--require', '@backstage/cli/config/nodeTransform.cjs'];

export type ServiceName = 'temporal' | 'unleash' | 'kube';

export class DiachronicSystem {
  private readonly specs = new Map<string, ProcessSpec>();
  private readonly children = new Map<string, ChildProcess>();
  private connection?: Connection;
  private unwatchServices = () => {};

  private constructor(readonly env: Record<string, string>, private readonly startedServices: string[]) {}

  /** Starts everything from a fresh state folder and waits until the app answers. */
  static async start(): Promise<DiachronicSystem> {
    rmSync(stateDir, { recursive: true, force: true });
    rmSync(logDir, { recursive: true, force: true });
    mkdirSync(logDir, { recursive: true });
    const { appProcesses } = await import('../../scripts/lib/apps.mjs');
    const { env, started } = await (await servicesModule()).startServices();
    const system = new DiachronicSystem(env as Record<string, string>, started);
    try {
      await system.watchServices();
      for (const app of appProcesses(rootDir)) {
        if (app.name.startsWith('order-')) continue; // one per version, started by the scenarios
        system.specs.set(app.name, {
          command: app.command,
          args: app.args,
          env: { ...app.env, ...fastSettings[app.name] },
        });
        system.spawn(app.name);
      }
      await system.waitForPollers(DIACHRONIC_TASK_QUEUE);
      await waitFor('the signaler', async () => (await fetch(`${SIGNALER_URL}/healthz`)).ok, { timeoutMs: 60_000 });
      await waitFor(
        'the Backstage backend',
        async () => (await fetch(`${BACKSTAGE_URL}/.backstage/health/v1/readiness`)).ok,
        { timeoutMs: 180_000 },
      );
      await system.waitForCatalog();
      await waitFor('the Backstage app', async () => (await fetch(APP_URL)).ok, { timeoutMs: 300_000 });
    } catch (error) {
      await system.stop();
      throw error;
    }
    return system;
  }

  /**
   * Sign-in resolves the guest's groups from the catalog, and every Diachronic route its entity: the
   * catalog (in memory in the example app) must hold them before any test signs in.
   */
  private async waitForCatalog(): Promise<void> {
    const entities = ['component/default/orders', 'component/default/billing', 'user/default/guest'];
    await waitFor('the catalog to hold the example entities', () => this.catalogHas(entities).catch(() => false), {
      timeoutMs: 120_000,
    });
  }

  /** Whether the catalog has processed these entities (`kind/namespace/name`, read as the guest user). */
  private async catalogHas(entities: string[]): Promise<boolean> {
    const token = await guestToken();
    const found = await Promise.all(
      entities.map(async entity => {
        const response = await fetch(`${BACKSTAGE_URL}/api/catalog/entities/by-name/${entity}`, {
          headers: { Authorization: `Bearer ${token}` },
        });
        return response.ok;
      }),
    );
    return found.every(Boolean);
  }

  async temporal(): Promise<Connection> {
    this.connection ??= await Connection.connect({ address: this.env.TEMPORAL_ADDRESS, plugins: [closedConnectionGuard] });
    return this.connection;
  }

  /** Waits until a worker polls the task queue (workflow tasks). */
  async waitForPollers(taskQueue: string, timeoutMs = 120_000): Promise<void> {
    const connection = await this.temporal();
    await waitFor(
      `a worker polling ${taskQueue}`,
      async () => {
        const { pollers } = await connection.workflowService.describeTaskQueue({
          namespace: this.env.TEMPORAL_NAMESPACE,
          taskQueue: { name: taskQueue },
          taskQueueType: 1,
        });
        return pollers.length > 0;
      },
      { timeoutMs },
    );
  }

  /** Starts the example family's worker for one version: `code` is the workflow code it runs. */
  /** `env` adds to the worker's environment (`ORDER_DECLINE_CARDS: '1'`: a build whose paid orders fail). */
  async startOrderWorker(code: 'v1' | 'v2', versionId: string, env: Record<string, string> = {}): Promise<void> {
    const name = `order-${versionId}`;
    this.specs.set(name, {
      command: process.execPath,
      args: [...nodeTs, `examples/order/src/${code}/main.ts`],
      env: { ORDER_VERSION_ID: versionId, ORDER_CHARGE_CARD_MS: '200', ...env },
    });
    this.spawn(name);
    await this.waitForPollers(versionTaskQueue('order', versionId));
  }

  private spawn(name: string): void {
    const spec = this.specs.get(name);
    if (!spec) throw new Error(`no process named ${name}`);
    const log = createWriteStream(join(logDir, `${name}.log`), { flags: 'a' });
    const child = spawn(spec.command, spec.args, {
      cwd: rootDir,
      env: { ...process.env, ...this.env, ...spec.env },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
    this.children.set(name, child);
  }

  /** SIGKILL for a crash, SIGTERM for a clean stop; resolves when the process group is gone. */
  async kill(name: string, signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.children.get(name);
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise(resolveExit => child.once('exit', resolveExit));
    try {
      process.kill(-child.pid!, signal);
    } catch {
      return;
    }
    const timer = setTimeout(() => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* gone */
      }
    }, 15_000);
    await exited;
    clearTimeout(timer);
  }

  async restart(name: string): Promise<void> {
    await this.kill(name, 'SIGKILL');
    this.spawn(name);
  }

  /** Restarts the Backstage backend (SIGTERM, as a rolling deploy does) and waits until it is ready. */
  async restartBackstage(): Promise<void> {
    await this.kill('backstage', 'SIGTERM');
    this.spawn('backstage');
    await waitFor(
      'the Backstage backend after its restart',
      async () => (await fetch(`${BACKSTAGE_URL}/.backstage/health/v1/readiness`).catch(() => undefined))?.ok === true,
      { timeoutMs: 180_000 },
    );
    // Its catalog is in memory: it reads the example entities again.
    await this.waitForCatalog();
  }

  /** A service that ends while the scenarios run is reported at once, with how it ended and its log's tail. */
  private async watchServices(): Promise<void> {
    const services = await servicesModule();
    this.unwatchServices = await services.watchServices(services.serviceNames(), (report: string) => console.error(report));
  }

  /** Stops a service on purpose (a drill): the watch is paused until startService. */
  async stopService(name: ServiceName): Promise<void> {
    this.unwatchServices();
    await (await servicesModule()).stopServices([name]);
  }

  /** Starts it again on its state (Temporal on its SQLite file, Unleash on its database, kube on its etcd). */
  async startService(name: ServiceName): Promise<void> {
    await (await servicesModule()).startServices([name]);
    await this.watchServices();
  }

  async stop(): Promise<void> {
    this.unwatchServices();
    await Promise.all([...this.children.keys()].map(name => this.kill(name, 'SIGTERM')));
    await this.connection?.close();
    await (await servicesModule()).stopServices(this.startedServices);
  }
}
