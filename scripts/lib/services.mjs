// The real services Diachronic needs locally and in tests: Temporal dev server, Unleash on PostgreSQL,
// and (unless left out) a kube-apiserver. Ports and paths come from the environment.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTemporal, stopTemporal } from './temporal.mjs';
import { startUnleash, stopUnleash } from './unleash.mjs';

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
  },
  unleash: {
    start: () => startUnleash({ rootDir, stateDir, port: port('UNLEASH_PORT', 4242), pgPort: port('DIACHRONIC_PG_PORT', 5433) }),
    stop: () => stopUnleash({ stateDir }),
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
