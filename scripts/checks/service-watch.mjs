#!/usr/bin/env node
// Harness check, run by .ci/run: the local Unleash survives the unhandled rejections Unleash itself
// produces, and a service that ends while the tests run is reported within seconds, with how it ended
// and the tail of its log, and stops the run. Uses an Unleash of its own (temporary state, free ports), so
// it can run beside `npm start` or `npm test`.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createServer().once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });

const stateDir = mkdtempSync(join(tmpdir(), 'diachronic-service-watch-'));
// Run as root, embedded PostgreSQL's initdb runs as the user `postgres`, which must reach its data folder.
chmodSync(stateDir, 0o755);
process.env.DIACHRONIC_STATE_DIR = stateDir;
process.env.UNLEASH_PORT = String(await freePort());
process.env.DIACHRONIC_PG_PORT = String(await freePort());
const { runWhileServicesRun, startServices, stopServices } = await import('../lib/services.mjs');
const { unleashProcesses } = await import('../lib/unleash.mjs');
const { runningPid } = await import('../lib/procs.mjs');
const { pidFile, logFile } = unleashProcesses(stateDir)[0];
const serverLog = () => readFileSync(logFile, 'utf8');

async function startUnleash() {
  const { env } = await startServices(['unleash']);
  return { env, pid: runningPid(pidFile) };
}

/**
 * Runs a stand-in for the tests (a process that waits) under the watch, ends Unleash with `end`, and
 * returns how long the report took and what it said.
 */
async function reportOfEnding(env, pid, end) {
  const reports = [];
  const run = runWhileServicesRun(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], {
    env: { ...process.env, ...env },
    names: ['unleash'],
    report: message => reports.push(message),
  });
  await sleep(1000);
  const endedAt = Date.now();
  end(pid);
  const { exitCode, deaths } = await run;
  return { seconds: (Date.now() - endedAt) / 1000, exitCode, deaths, reports };
}

try {
  // 1. Unleash's feature-lifecycle listeners reject when a flag is deleted right after it was created or
  // archived. Provoke that until the log shows it several times; the server must keep serving.
  let { env, pid } = await startUnleash();
  const headers = { Authorization: env.UNLEASH_ADMIN_TOKEN, 'Content-Type': 'application/json' };
  const call = (method, path, body) =>
    fetch(`${env.UNLEASH_URL}${path}`, { method, headers, body: body && JSON.stringify(body) }).catch(error => {
      throw new assert.AssertionError({
        message: `Unleash stopped serving (${error.cause?.message ?? error.message}) after ${rejections()} ` +
          `unhandled rejections inside it; the end of its log:\n${serverLog().slice(-2000)}`,
      });
    });
  const features = '/api/admin/projects/default/features';
  let cycles = 0;
  const rejections = () => serverLog().split('violates foreign key constraint "feature_lifecycles_feature_fkey"').length - 1;
  const deadline = Date.now() + 90_000;
  while (rejections() < 5) {
    assert.ok(Date.now() < deadline, `no lifecycle rejection provoked in ${cycles} create/delete cycles; the check proves nothing`);
    await Promise.all(
      Array.from({ length: 8 }, async (_, lane) => {
        const name = `watch-check.${Date.now()}.${lane}.${cycles++}`;
        await call('POST', features, { name });
        await call('DELETE', `${features}/${name}`);
        await call('DELETE', `/api/admin/archive/${name}`);
      }),
    );
  }
  await sleep(1000);
  assert.ok(runningPid(pidFile), `Unleash ended after ${rejections()} unhandled rejections inside it:\n${serverLog().slice(-3000)}`);
  assert.ok((await fetch(`${env.UNLEASH_URL}/health`)).ok, 'Unleash does not answer /health after the rejections');
  console.log(`ok  Unleash kept serving through ${rejections()} unhandled rejections in ${cycles} create/delete cycles`);

  // 2. Killed without warning: reported at once, with the signal and the log's tail; the tests are stopped.
  const killed = await reportOfEnding(env, pid, victim => process.kill(victim, 'SIGKILL'));
  assert.equal(killed.exitCode, 1, 'the run goes on after Unleash was killed');
  assert.equal(killed.deaths.length, 1);
  assert.ok(killed.seconds < 5, `the kill was reported after ${killed.seconds} s`);
  assert.match(killed.reports[0], new RegExp(`unleash \\(PID ${pid}\\) was killed by SIGKILL`));
  assert.match(killed.reports[0], /--- last lines of .*server\.log ---/);
  assert.match(killed.reports[0], /Stopping the tests/);
  console.log(`ok  Unleash killed by SIGKILL: reported after ${killed.seconds.toFixed(2)} s with its log's tail; the run stopped`);
  console.log(killed.reports[0].split('\n').slice(0, 3).map(line => `    ${line}`).join('\n'));

  // 3. Ended by itself: the exit code is reported, and the server's own last line says so too.
  ({ env, pid } = await startUnleash());
  const exited = await reportOfEnding(env, pid, victim => process.kill(victim, 'SIGTERM'));
  assert.equal(exited.exitCode, 1);
  assert.ok(exited.seconds < 25, `the exit was reported after ${exited.seconds} s`);
  assert.match(exited.reports[0], new RegExp(`unleash \\(PID ${pid}\\) exited with code \\d+`));
  assert.match(exited.reports[0], /\[unleash-server\] exiting with code \d+/);
  console.log(`ok  Unleash exited: reported after ${exited.seconds.toFixed(2)} s with its exit code and its log's tail`);
} finally {
  await stopServices(['unleash']);
  rmSync(stateDir, { recursive: true, force: true });
}
