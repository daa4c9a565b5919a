#!/usr/bin/env node
// Install check, run by .ci/run: the published packages work for the two kinds of users, outside the
// monorepo (so nothing resolves from its node_modules).
//
// 1. A workflow team: a fresh npm project installs the packed @diachronic/contract, migrate, routing and
//    signaler, bundles a migratable workflow, starts it through the signaler (interceptor and HTTP bin) and
//    moves it with the migrate signal (scripts/checks/workflow-team/).
// 2. An operator: the packed @diachronic/ci's bin runs the worker with its prebuilt workflow bundle.
// 3. A Backstage adopter: an app from @backstage/create-app (default template: the new frontend system)
//    installs the plugin trio from the tarballs, adds the backend plugin and the frontend feature, builds
//    (tsc, app and backend bundles), starts its backend against the local services and answers
//    /api/diachronic/health and an authenticated /api/diachronic/deployments.
//
// Work happens in DIACHRONIC_INSTALL_CHECK_DIR (default ~/.cache/diachronic-install-check); the generated
// app and its install are kept there and reused while the inputs that shape them are unchanged.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildAndPack } from './packages.mjs';

const rootDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const workDir = resolve(process.env.DIACHRONIC_INSTALL_CHECK_DIR || join(homedir(), '.cache', 'diachronic-install-check'));
if (!relative(rootDir, workDir).startsWith('..')) {
  throw new Error(`${workDir} is inside the repository: packages would resolve from its node_modules`);
}
const CREATE_APP_VERSION = '0.9.2';
const nodeDir = dirname(dirname(process.execPath));
const started = Date.now();
const elapsed = () => `${Math.round((Date.now() - started) / 1000)} s`;
const step = message => console.log(`\n--- [${elapsed()}] ${message}`);

function run(command, args, { cwd, env = {}, quiet = false } = {}) {
  execFileSync(command, args, {
    cwd,
    env: { ...process.env, npm_config_nodedir: nodeDir, ...env },
    stdio: ['ignore', quiet ? 'ignore' : 'inherit', 'inherit'],
  });
}

const readJson = file => JSON.parse(readFileSync(file, 'utf8'));
const writeJson = (file, value) => writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
const fileSpec = tarball => `file:${tarball}`;

async function workflowTeam(packed, servicesEnv) {
  const dir = join(workDir, 'workflow-team');
  mkdirSync(dir, { recursive: true });
  const template = join(rootDir, 'scripts', 'checks', 'workflow-team');
  for (const file of ['workflows.js', 'run.js']) copyFileSync(join(template, file), join(dir, file));
  const manifest = readJson(join(template, 'package.json'));
  const ours = ['@diachronic/contract', '@diachronic/temporal-connection', '@diachronic/routing', '@diachronic/migrate', '@diachronic/signaler'];
  for (const name of ours) manifest.dependencies[name] = fileSpec(packed[name].tarball);
  // Not on the registry yet: each package's dependency on another of ours resolves to its tarball.
  manifest.overrides = Object.fromEntries(ours.map(name => [name, fileSpec(packed[name].tarball)]));
  writeJson(join(dir, 'package.json'), manifest);
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir });
  const output = execFileSync(process.execPath, ['run.js'], {
    cwd: dir,
    env: { ...process.env, ...servicesEnv },
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const { queue1, queue2, moved, queueOfT2, results } = JSON.parse(output.trim().split('\n').at(-1));
  assert.equal(moved, true);
  assert.equal(queueOfT2, queue1, 'the HTTP signaler did not route to the live version');
  assert.deepEqual(results[0], { id: 't-1', queues: [queue1, queue2], closeRequested: true });
  assert.deepEqual(results[1], { id: 't-2', queues: [queue1], closeRequested: true });
  console.log(`ok  workflow team: started on ${queue1} by the interceptor and the HTTP bin; t-1 moved to ${queue2} with its state`);
}

/** create-app and the yarn it ships with (its prerequisite check wants a `yarn` on PATH). */
function createAppTools() {
  const dir = join(workDir, `create-app-${CREATE_APP_VERSION}`);
  const pkg = join(dir, 'node_modules', '@backstage', 'create-app');
  if (!existsSync(join(pkg, 'package.json'))) {
    mkdirSync(dir, { recursive: true });
    run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', '--prefix', dir, `@backstage/create-app@${CREATE_APP_VERSION}`]);
  }
  const yarnRelease = join(pkg, 'templates', 'default-app', '.yarn', 'releases');
  const release = readdirSync(yarnRelease).find(name => name.endsWith('.cjs'));
  if (!release) throw new Error(`no yarn release in ${yarnRelease}`);
  const binDir = join(dir, 'bin');
  mkdirSync(binDir, { recursive: true });
  writeFileSync(join(binDir, 'yarn'), `#!/bin/sh\nexec "${process.execPath}" "${join(yarnRelease, release)}" "$@"\n`, { mode: 0o755 });
  return { createApp: join(pkg, 'bin', 'backstage-create-app'), binDir };
}

/** What the check changes in the generated app, beyond installing our packages. */
const ADOPTER_SETUP = {
  // better-sqlite3 12 (what Backstage 1.55 asks for) aborts Node >= 24.19 when a statement is collected.
  resolutions: { 'better-sqlite3': '13.2.0' },
};

async function freePort() {
  const { createServer } = await import('node:net');
  return new Promise((done, fail) => {
    const server = createServer().once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => done(port));
    });
  });
}

async function backstageAdopter(packed, servicesEnv) {
  const tools = createAppTools();
  const env = { PATH: `${tools.binDir}:${dirname(process.execPath)}:${process.env.PATH}`, YARN_ENABLE_TELEMETRY: '0' };
  // The generated app and its install are reused while what shapes them is unchanged.
  const key = createHash('sha256').update(JSON.stringify({ CREATE_APP_VERSION, ADOPTER_SETUP, node: process.version })).digest('hex').slice(0, 12);
  const appDir = join(workDir, `adopter-${key}`);
  if (!existsSync(join(appDir, 'node_modules', '.yarn-state.yml'))) {
    rmSync(appDir, { recursive: true, force: true });
    run(process.execPath, [tools.createApp, '--skip-install', '--path', appDir], { env: { ...env, BACKSTAGE_APP_NAME: 'adopter' }, quiet: true });
  }

  const rootManifest = readJson(join(appDir, 'package.json'));
  const ours = Object.keys(packed).filter(name => name !== '@diachronic/ci');
  // Not on the registry yet: every dependency on one of ours resolves to its tarball.
  rootManifest.resolutions = {
    ...rootManifest.resolutions,
    ...ADOPTER_SETUP.resolutions,
    ...Object.fromEntries(ours.map(name => [name, fileSpec(packed[name].tarball)])),
  };
  writeJson(join(appDir, 'package.json'), rootManifest);
  for (const [workspace, name] of [
    ['backend', '@diachronic/backstage-plugin-diachronic-backend'],
    ['app', '@diachronic/backstage-plugin-diachronic'],
  ]) {
    const file = join(appDir, 'packages', workspace, 'package.json');
    const manifest = readJson(file);
    manifest.dependencies[name] = fileSpec(packed[name].tarball);
    writeJson(file, manifest);
  }

  // As the README tells an adopter: one line in the backend, one feature in the app.
  const backendIndex = join(appDir, 'packages', 'backend', 'src', 'index.ts');
  const backendCode = readFileSync(backendIndex, 'utf8');
  const addPlugin = "backend.add(import('@diachronic/backstage-plugin-diachronic-backend'));";
  if (!backendCode.includes(addPlugin)) {
    writeFileSync(backendIndex, backendCode.replace('backend.start();', `${addPlugin}\n\nbackend.start();`));
  }
  const appFile = join(appDir, 'packages', 'app', 'src', 'App.tsx');
  let appCode = readFileSync(appFile, 'utf8');
  if (!appCode.includes('@diachronic/backstage-plugin-diachronic/alpha')) {
    appCode = `import diachronicPlugin from '@diachronic/backstage-plugin-diachronic/alpha';\n${appCode}`.replace(
      'features: [',
      'features: [diachronicPlugin, ',
    );
    writeFileSync(appFile, appCode);
  }

  step('yarn install (the tarballs change every run; the rest is kept)');
  // A fresh app has no lockfile yet, and CI=true makes yarn refuse to write one unless told.
  run('yarn', ['install'], { cwd: appDir, env: { ...env, YARN_CHECKSUM_BEHAVIOR: 'update', YARN_ENABLE_IMMUTABLE_INSTALLS: 'false' } });
  step('yarn tsc');
  run('yarn', ['tsc'], { cwd: appDir, env });
  step('build the backend and the app');
  run('yarn', ['workspace', 'backend', 'build'], { cwd: appDir, env });
  run('yarn', ['workspace', 'app', 'build'], { cwd: appDir, env });
  const staticDir = join(appDir, 'packages', 'app', 'dist', 'static');
  const bundled = readdirSync(staticDir).some(
    file => file.endsWith('.js') && readFileSync(join(staticDir, file), 'utf8').includes('diachronic.dev/workflows'),
  );
  assert.ok(bundled, `the app's build (${staticDir}) does not include the Diachronic plugin`);

  step("start the app's backend against the local services");
  const port = await freePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  writeFileSync(
    join(appDir, 'app-config.install-check.yaml'),
    [
      'backend:',
      `  baseUrl: ${baseUrl}`,
      `  listen: { port: ${port}, host: 127.0.0.1 }`,
      'diachronic:',
      '  temporal:',
      `    address: ${servicesEnv.TEMPORAL_ADDRESS}`,
      '  unleash:',
      `    url: ${servicesEnv.UNLEASH_URL}`,
      '    clientToken: ${UNLEASH_CLIENT_TOKEN}',
      '',
    ].join('\n'),
  );
  const logFile = join(appDir, 'backend.log');
  const out = openSync(logFile, 'w');
  // As `yarn start` runs it; the Diachronic plugin loads from its installed package.
  const backend = spawn(
    'yarn',
    ['workspace', 'backend', 'start', '--config', '../../app-config.yaml', '--config', '../../app-config.install-check.yaml'],
    {
      cwd: appDir,
      env: { ...process.env, ...env, UNLEASH_CLIENT_TOKEN: servicesEnv.UNLEASH_CLIENT_TOKEN },
      stdio: ['ignore', out, out],
      detached: true,
    },
  );
  const tail = () => readFileSync(logFile, 'utf8').split('\n').slice(-40).join('\n');
  try {
    const deadline = Date.now() + 180_000;
    let health;
    while (Date.now() < deadline) {
      if (backend.exitCode !== null) throw new Error(`the backend exited with ${backend.exitCode}:\n${tail()}`);
      health = await fetch(`${baseUrl}/api/diachronic/health`).catch(() => undefined);
      if (health?.ok) break;
      await sleep(1000);
    }
    assert.equal(health?.status, 200, `GET /api/diachronic/health answered ${health?.status}:\n${tail()}`);
    const refresh = await fetch(`${baseUrl}/api/auth/guest/refresh`, { headers: { 'X-Requested-With': 'XMLHttpRequest' } });
    const session = await refresh.text();
    assert.equal(refresh.status, 200, `guest sign-in answered ${refresh.status}: ${session}`);
    const token = JSON.parse(session).backstageIdentity.token;
    const unauthenticated = await fetch(`${baseUrl}/api/diachronic/deployments`);
    assert.equal(unauthenticated.status, 401, 'the deployments list answered without credentials');
    const list = await fetch(`${baseUrl}/api/diachronic/deployments`, { headers: { Authorization: `Bearer ${token}` } });
    const body = await list.json();
    assert.equal(list.status, 200, `GET /api/diachronic/deployments answered ${list.status}: ${JSON.stringify(body)}`);
    assert.ok(Array.isArray(body.items), `no items in ${JSON.stringify(body)}`);
    console.log(`ok  Backstage adopter: ${appDir} built; health 200, deployments 200 as the guest (${body.items.length} families), 401 without a token`);
  } finally {
    try {
      process.kill(-backend.pid, 'SIGTERM');
    } catch {
      /* gone */
    }
  }
}

/** An operator runs the packaged worker as the deploy/ manifests do: its bin, the prebuilt workflow bundle. */
async function packagedWorker(packed, servicesEnv) {
  const dir = join(workDir, 'operator');
  mkdirSync(dir, { recursive: true });
  const ours = Object.keys(packed).filter(name => !name.includes('backstage-plugin'));
  writeJson(join(dir, 'package.json'), {
    name: 'diachronic-install-check-operator',
    private: true,
    dependencies: { '@diachronic/ci': fileSpec(packed['@diachronic/ci'].tarball) },
    overrides: Object.fromEntries(ours.map(name => [name, fileSpec(packed[name].tarball)])),
  });
  run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir });
  const port = await freePort();
  const logFile = join(dir, 'worker.log');
  const worker = spawn(join(dir, 'node_modules', '.bin', 'diachronic-worker'), [], {
    cwd: dir,
    env: {
      ...process.env,
      ...servicesEnv,
      DIACHRONIC_TASK_QUEUE: `diachronic-install-check-${Date.now().toString(36)}`,
      DIACHRONIC_HEALTH_PORT: String(port),
      DIACHRONIC_LOG_LEVEL: 'WARN',
    },
    stdio: ['ignore', openSync(logFile, 'w'), openSync(logFile, 'a')],
  });
  try {
    const deadline = Date.now() + 60_000;
    let health;
    while (Date.now() < deadline && worker.exitCode === null) {
      health = await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => undefined);
      if (health?.ok) break;
      await sleep(500);
    }
    const log = () => readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n');
    assert.equal(worker.exitCode, null, `diachronic-worker exited with ${worker.exitCode}:\n${log()}`);
    assert.equal(health?.status, 200, `diachronic-worker's /healthz answered ${health?.status}:\n${log()}`);
    assert.deepEqual(await health.json(), { ok: true, state: 'RUNNING' });
    console.log('ok  packaged worker: `diachronic-worker` runs its prebuilt workflow bundle and answers /healthz 200');
  } finally {
    worker.kill('SIGTERM');
  }
}

async function main() {
  step('build and pack the published packages');
  const packed = buildAndPack(rootDir, join(workDir, 'packs'));
  for (const [name, { bytes }] of Object.entries(packed)) console.log(`${name}: ${(bytes / 1024).toFixed(1)} KiB packed`);

  const { readServicesEnv, startServices, stopServices } = await import('../lib/services.mjs');
  step('the local services');
  const { started: startedServices } = await startServices();
  try {
    const servicesEnv = readServicesEnv();
    step('a workflow team installs migrate, routing and the signaler');
    await workflowTeam(packed, servicesEnv);
    step('an operator runs the packaged worker');
    await packagedWorker(packed, servicesEnv);
    step('a Backstage adopter installs the plugins into a new app');
    await backstageAdopter(packed, servicesEnv);
  } finally {
    await stopServices(startedServices);
  }
  step(`install checks passed in ${elapsed()}`);
}

await main();
