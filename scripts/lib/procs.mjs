// Process helpers shared by the service scripts: detached children tracked by PID files.
import { spawn } from 'node:child_process';
import { mkdirSync, openSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export function log(service, message) {
  process.stderr.write(`[${service}] ${message}\n`);
}

// The processes this one started, so that a watcher learns their exit code or signal.
const startedHere = new Map();

/** Starts a command that outlives this script; its output goes to logFile, its PID to pidFile. */
export function spawnDetached(command, args, { pidFile, logFile, env, cwd }) {
  mkdirSync(dirname(pidFile), { recursive: true });
  mkdirSync(dirname(logFile), { recursive: true });
  const out = openSync(logFile, 'a');
  const child = spawn(command, args, {
    cwd,
    env: { ...process.env, ...env },
    detached: true,
    stdio: ['ignore', out, out],
  });
  child.unref();
  startedHere.set(child.pid, child);
  writeFileSync(pidFile, String(child.pid));
  return child.pid;
}

/** How a process ended, in words: its exit code or signal where known. */
export function describeExit({ code, signal }) {
  if (signal) return `was killed by ${signal}`;
  if (code !== null && code !== undefined) return `exited with code ${code}`;
  return 'ended (it was started by another command, so its exit code is not known here; see its log)';
}

/**
 * Calls onExit({ code, signal }) once, as soon as the process ends. The exit code or signal is known for a
 * process this one started; for one started by an earlier command, the PID is polled and both are null.
 * Returns a function that stops watching.
 */
export function watchProcess(pid, onExit, { intervalMs = 250 } = {}) {
  const child = startedHere.get(pid);
  if (child) {
    if (child.exitCode !== null || child.signalCode !== null) {
      const timer = setImmediate(() => onExit({ code: child.exitCode, signal: child.signalCode }));
      return () => clearImmediate(timer);
    }
    const listener = (code, signal) => onExit({ code, signal });
    child.once('exit', listener);
    return () => child.off('exit', listener);
  }
  const timer = setInterval(() => {
    if (isAlive(pid)) return;
    clearInterval(timer);
    onExit({ code: null, signal: null });
  }, intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

export function readPid(pidFile) {
  if (!existsSync(pidFile)) return undefined;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

export function isAlive(pid) {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function runningPid(pidFile) {
  const pid = readPid(pidFile);
  return isAlive(pid) ? pid : undefined;
}

/** Whether any process of the group that `pid` leads is left, also after the leader itself ended. */
function groupAlive(pid) {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * SIGTERM to the process and its group, then SIGKILL after graceMs; removes the PID file. Also stops what
 * is left of the group when the leader itself was killed (an Unleash killed alone leaves its PostgreSQL).
 * Returns whether something was stopped.
 */
export async function stopByPidFile(pidFile, { service, graceMs = 15000 } = {}) {
  const pid = readPid(pidFile);
  const alive = () => isAlive(pid) || groupAlive(pid);
  if (!pid || !alive()) {
    rmSync(pidFile, { force: true });
    return false;
  }
  // Each service runs in its own process group (detached), so children of wrappers stop too.
  const signalGroup = signal => {
    try {
      process.kill(-pid, signal);
    } catch {
      try {
        process.kill(pid, signal);
      } catch {
        /* already gone */
      }
    }
  };
  signalGroup('SIGTERM');
  const deadline = Date.now() + graceMs;
  while (alive() && Date.now() < deadline) await sleep(100);
  if (alive()) {
    if (service) log(service, `did not stop within ${graceMs} ms; killing process group ${pid}`);
    signalGroup('SIGKILL');
    while (alive()) await sleep(50);
  }
  rmSync(pidFile, { force: true });
  return true;
}

/** Polls probe() until it returns true; on timeout throws with the tail of the service's log. */
export async function waitUntil(probe, { service, timeoutMs = 60000, intervalMs = 250, logFile, pid }) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline) {
    if (pid !== undefined && !isAlive(pid)) {
      throw new Error(`${service} exited during start-up.\n${tail(logFile)}`);
    }
    try {
      if (await probe()) return;
    } catch (error) {
      lastError = error;
    }
    await sleep(intervalMs);
  }
  throw new Error(
    `${service} did not become ready within ${timeoutMs} ms` +
      (lastError ? ` (last error: ${lastError.message})` : '') +
      `\n${tail(logFile)}`,
  );
}

export function tail(logFile, lines = 30) {
  if (!logFile || !existsSync(logFile)) return '';
  const text = readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  return `--- last lines of ${logFile} ---\n${text}`;
}

export function readJson(file) {
  return JSON.parse(readFileSync(file, 'utf8'));
}

export function writeJson(file, value, mode = 0o600) {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`, { mode });
}

export function removeFile(file) {
  rmSync(file, { force: true });
}
