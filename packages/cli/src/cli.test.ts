/** The real bin, run as a user runs it, against the backend plugin on the real services with a real Diachronic worker. */
import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { DeploymentState, workflowIds } from '@diachronic/contract';
import type { DeploymentListResponse, EntityFamiliesResponse } from '@diachronic/backstage-plugin-diachronic-common';
import diachronicPlugin from '@diachronic/backstage-plugin-diachronic-backend';
import { uniqueFamily, uniqueVersionId, waitFor } from '@diachronic/test-utils';
import {
  RunningWorker,
  annotatedEntity,
  pluginConfig,
  realServices,
  startDiachronicWorker,
} from '@diachronic/test-utils/backend-plugin';

jest.setTimeout(180_000);

const BIN = join(__dirname, '..', 'bin', 'diachronic.js');
const USER = 'user:default/cli-tester';
const USER_TOKEN = mockCredentials.user.token(USER);

/** One entity per test, owning one family of its own. */
function owner(base: string) {
  const family = uniqueFamily('cli', base);
  const name = `${family.split('.')[0]}-${base}`;
  return { family, entity: annotatedEntity({ name, families: [family] }), entityRef: `component:default/${name}` };
}
const watched = owner('watched');
const steered = owner('steered');
const frozen = owner('frozen');
const twoFamilies = annotatedEntity({ name: `${watched.family.split('.')[0]}-two`, families: [uniqueFamily('cli', 'a'), uniqueFamily('cli', 'b')] });

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** A port nothing listens on (it was free a moment ago). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>(listening => server.listen(0, '127.0.0.1', listening));
  const { port } = server.address() as { port: number };
  await new Promise(closed => server.close(closed));
  return port;
}

describe('the diachronic CLI against the real backend', () => {
  const services = realServices();
  let worker: RunningWorker;
  let url: string;
  let deniedUrl: string;

  beforeAll(async () => {
    worker = await startDiachronicWorker(services, { name: 'cli' });
    const config = mockServices.rootConfig.factory({ data: pluginConfig(services, worker.taskQueue, 'unused') });
    const catalog = catalogServiceMock.factory({ entities: [watched.entity, steered.entity, frozen.entity, twoFamilies] });
    const allowed = await startTestBackend({
      features: [diachronicPlugin, config, catalog, mockServices.permissions.factory({ result: AuthorizeResult.ALLOW })],
    });
    const denied = await startTestBackend({
      features: [diachronicPlugin, config, catalog, mockServices.permissions.factory({ result: AuthorizeResult.DENY })],
    });
    url = `http://localhost:${allowed.server.port()}`;
    deniedUrl = `http://localhost:${denied.server.port()}`;
  });

  afterAll(async () => {
    await worker?.stop();
  });

  /** Runs the bin with the backend and the token in the environment, as a script would. */
  const cli = (args: string[], { env = {} }: { env?: Record<string, string | undefined> } = {}) =>
    new Promise<Run>(resolve => {
      execFile(
        process.execPath,
        [BIN, ...args],
        { env: { ...process.env, DIACHRONIC_URL: url, DIACHRONIC_TOKEN: USER_TOKEN, ...env }, timeout: 120_000 },
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
    });
  const json = async <T>(args: string[]): Promise<T> => {
    const run = await cli([...args, '--json']);
    if (run.code !== 0) throw new Error(`diachronic ${args.join(' ')} exited with ${run.code}: ${run.stderr}`);
    return JSON.parse(run.stdout) as T;
  };
  /** The running deployment of the target's family, once `ready` says it is as the test needs it. */
  const waitForDeployment = (target: string, what: string, ready: (state: DeploymentState) => boolean) =>
    waitFor(`${target}: ${what}`, async () => {
      const { families } = await json<EntityFamiliesResponse>(['status', target]);
      const state = families[0]?.deployment;
      return state && ready(state) ? state : undefined;
    });

  it('starts versions, shows their family, version and phase, promotes one from dark, and watches them to the end (exit 0)', async () => {
    const { family, entityRef } = watched;
    const v1 = uniqueVersionId();
    const v2 = uniqueVersionId();
    const started = await cli(['start', entityRef, '--family', family, '--version', v1]);
    expect(started).toEqual({ code: 0, stdout: `started ${workflowIds.deployment(family, v1)}\n`, stderr: '' });
    const watching = await cli(['watch', entityRef, v1]);
    expect(watching).toMatchObject({ code: 0, stderr: '' });
    // Piped, each change is printed once, as a line; the last one is the end (the first version goes straight to 100%).
    expect(watching.stdout.trim().split('\n').at(-1)).toBe(`${family} ${v1} · completed · [${'█'.repeat(20)}] 100%`);

    // By the family's name: its entity is found through the catalog-wide list.
    expect(await cli(['start', family, '--version', v2, '--dark', '--schedule', '50:1s,100', '--reason', 'from the terminal'])).toEqual({
      code: 0,
      stdout: `started ${workflowIds.deployment(family, v2)}\n`,
      stderr: '',
    });
    await waitForDeployment(entityRef, 'waits in dark', state => state.phase === 'dark');
    const status = await cli(['status', entityRef]);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(`Family ${family}\n  ${family} ${v2} · dark · [${'░'.repeat(20)}]   0%\n    from ${v1}\n`);
    // The token was sent: the backend recorded its user as the one who asked.
    expect(status.stdout).toContain(`requested by ${USER}: from the terminal`);
    expect(await json<EntityFamiliesResponse>(['status', family])).toMatchObject({
      entityRef,
      families: [{ family, deployment: { phase: 'dark', request: { versionId: v2 } } }],
    });

    const promoted = await cli(['promote', entityRef, '--reason', 'looks good']);
    expect(promoted.code).toBe(0);
    expect(promoted.stdout).toMatch(new RegExp(`^promoted ${escape(family)} ${v2}\\n`));
    // The entity's families until nothing runs or waits any more.
    const whole = await cli(['watch', entityRef]);
    expect(whole).toMatchObject({ code: 0, stderr: '' });
    expect(whole.stdout.trim().split('\n').at(-1)).toMatch(
      new RegExp(`^${escape(family)} (${v2} · completed · \\[█{20}\\] 100%|· no deployment running · last: ${v2} completed at 100%)`),
    );
    const lines = (await cli(['watch', entityRef, v2, '--json'])).stdout.trim().split('\n');
    expect(lines.map(line => (JSON.parse(line) as DeploymentState).phase)).toEqual(['completed']);

    const list = await json<DeploymentListResponse>(['list', family]);
    expect(list.items).toEqual([expect.objectContaining({ family, entityRef, owner: 'group:default/team-orders' })]);
    expect((await cli(['list', family])).stdout).toMatch(new RegExp(`^FAMILY .*\\n${escape(family)} +${escape(entityRef)} +group:default/team-orders`));
  });

  it("pauses and resumes a rollout (exit 0); what the backend refuses exits 2 with its reason; override 100 ends it", async () => {
    const { family, entityRef } = steered;
    const v1 = uniqueVersionId();
    const v2 = uniqueVersionId();
    expect((await cli(['start', family, '--version', v1])).code).toBe(0);
    expect((await cli(['watch', family, v1])).code).toBe(0);
    // A step that holds for ten minutes: the rollout runs while the test steers it.
    expect((await cli(['start', family, '--version', v2, '--schedule', '20:10m,100'])).code).toBe(0);
    await waitForDeployment(entityRef, 'holds its first step', state => state.phase === 'rolling_out' && state.step?.index === 1);

    const promote = await cli(['promote', family]);
    expect(promote).toEqual({
      code: 2,
      stdout: '',
      stderr: 'diachronic: refused (409): promote refused: not possible while the deployment is rolling_out; possible when dark\n',
    });

    const paused = await cli(['pause', family, '--reason', 'lunch']);
    expect(paused.code).toBe(0);
    expect(paused.stdout).toMatch(new RegExp(`^paused ${escape(family)} ${v2}\\n${escape(family)} ${v2} · rolling_out · \\[█{4}░{16}\\]  20% · step 1/2 \\(paused\\)`));
    expect((await json<DeploymentState>(['resume', entityRef, '--version', v2, '--reason', 'back'])).step).toMatchObject({ paused: false });

    // The permission policy says no: the backend's reason, exit 2.
    const abort = await cli(['abort', entityRef, '--family', family, '--version', v2, '--reason', 'not mine', '--url', deniedUrl]);
    expect(abort.code).toBe(2);
    expect(abort.stderr).toMatch(new RegExp(`^diachronic: refused \\(403\\): not allowed to abort deployments of ${escape(entityRef)}`));

    const overridden = await json<DeploymentState>(['override', family, '100', '--reason', 'enough waiting']);
    expect(overridden.request.versionId).toBe(v2);
    expect((await cli(['watch', family])).code).toBe(0);
    expect((await json<DeploymentState>(['watch', entityRef, v2])).phase).toBe('completed');
  });

  it('freezes and unfreezes a family; a service token may read but not act (exit 2, with a hint); a bad token exits 1', async () => {
    const { family, entityRef } = frozen;
    const freeze = await cli(['freeze', entityRef, '--reason', 'release weekend']);
    expect(freeze).toEqual({ code: 0, stdout: `${family}: frozen by ${USER}: release weekend\n`, stderr: '' });
    expect((await cli(['status', family])).stdout).toContain(`frozen by ${USER}: release weekend`);
    expect(await cli(['unfreeze', family])).toEqual({ code: 0, stdout: `${family}: not frozen\n`, stderr: '' });

    const serviceToken = mockCredentials.service.token();
    const asService = { env: { DIACHRONIC_TOKEN: serviceToken } };
    expect((await cli(['status', entityRef], asService)).code).toBe(0);
    const refused = await cli(['freeze', entityRef, '--reason', 'a robot'], asService);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe(
      "diachronic: refused (403): This endpoint does not allow 'service' credentials (starts, controls and freezes are made by a person: use a Backstage user token, not a static or service token)\n",
    );
    expect(`${refused.stdout}${refused.stderr}`).not.toContain(serviceToken);

    const badToken = await cli(['list', '--token', mockCredentials.user.invalidToken()]);
    expect(badToken.code).toBe(1);
    expect(badToken.stderr).toMatch(/^diachronic: the backend did not accept the token \(401 AuthenticationError: /);
    expect(badToken.stderr).not.toContain(mockCredentials.user.invalidToken());
  });

  it('exits 1 with the usage on bad usage, and 1 when the backend cannot be reached', async () => {
    const help = await cli(['--help']);
    expect(help).toMatchObject({ code: 0, stdout: expect.stringMatching(/^Usage: diachronic <command>/), stderr: '' });

    const usageErrors: Array<[string[], string]> = [
      [[], 'no command given'],
      [['frobnicate'], 'unknown command "frobnicate"'],
      [['list', '--dark'], 'list does not take --dark'],
      [['status'], 'missing <entity|family>'],
      [['override', steered.entityRef, '150', '--reason', 'x'], '<percent>: must be a whole number from 0 to 100, got "150"'],
      [['abort', steered.entityRef], '--reason: is required'],
      [['start', steered.entityRef, '--version', 'HEAD'], '--version: must be a git sha: 7–40 lowercase hex digits, got "HEAD"'],
      [['start', steered.entityRef, '--version', 'abcdef1', '--schedule', '50:1m,20'], "--schedule step 2: 20 does not rise above the previous step's 50"],
      [['start', `component:default/${twoFamilies.metadata.name}`, '--version', 'abcdef1'], 'owns several families'],
    ];
    for (const [args, message] of usageErrors) {
      const run = await cli(args);
      expect({ args, code: run.code, stdout: run.stdout }).toEqual({ args, code: 1, stdout: '' });
      expect(run.stderr).toMatch(new RegExp(`^diachronic: .*${escape(message)}.*\\n\\nUsage: diachronic `));
    }

    const noBackend = await cli(['list'], { env: { DIACHRONIC_URL: undefined } });
    expect(noBackend).toMatchObject({ code: 1, stderr: expect.stringContaining('no backend: give --url or set DIACHRONIC_URL') });

    const port = await closedPort();
    const unreachable = await cli(['list', '--url', `http://127.0.0.1:${port}`]);
    expect(unreachable).toEqual({ code: 1, stdout: '', stderr: `diachronic: cannot reach the Backstage backend at http://127.0.0.1:${port}: ECONNREFUSED\n` });
  });
});
