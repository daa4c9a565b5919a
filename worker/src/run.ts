/** The worker as a process: configured from the environment, running until SIGINT or SIGTERM. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DefaultLogger, LogLevel, Runtime } from '@temporalio/worker';
import { workerConfigFromEnv } from './config';
import { createDiachronicWorker } from './worker';

const LOG_LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR'];

/** The bundle `npm run build` puts beside the built code; none in development, where workflows are bundled at start. */
function packagedWorkflowBundle(): string | undefined {
  const path = join(__dirname, 'workflow-bundle.js');
  return existsSync(path) ? path : undefined;
}

async function runUntilSignalled(env: NodeJS.ProcessEnv): Promise<void> {
  const level = (env.DIACHRONIC_LOG_LEVEL ?? 'INFO').toUpperCase();
  if (!LOG_LEVELS.includes(level)) throw new Error(`DIACHRONIC_LOG_LEVEL=${env.DIACHRONIC_LOG_LEVEL} is not one of ${LOG_LEVELS.join(', ')}`);
  Runtime.install({ logger: new DefaultLogger(level as LogLevel) });
  const config = workerConfigFromEnv(env);
  const { worker, close } = await createDiachronicWorker({
    ...config,
    workflowBundlePath: config.workflowBundlePath ?? packagedWorkflowBundle(),
  });
  // Resolves after SIGINT/SIGTERM (the SDK's shutdown signals) once running tasks have drained.
  await worker.run();
  await close();
}

/** Runs the worker; a failure is printed and ends the process with code 1. */
export function runWorkerFromEnv(env: NodeJS.ProcessEnv = process.env): void {
  runUntilSignalled(env).catch(error => {
    // eslint-disable-next-line no-console
    console.error(error);
    process.exit(1);
  });
}
