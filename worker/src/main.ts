/** The Diachronic worker process: `node worker/src/main.ts` (through the repo's TS transform) or dist. */
import { createDiachronicWorker } from './worker';
import { workerConfigFromEnv } from './config';

async function main() {
  const config = workerConfigFromEnv();
  const { worker, close } = await createDiachronicWorker(config);
  // worker.run() resolves after SIGINT/SIGTERM (the SDK's default shutdown signals) once tasks drained.
  await worker.run();
  await close();
}

main().catch(error => {
  // eslint-disable-next-line no-console
  console.error(error);
  process.exit(1);
});
