/** The worker as a process: configured from the environment, running until SIGINT or SIGTERM. */
import { DefaultLogger, LogLevel, Runtime } from '@temporalio/worker';
import { workerConfigFromEnv } from './config';
import { createDiachronicWorker } from './worker';

const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'];

export interface RunWorkerOptions {
  /** The prebuilt workflow bundle to load unless DIACHRONIC_WORKFLOW_BUNDLE names one (the bin passes its own). */
  defaultWorkflowBundle?: string;
}

async function runUntilSignalled(env: NodeJS.ProcessEnv, { defaultWorkflowBundle }: RunWorkerOptions): Promise<void> {
  const level = (env.DIACHRONIC_LOG_LEVEL ?? 'INFO').toUpperCase();
  if (!LOG_LEVELS.includes(level)) throw new Error(`DIACHRONIC_LOG_LEVEL=${env.DIACHRONIC_LOG_LEVEL} is not one of ${LOG_LEVELS.join(', ')}`);
  Runtime.install({ logger: new DefaultLogger(level as LogLevel) });
  const config = workerConfigFromEnv(env);
  const { worker, close } = await createDiachronicWorker({
    ...config,
    workflowBundlePath: config.workflowBundlePath ?? defaultWorkflowBundle,
  });
  // Resolves after SIGINT/SIGTERM (the SDK's shutdown signals) once running tasks have drained.
  await worker.run();
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
