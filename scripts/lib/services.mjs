// The real services Diachronic needs locally and in tests: Temporal dev server, Unleash on PostgreSQL,
// and (unless left out) a kube-apiserver. Ports and paths come from the environment.
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeExit, runningPid, tail, watchProcess } from './procs.mjs';
import { startTemporal, stopTemporal, temporalProcesses } from './temporal.mjs';
import { startUnleash, stopUnleash, unleashProcesses } from './unleash.mjs';

export const rootDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const stateDir = resolve(process.env.DIACHRONIC_STATE_DIR ?? join(rootDir, '.state'));
export const servicesEnvFile = join(stateDir, 'services.env');

const port = (name, fallback) => Number(process.env[name] ?? fallback);

/** Kubernetes is left out where a user points Diachronic at a real cluster (KUBECONFIG) or asks to. */
export function kubeWanted() {
  return process.env.DIACHRONIC_KUBE !== 'off';
}

async function kubeModule() {
  return import('./kube.mjs');
}

/** The first run builds kube-apiserver and etcd from the Go module proxy (minutes); later runs find them. */
async function ensureKubeBinaries() {
  const { kubeBinaries } = await kubeModule();
  const { kubeApiserver, etcd } = kubeBinaries(rootDir);
  if (existsSync(kubeApiserver) && existsSync(etcd)) return;
  execFileSync('bash', [join(rootDir, 'scripts', 'kube', 'build.sh')], { stdio: ['ignore', 'inherit', 'inherit'] });
}

const SERVICES = {
  temporal: {
    start: () => startTemporal({ rootDir, stateDir, port: port('TEMPORAL_PORT', 7233), uiPort: port('TEMPORAL_UI_PORT', 8233) }),
    stop: () => stopTemporal({ stateDir }),
    processes: async () => temporalProcesses(stateDir),
  },
  unleash: {
    start: () => startUnleash({ rootDir, stateDir, port: port('UNLEASH_PORT', 4242), pgPort: port('DIACHRONIC_PG_PORT', 5433) }),
    stop: () => stopUnleash({ stateDir }),
    processes: async () => unleashProcesses(stateDir),
  },
  kube: {
    start: async () => {
      await ensureKubeBinaries();
      const { startKube } = await kubeModule();
      const { kubeconfigPath, started } = await startKube({
        rootDir,
        stateDir,
        port: port('KUBE_APISERVER_PORT', 6443),
        etcdPort: port('KUBE_ETCD_PORT', 12379),
      });
      return { KUBECONFIG: kubeconfigPath, DIACHRONIC_KUBE_NAMESPACE: 'diachronic', started };
    },
    stop: async () => {
      const { stopKube } = await kubeModule();
      await stopKube({ stateDir });
    },
    processes: async () => (await kubeModule()).kubeProcesses(stateDir),
  },
};

export function serviceNames() {
  return Object.keys(SERVICES).filter(name => name !== 'kube' || kubeWanted());
}

/**
 * Starts every service that is not running yet (in parallel) and writes their connection settings to
 * .state/services.env. Returns the settings and the names of the services this call started.
 */
export async function startServices(names = serviceNames()) {
  const results = await Promise.allSettled(names.map(name => SERVICES[name].start()));
  const failures = results.flatMap((r, i) => (r.status === 'rejected' ? [`${names[i]}: ${r.reason?.message ?? r.reason}`] : []));
  const started = results.flatMap((r, i) => (r.status === 'fulfilled' && r.value.started ? [names[i]] : []));
  if (failures.length > 0) {
    await stopServices(started);
    throw new Error(`could not start services:\n${failures.join('\n')}`);
  }
  // A start of some services (say, Unleash again) keeps the others' settings in the file.
  const env = Object.assign(
    names.length < serviceNames().length ? readServicesEnv() : {},
    ...results.map(r => Object.fromEntries(Object.entries(r.value).filter(([k]) => k !== 'started'))),
  );
  env.GITHUB_WEBHOOK_SECRET = process.env.GITHUB_WEBHOOK_SECRET ?? localSecret('github-webhook-secret');
  writeFileSync(servicesEnvFile, Object.entries(env).map(([k, v]) => `${k}=${v}\n`).join(''), { mode: 0o600 });
  return { env, started };
}

/** A random secret generated once into the state folder, for settings that have no service behind them. */
function localSecret(name) {
  const file = join(stateDir, 'secrets', name);
  if (!existsSync(file)) {
    mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600 });
  }
  return readFileSync(file, 'utf8').trim();
}

export async function stopServices(names = Object.keys(SERVICES)) {
  await Promise.all(names.map(name => SERVICES[name].stop()));
}

/** The connection settings written by the last startServices, for processes that did not start them. */
export function readServicesEnv() {
  if (!existsSync(servicesEnvFile)) return {};
  return Object.fromEntries(
    readFileSync(servicesEnvFile, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map(line => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}

/**
 * Watches the processes of the named services and calls onDeath(report) once for each one that ends (or is
 * not running when the watch begins); the report says which process, how it ended and what its log says
 * last. Resolves to a function that stops watching: call it before stopping the services on purpose.
 */
export async function watchServices(names, onDeath) {
  const watched = (await Promise.all(names.map(name => SERVICES[name].processes()))).flat();
  const since = Date.now();
  const unwatchers = watched.map(({ name, pidFile, logFile }) => {
    const pid = runningPid(pidFile);
    const report = how =>
      `${'='.repeat(100)}\n✖ ${name}${pid ? ` (PID ${pid})` : ''} ${how} ` +
      `${Math.round((Date.now() - since) / 1000)} s after the watch began. Everything that talks to it fails from now on.\n` +
      `${tail(logFile, 40)}\n${'='.repeat(100)}`;
    if (!pid) {
      setImmediate(() => onDeath(report('is not running')));
      return () => {};
    }
    return watchProcess(pid, exit => onDeath(report(describeExit(exit))));
  });
  return () => unwatchers.forEach(unwatch => unwatch());
}

/**
 * Runs a command (the tests) in its own process group while the services' processes are watched. When one
 * of them ends, its report is printed at once and the command is stopped: tests against a dead service
 * would only fail minutes later, each with an error that does not say why. Resolves to the command's exit
 * code (1 when a service ended) and the reports of the services that ended.
 */
export async function runWhileServicesRun(command, args, { env, names = serviceNames(), report = console.error }) {
  const child = spawn(command, args, { cwd: rootDir, env, stdio: 'inherit', detached: true });
  const signalGroup = signal => {
    try {
      process.kill(-child.pid, signal);
    } catch {
      /* already gone */
    }
  };
  const forward = signal => signalGroup(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  const deaths = [];
  const unwatch = await watchServices(names, died => {
    deaths.push(died);
    report(`${died}\nStopping the tests.`);
    signalGroup('SIGTERM');
    setTimeout(() => signalGroup('SIGKILL'), 10000).unref();
  });
  const exitCode = await new Promise(resolve => {
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
  unwatch();
  process.off('SIGINT', forward);
  process.off('SIGTERM', forward);
  return { exitCode: deaths.length > 0 ? 1 : exitCode, deaths };
}
