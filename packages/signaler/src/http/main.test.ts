import { ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { connectTemporal, testServices, uniqueFamily, waitFor } from '../__testUtils__/services';

jest.setTimeout(60_000);

const services = testServices();
const family = uniqueFamily('main');

describe('the standalone signaler process', () => {
  let child: ChildProcess | undefined;
  let connection: Connection;
  let client: Client;
  let output = '';

  beforeAll(async () => {
    connection = await connectTemporal(services);
    client = new Client({ connection });
  });

  afterAll(async () => {
    if (child?.exitCode === null) child.kill('SIGKILL');
    await client?.workflow.getHandle(`${family}/waiting`).terminate('test done').catch(() => undefined);
    await connection?.close();
  });

  it('serves until SIGTERM, then drains the request in flight and exits, never logging the token', async () => {
    child = spawn(
      process.execPath,
      ['--require', require.resolve('@backstage/cli/config/nodeTransform.cjs'), resolve(__dirname, 'main.ts')],
      {
        env: {
          ...process.env,
          DIACHRONIC_FAMILIES: `idle=${family}`,
          SIGNALER_PORT: '0',
          SIGNALER_REFRESH_INTERVAL_MS: '1000',
          SIGNALER_UPDATE_TIMEOUT_MS: '2000',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    child.stdout!.on('data', chunk => (output += chunk));
    child.stderr!.on('data', chunk => (output += chunk));
    const exited = once(child, 'exit');
    const url = await waitFor('the signaler to listen', () => /listening on (http:\/\/\S+);/.exec(output)?.[1], {
      timeoutMs: 30_000,
    });

    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ ok: true, router: { versions: { [family]: 0 } } });

    // No worker polls this queue, so the update waits until the signaler's update timeout.
    const workflowId = `${family}/waiting`;
    await client.workflow.start('idle', { workflowId, taskQueue: `${family}-nobody`, workflowExecutionTimeout: '5 minutes' });
    const inFlight = fetch(`${url}/v1/workflows/update`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ workflowId, update: 'anything' }),
    });
    await new Promise(r => setTimeout(r, 500));
    child.kill('SIGTERM');

    const answer = await inFlight;
    expect(answer.status).toBe(504);
    const [code] = await exited;
    expect(code).toBe(0);
    expect(output).toContain('SIGTERM: no new connections');
    expect(output).toContain('stopped');
    expect(output).toContain(services.unleashUrl);
    expect(output).not.toContain(services.unleashClientToken);
  });
});
