// `npm test`: starts (or reuses) the real services, runs every workspace's tests against them, and
// stops the services it started. Extra arguments go to jest (e.g. a path filter).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { rootDir, stateDir, startServices, stopServices } from './lib/services.mjs';

const keepServices = process.env.DIACHRONIC_KEEP_SERVICES === '1';
const { env, started } = await startServices();
const resultsFile = join(stateDir, 'jest-results.json');
rmSync(resultsFile, { force: true });

const exitCode = await new Promise(resolve => {
  const child = spawn(
    'backstage-cli',
    ['repo', 'test', '--ci', '--json', `--outputFile=${resultsFile}`, ...process.argv.slice(2)],
    { cwd: rootDir, env: { ...process.env, ...env, CI: 'true' }, stdio: 'inherit' },
  );
  const forward = signal => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
});

if (!keepServices) await stopServices(started);

if (existsSync(resultsFile)) {
  const results = JSON.parse(readFileSync(resultsFile, 'utf8'));
  const skipped = results.numPendingTests + results.numTodoTests;
  console.log(`tests: ${results.numPassedTests} passed, ${results.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}`);
}
process.exit(exitCode);
