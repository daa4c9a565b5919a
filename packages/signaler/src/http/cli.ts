/**
 * The signaler as a standalone process (`diachronic-signaler`). Settings come from the environment (README,
 * "Running the HTTP service"); the Unleash token is never logged.
 */
import { readSignalerConfig } from './config';
import { startSignaler } from './server';

const log = (message: string) => process.stdout.write(`${new Date().toISOString()} signaler: ${message}\n`);
const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

async function serveUntilSignalled(): Promise<void> {
  const config = readSignalerConfig(process.env);
  const signaler = await startSignaler(config, log);
  const families = Object.entries(config.families).map(([type, family]) => `${type}→${family}`).join(', ');
  log(
    `listening on ${signaler.url}; Temporal ${config.temporal.connection.address} (namespace ${config.temporal.namespace}); ` +
      `Unleash ${config.unleash.url}; managed workflow types: ${families}`,
  );
  let stopping = false;
  const stopOnce = (signal: NodeJS.Signals) => {
    if (stopping) {
      log(`${signal} again: exiting without waiting`);
      process.exit(1);
    }
    stopping = true;
    log(`${signal}: no new connections; draining requests in flight (at most ${config.drainTimeoutMs} ms)`);
    signaler.stop().then(
      () => log('stopped'),
      error => {
        log(`shutdown failed: ${messageOf(error)}`);
        process.exitCode = 1;
      },
    );
  };
  process.on('SIGINT', stopOnce);
  process.on('SIGTERM', stopOnce);
}

/** Runs the service until SIGTERM or SIGINT; a failure to start is logged and sets the exit code. */
export function runSignalerFromEnv(): void {
  serveUntilSignalled().catch(error => {
    log(`could not start: ${messageOf(error)}`);
    process.exitCode = 1;
  });
}
