// What a workflow team does with the published packages, against the local Temporal and Unleash: bundle a
// migratable workflow, start it through the signaler (the client interceptor and the HTTP service), and
// move it to a new version with the migrate signal. Prints what it saw as JSON; the check asserts on it.
const { spawn } = require('node:child_process');
const { once } = require('node:events');
const { join } = require('node:path');
const { Connection } = require('@temporalio/client');
const { NativeConnection, Worker, bundleWorkflowCode, Runtime, DefaultLogger } = require('@temporalio/worker');
const contract = require('@diachronic/contract');
const { Router } = require('@diachronic/routing');
const { createRoutingClient } = require('@diachronic/signaler');
const { migrateSignal } = require('@diachronic/migrate');

const env = name => {
  if (!process.env[name]) throw new Error(`${name} is not set`);
  return process.env[name];
};

/** Stands in for Diachronic's deployment of a first version: its flag, live at 100%. */
async function createLiveFlag(family, versionId) {
  const url = env('UNLEASH_URL');
  const call = async (method, path, body) => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { Authorization: env('UNLEASH_ADMIN_TOKEN'), 'Content-Type': 'application/json' },
      body: body && JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`Unleash ${method} ${path}: ${res.status} ${await res.text()}`);
  };
  const flag = contract.versionFlagName(family, 0, versionId);
  const features = '/api/admin/projects/default/features';
  const meta = { diachronic: 1, family, seq: 0, versionId, taskQueue: contract.versionTaskQueue(family, versionId) };
  await call('POST', features, { name: flag, type: 'release', description: contract.encodeFlagMetadata(meta) });
  await call('POST', `${features}/${flag}/environments/development/strategies`, {
    name: 'flexibleRollout',
    title: contract.LIVE_STRATEGY_TITLE,
    parameters: { rollout: '100', stickiness: 'userId', groupId: contract.familyGroupId(family) },
  });
  await call('POST', `${features}/${flag}/environments/development/on`);
}

async function waitFor(what, probe, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 200));
  }
}

async function main() {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const family = `install-check-${Date.now().toString(36)}.tickets`;
  const [v1, v2] = [Date.now().toString(16).slice(-8) + '01', Date.now().toString(16).slice(-8) + '02'];
  const [queue1, queue2] = [contract.versionTaskQueue(family, v1), contract.versionTaskQueue(family, v2)];
  await createLiveFlag(family, v1);

  const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve('./workflows'), logger: new DefaultLogger('WARN') });
  const native = await NativeConnection.connect({ address: env('TEMPORAL_ADDRESS') });
  const workers = await Promise.all(
    [queue1, queue2].map(taskQueue => Worker.create({ connection: native, taskQueue, workflowBundle: { code } })),
  );
  const running = workers.map(worker => worker.run());

  const router = await Router.start({
    url: env('UNLEASH_URL'),
    clientToken: env('UNLEASH_CLIENT_TOKEN'),
    appName: 'install-check',
    refreshIntervalMs: 500,
  });
  await waitFor('the router to see the flag', async () => router.versions(family).length === 1);
  const connection = await Connection.connect({ address: env('TEMPORAL_ADDRESS') });
  const client = createRoutingClient({ connection, router, families: { ticket: family } });

  // 1. Through the client interceptor.
  const viaInterceptor = await client.workflow.start('ticket', {
    workflowId: `${family}/t-1`,
    taskQueue: family,
    args: [{ id: 't-1' }],
  });

  // 2. Through the HTTP service, from the package's bin.
  const signaler = spawn(join(__dirname, 'node_modules', '.bin', 'diachronic-signaler'), [], {
    env: { ...process.env, DIACHRONIC_FAMILIES: `ticket=${family}`, SIGNALER_PORT: '0', SIGNALER_REFRESH_INTERVAL_MS: '500' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  signaler.stdout.on('data', chunk => (output += chunk));
  const signalerUrl = await waitFor('the signaler to listen', async () => /listening on (http:\/\/\S+);/.exec(output)?.[1]);
  const started = await waitFor('a start through the HTTP service', async () => {
    const res = await fetch(`${signalerUrl}/v1/workflows/start`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ workflowType: 'ticket', workflowId: `${family}/t-2`, args: [{ id: 't-2' }] }),
    });
    return res.status === 201 ? res.json() : undefined;
  });
  signaler.kill('SIGTERM');
  await once(signaler, 'exit');

  // 3. The migrate signal moves t-1 to v2 with its state; then both close.
  await viaInterceptor.signal(migrateSignal, { taskQueue: queue2, versionId: v2 });
  const moved = await waitFor('t-1 on v2', async () => (await client.workflow.getHandle(`${family}/t-1`).describe()).taskQueue === queue2);
  const results = [];
  for (const id of ['t-1', 't-2']) {
    const handle = client.workflow.getHandle(`${family}/${id}`);
    await handle.signal('close');
    results.push(await handle.result());
  }
  const queueOfT2 = (await client.workflow.getHandle(started.workflowId, started.runId).describe()).taskQueue;

  router.destroy();
  await connection.close();
  for (const worker of workers) worker.shutdown();
  await Promise.all(running);
  await native.close();
  process.stdout.write(`${JSON.stringify({ queue1, queue2, moved, queueOfT2, results })}\n`);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
