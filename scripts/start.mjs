// `npm start`: the whole system with embedded defaults. `npm run services`: only the servers.
// Ctrl-C stops every process this command started, services included; services that were already
// running before it (say, from `npm run services`) are left running.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { appProcesses } from './lib/apps.mjs';
import { rootDir, serviceNames, servicesEnvFile, startServices, stopServices, watchServices } from './lib/services.mjs';

const servicesOnly = process.argv.includes('--services-only');
const { env, started } = await startServices();

if (servicesOnly) {
  console.log(`Services are running; connection settings (with secrets) are in ${servicesEnvFile}.`);
  console.log(`Temporal ${env.TEMPORAL_ADDRESS} (UI ${env.TEMPORAL_UI_URL}), Unleash ${env.UNLEASH_URL}` + (env.KUBECONFIG ? `, kubeconfig ${env.KUBECONFIG}` : ''));
  console.log('Stop them with `npm run services:stop`.');
  process.exit(0);
}

const children = new Map();
let stopping = false;
let unwatchServices = () => {};

function prefixLines(stream, name, out) {
  createInterface({ input: stream }).on('line', line => out.write(`[${name}] ${line}\n`));
}

async function shutdown(code) {
  if (stopping) return;
  stopping = true;
  unwatchServices();
  console.log('stopping…');
  await Promise.all(
    [...children.values()].map(
      child =>
        new Promise(resolve => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', resolve);
          try {
            process.kill(-child.pid, 'SIGTERM');
          } catch {
            resolve();
          }
          setTimeout(() => {
            try {
              process.kill(-child.pid, 'SIGKILL');
            } catch {
              /* gone */
            }
          }, 15000).unref();
        }),
    ),
  );
  await stopServices(started);
  process.exit(code);
}

process.on('SIGINT', () => shutdown(0));
process.on('SIGTERM', () => shutdown(0));

for (const app of appProcesses(rootDir)) {
  const child = spawn(app.command, app.args, {
    cwd: rootDir,
    env: { ...process.env, ...env, ...app.env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.set(app.name, child);
  prefixLines(child.stdout, app.name, process.stdout);
  prefixLines(child.stderr, app.name, process.stderr);
  child.on('exit', (code, signal) => {
    if (stopping) return;
    console.error(`[${app.name}] exited (${signal ?? `code ${code}`}); stopping everything`);
    shutdown(1);
  });
}

unwatchServices = await watchServices(serviceNames(), report => {
  console.error(`${report}\nStopping everything.`);
  shutdown(1);
});

console.log(
  `Diachronic is up: Temporal ${env.TEMPORAL_ADDRESS} (UI ${env.TEMPORAL_UI_URL}), Unleash ${env.UNLEASH_URL}` +
    (children.size ? `, running ${[...children.keys()].join(', ')}` : '') +
    '. Ctrl-C stops everything.',
);
