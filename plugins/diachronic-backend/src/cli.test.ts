/** The `diachronic` CLI (packages/cli), its real bin run against this plugin on the real services. */
import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { diachronicDeploymentAbortPermission } from '@diachronic/backstage-plugin-diachronic-common';
import { diachronicPlugin } from './plugin';
import {
  RunningWorker,
  annotatedEntity,
  pluginConfig,
  realServices,
  startDiachronicWorker,
  uniqueFamily,
  uniqueVersionId,
  waitFor,
} from './__testUtils__/realServices';

jest.setTimeout(180_000);

const BIN = join(dirname(require.resolve('@diachronic/cli/package.json')), 'bin', 'diachronic.js');
const family = uniqueFamily('cli');
const run = family.split('.')[0];
const entity = annotatedEntity({ name: `${run}-cli`, families: [family] });
const entityRef = `component:default/${entity.metadata.name}`;

/** The user may do anything but abort. */
const permissions = mockServices.permissions.mock({
  authorize: async requests =>
    requests.map(({ permission }) => ({
      result: permission.name === diachronicDeploymentAbortPermission.name ? AuthorizeResult.DENY : AuthorizeResult.ALLOW,
    })),
});

describe('the diachronic CLI against the real backend', () => {
  const services = realServices();
  let worker: RunningWorker;
  let url: string;

  beforeAll(async () => {
    worker = await startDiachronicWorker(services);
    const { server } = await startTestBackend({
      features: [
        diachronicPlugin,
        mockServices.rootConfig.factory({ data: pluginConfig(services, worker.taskQueue, 'unused') }),
        catalogServiceMock.factory({ entities: [entity] }),
        permissions.factory,
      ],
    });
    url = `http://localhost:${server.port()}`;
  });

  afterAll(async () => {
    await worker?.stop();
  });

  const cli = (args: string[], { token = mockCredentials.user.token() }: { token?: string } = {}) =>
    new Promise<{ code: number; stdout: string; stderr: string }>(resolve => {
      execFile(process.execPath, [BIN, ...args], { env: { ...process.env, DIACHRONIC_URL: url, DIACHRONIC_TOKEN: token }, timeout: 120_000 }, (error, stdout, stderr) =>
        resolve({ code: error ? Number((error as { code?: number }).code ?? 1) : 0, stdout, stderr }),
      );
    });

  const v1 = uniqueVersionId();
  const v2 = uniqueVersionId();

  it('starts a version by family name, watches it to the end (exit 0), and shows it', async () => {
    const started = await cli(['start', family, '--version', v1, '--reason', 'from the terminal']);
    expect(started).toMatchObject({ code: 0, stdout: `started diachronic/${family}/${v1}\n` });
    const watched = await cli(['watch', entityRef, '--interval', '0.5']);
    expect(watched.code).toBe(0);
    // Piped, each look is a line of its own; the last one shows the end.
    expect(watched.stdout.trim().split('\n').at(-1)).toMatch(
      new RegExp(`^${family.replace(/\./g, '\\.')} (${v1} · completed · \\[█{20}\\] 100%|· no deployment running · last: ${v1} completed at 100%)`),
    );

    const status = await cli(['status', family]);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain(`Family ${family}`);
    expect(status.stdout).toContain(`no deployment running · last: ${v1} completed at 100%`);

    const json = await cli(['status', entityRef, '--json']);
    expect(JSON.parse(json.stdout)).toEqual([
      expect.objectContaining({ family, history: [expect.objectContaining({ versionId: v1, phase: 'completed', livePercent: 100 })] }),
    ]);
    const list = await cli(['list', '--json']);
    expect(JSON.parse(list.stdout).items).toEqual(expect.arrayContaining([expect.objectContaining({ family, entityRef })]));
  });

  it('promotes, pauses and resumes the running deployment (exit 0); a refusal exits 2 with the backend\'s reason', async () => {
    const started = await cli(['start', family, '--version', v2, '--dark', '--schedule', '20:60s,100']);
    expect(started.code).toBe(0);
    const phaseIs = (phase: string) => async () => {
      const { stdout } = await cli(['status', family, '--json']);
      return JSON.parse(stdout)[0]?.deployment?.phase === phase;
    };
    await waitFor('v2 to wait in dark', phaseIs('dark'));
    // What the phase does not allow, the workflow refuses with its reason.
    const tooEarly = await cli(['pause', family]);
    expect(tooEarly.code).toBe(2);
    expect(tooEarly.stderr).toMatch(/^refused \(409\): pause refused: not possible while the deployment is dark/);

    const promoted = await cli(['promote', family, '--json']);
    expect(promoted.code).toBe(0);
    expect(JSON.parse(promoted.stdout)).toMatchObject({ request: { versionId: v2 } });
    await waitFor('v2 to roll out', phaseIs('rolling_out'));
    const rolling = await cli(['status', entityRef]);
    expect(rolling.stdout).toContain(`${family} ${v2} · rolling_out`);
    expect(rolling.stdout).toContain(`requested by user:default/mock`);
    const paused = await cli(['pause', family, '--reason', 'lunch']);
    expect(paused.code).toBe(0);
    expect(paused.stdout).toContain(`${family} ${v2} · rolling_out`);
    expect((await cli(['resume', family, '--reason', 'back'])).code).toBe(0);

    const abort = await cli(['abort', family, '--reason', 'not mine to abort']);
    expect(abort).toMatchObject({ code: 2, stderr: expect.stringContaining(`refused (403): not allowed to abort deployments of ${entityRef}`) });

  });

  it('exits 1 with the usage on bad usage, and on an unreachable backend; a service token may read but not act', async () => {
    const usage = await cli(['override', family, '150', '--reason', 'x']);
    expect(usage.code).toBe(1);
    expect(usage.stderr).toContain('<percent> must be a whole number from 0 to 100');
    expect(usage.stderr).toContain('Usage: diachronic');
    expect((await cli(['frobnicate'])).code).toBe(1);
    expect((await cli(['list', '--url', 'http://127.0.0.1:9'])).stderr).toMatch(/^error: cannot reach the Backstage backend at http:\/\/127\.0\.0\.1:9/);
    expect((await cli(['list', '--url', 'http://127.0.0.1:9'])).code).toBe(1);

    const service = mockCredentials.service.token();
    expect((await cli(['status', family], { token: service })).code).toBe(0);
    const acted = await cli(['pause', family, '--version', v2], { token: service });
    expect(acted.code).toBe(2);
    expect(acted.stderr).toContain('use a user token');
    // The token never shows in what the CLI prints.
    expect(acted.stderr + acted.stdout).not.toContain(service);
  });
});
