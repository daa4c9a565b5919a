/**
 * The Diachronic worker process. Production: `DIACHRONIC_WORKFLOW_BUNDLE=dist/workflow-bundle.js` (built by
 * `npm run build -w worker`); development: workflows are bundled at start.
 */
import { DefaultLogger, LogLevel, Runtime } from '@temporalio/worker';
import { workerConfigFromEnv } from './config';
import { createDiachronicWorker } from './worker';

async function main() {
  Runtime.install({ logger: new DefaultLogger((process.env.DIACHRONIC_LOG_LEVEL ?? 'INFO') as LogLevel) });
  const config = workerConfigFromEnv();
  const { worker, close } = await createDiachronicWorker(config);
  // Resolves after SIGINT/SIGTERM (the SDK's shutdown signals) once running tasks have drained.
  await worker.run();
  await close();
}

main().catch(error => {
  // eslint-disable-next-line no-console
  console.error(error);
  process.exit(1);
});
