/** The worker as a process: configured from the environment, running until SIGINT or SIGTERM. */
import { createServer } from 'node:http';
import { DefaultLogger, LogLevel, Runtime, Worker } from '@temporalio/worker';
import { workerConfigFromEnv } from './config';
import { createDiachronicWorker } from './worker';

const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'];

export interface RunWorkerOptions {
  /** The prebuilt workflow bundle to load unless DIACHRONIC_WORKFLOW_BUNDLE names one (the bin passes its own). */
  defaultWorkflowBundle?: string;
}

/**
 * `GET /healthz` on DIACHRONIC_HEALTH_PORT, for a cluster's probes: 200 while the worker runs (polls its task
 * queue), 503 otherwise, with the worker's state.
 */
function serveHealth(worker: Worker, port: number) {
  const server = createServer((req, res) => {
    if (req.url !== '/healthz') {
      res.writeHead(404).end();
      return;
    }
    const state = worker.getState();
    const ok = state === 'RUNNING';
    res.writeHead(ok ? 200 : 503, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ ok, state }));
  });
  server.listen(port);
  return server;
}

async function runUntilSignalled(env: NodeJS.ProcessEnv, { defaultWorkflowBundle }: RunWorkerOptions): Promise<void> {
  const level = (env.DIACHRONIC_LOG_LEVEL ?? 'INFO').toUpperCase();
  if (!LOG_LEVELS.includes(level)) throw new Error(`DIACHRONIC_LOG_LEVEL=${env.DIACHRONIC_LOG_LEVEL} is not one of ${LOG_LEVELS.join(', ')}`);
  Runtime.install({ logger: new DefaultLogger(level as LogLevel) });
  const config = workerConfigFromEnv(env);
  const healthPort = env.DIACHRONIC_HEALTH_PORT ? Number(env.DIACHRONIC_HEALTH_PORT) : undefined;
  if (healthPort !== undefined && !(Number.isInteger(healthPort) && healthPort >= 0 && healthPort < 65536)) {
    throw new Error(`DIACHRONIC_HEALTH_PORT=${env.DIACHRONIC_HEALTH_PORT} is not a port`);
  }
  const { worker, close } = await createDiachronicWorker({
    ...config,
    workflowBundlePath: config.workflowBundlePath ?? defaultWorkflowBundle,
  });
  const health = healthPort === undefined ? undefined : serveHealth(worker, healthPort);
  // Resolves after SIGINT/SIGTERM (the SDK's shutdown signals) once running tasks have drained.
  await worker.run();
  health?.close();
  await close();
}

/**
 * Runs the worker; a failure is printed and ends the process with code 1. Without a workflow bundle
 * (development), the workflows are bundled at start.
 */
export function runWorkerFromEnv(options: RunWorkerOptions = {}, env: NodeJS.ProcessEnv = process.env): void {
  runUntilSignalled(env, options).catch(error => {
    // eslint-disable-next-line no-console
    console.error(error);
    process.exit(1);
  });
}
