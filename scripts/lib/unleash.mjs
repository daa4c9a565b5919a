// Unleash (npm unleash-server) on PostgreSQL, with admin and backend tokens generated into the state folder.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { log, readJson, runningPid, spawnDetached, stopByPidFile, waitUntil, writeJson } from './procs.mjs';

const SERVICE = 'unleash';

function loadOrCreateTokens(dir) {
  const file = join(dir, 'tokens.json');
  if (existsSync(file)) return readJson(file);
  const secret = () => randomBytes(24).toString('hex');
  const tokens = {
    adminToken: `*:*.${secret()}`,
    clientToken: `default:development.${secret()}`,
    postgresPassword: secret(),
  };
  writeJson(file, tokens);
  return tokens;
}

/** The server's process (PostgreSQL, when embedded, is its child), for the services' watchers. */
export function unleashProcesses(stateDir) {
  const dir = join(stateDir, 'unleash');
  return [{ name: SERVICE, pidFile: join(dir, 'pid'), logFile: join(dir, 'server.log') }];
}

export async function startUnleash({ rootDir, stateDir, port = 4242, pgPort = 5433 }) {
  const dir = join(stateDir, 'unleash');
  const [{ pidFile, logFile }] = unleashProcesses(stateDir);
  const tokens = loadOrCreateTokens(dir);
  const url = `http://127.0.0.1:${port}`;
  const env = {
    UNLEASH_URL: url,
    UNLEASH_ADMIN_TOKEN: tokens.adminToken,
    UNLEASH_CLIENT_TOKEN: tokens.clientToken,
  };
  const healthy = async () => (await fetch(`${url}/health`)).ok;

  if (runningPid(pidFile)) return { ...env, started: false };
  if (await healthy().catch(() => false)) {
    throw new Error(`port ${port} already serves something else; set UNLEASH_PORT to use another port`);
  }
  // An Unleash killed on its own leaves its embedded PostgreSQL running, holding the port and the data.
  await stopByPidFile(pidFile, { service: SERVICE });
  const pid = spawnDetached(process.execPath, [join(rootDir, 'scripts', 'unleash-server.mjs')], {
    pidFile,
    logFile,
    cwd: rootDir,
    env: {
      DIACHRONIC_UNLEASH_STATE_DIR: dir,
      UNLEASH_PORT: String(port),
      DIACHRONIC_PG_PORT: String(pgPort),
    },
  });
  log(SERVICE, `starting unleash-server (PID ${pid}) on ${url}` + (process.env.DATABASE_URL ? ' with DATABASE_URL' : ` with embedded PostgreSQL on :${pgPort}`));
  await waitUntil(healthy, { service: SERVICE, timeoutMs: 90000, logFile, pid });
  // /health answers before the init tokens are stored; wait until the admin token is accepted.
  await waitUntil(
    async () => (await fetch(`${url}/api/admin/projects`, { headers: { Authorization: tokens.adminToken } })).ok,
    { service: SERVICE, timeoutMs: 30000, logFile, pid },
  );
  log(SERVICE, 'ready');
  return { ...env, started: true };
}

export async function stopUnleash({ stateDir }) {
  const stopped = await stopByPidFile(unleashProcesses(stateDir)[0].pidFile, { service: SERVICE, graceMs: 20000 });
  if (stopped) log(SERVICE, 'stopped');
}
