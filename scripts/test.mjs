// `npm test`: starts (or reuses) the real services, runs every workspace's tests against them while
// watching the services (one that ends stops the run at once, with its log), and stops the services it
// started. Extra arguments go to jest (e.g. a path filter).
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runWhileServicesRun, stateDir, startServices, stopServices } from './lib/services.mjs';

const keepServices = process.env.DIACHRONIC_KEEP_SERVICES === '1';
const { env, started } = await startServices();
const resultsFile = join(stateDir, 'jest-results.json');
rmSync(resultsFile, { force: true });

const { exitCode, deaths } = await runWhileServicesRun(
  'backstage-cli',
  ['repo', 'test', '--ci', '--json', `--outputFile=${resultsFile}`, ...process.argv.slice(2)],
  { env: { ...process.env, ...env, CI: 'true' } },
);

if (!keepServices) await stopServices(started);

if (existsSync(resultsFile)) {
  const results = JSON.parse(readFileSync(resultsFile, 'utf8'));
  const skipped = results.numPendingTests + results.numTodoTests;
  console.log(`tests: ${results.numPassedTests} passed, ${results.numFailedTests} failed${skipped ? `, ${skipped} skipped` : ''}`);
}
// Said again at the end, where it is not buried under the failures it caused.
for (const died of deaths) console.error(died);
process.exit(exitCode);
