import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { NotificationSendOptions, notificationService } from '@backstage/plugin-notifications-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { DeploymentState, diachronicApiPaths } from '@diachronic/backstage-plugin-diachronic-common';
import request from 'supertest';
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

jest.setTimeout(120_000);

const API = '/api/diachronic';
const USER = mockCredentials.user().principal.userEntityRef;
const family = uniqueFamily('told');
const quiet = uniqueFamily('quiet');
const run = family.split('.')[0];
const entity = annotatedEntity({ name: `${run}-told`, families: [family, quiet], owner: 'team-told' });
const entityRef = { kind: 'component', namespace: 'default', name: entity.metadata.name };

/** What the plugin sent through Backstage's notification service. */
const sent: NotificationSendOptions[] = [];
const notifications = createServiceFactory({
  service: notificationService,
  deps: {},
  factory: () => ({
    send: async (options: NotificationSendOptions) => {
      sent.push(options);
    },
  }),
});

describe("notifications: a family's owners are told of its deployments' changes, and a webhook gets them as JSON", () => {
  const services = realServices();
  let worker: RunningWorker;
  let server: Parameters<typeof request>[0];
  let hook: Server;
  const posted: Array<Record<string, unknown>> = [];

  beforeAll(async () => {
    hook = createServer((req, res) => {
      let body = '';
      req.on('data', chunk => (body += chunk));
      req.on('end', () => {
        posted.push(JSON.parse(body));
        res.writeHead(204).end();
      });
    });
    await new Promise<void>(resolve => hook.listen(0, '127.0.0.1', resolve));
    const webhookUrl = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/chat/hook?token=secret`;
    worker = await startDiachronicWorker(services);
    const config = pluginConfig(services, worker.taskQueue, 'unused');
    ({ server } = await startTestBackend({
      features: [
        diachronicPlugin,
        notifications,
        mockServices.rootConfig.factory({
          data: {
            ...config,
            diachronic: {
              ...config.diachronic,
              liveUpdates: true,
              // Everything for the family, with the webhook; the quiet family only hears of aborts.
              notifications: { events: ['aborted'], families: [{ family, events: ['dark', 'overridden', 'aborted', 'completed'], webhookUrl }] },
            },
          },
        }),
        catalogServiceMock.factory({ entities: [entity] }),
        mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
      ],
    }));
  });

  afterAll(async () => {
    await worker?.stop();
    await new Promise(resolve => hook?.close(resolve));
  });

  const path = (name: string, versionId: string) => `${API}${diachronicApiPaths.deployment(entityRef, name, versionId)}`;
  const start = (body: object) => request(server).post(`${API}${diachronicApiPaths.startDeployment(entityRef)}`).send(body).expect(202);
  const phaseOf = async (name: string, versionId: string) => ((await request(server).get(path(name, versionId)).expect(200)).body as DeploymentState).phase;
  const titles = (name: string) => sent.filter(notice => notice.payload.scope?.startsWith(`diachronic:${name}:`)).map(notice => notice.payload.title);

  it('tells the owner when a version completes, waits in dark, and is overridden with the reason; the webhook gets the same', async () => {
    const v1 = uniqueVersionId();
    await start({ family, versionId: v1 });
    await waitFor('v1 to complete', async () => (await phaseOf(family, v1)) === 'completed');
    const v2 = uniqueVersionId();
    await start({ family, versionId: v2, dark: true, schedule: [{ percent: 10, pauseMs: 60_000 }, { percent: 100, pauseMs: 0 }] });
    await waitFor('the dark notice', () => titles(family).includes(`${family} ${v2} waits in dark for promote`));
    await request(server).post(`${path(family, v2)}/promote`).send({}).expect(200);
    await waitFor('the rollout at 10%', async () => (await phaseOf(family, v2)) === 'rolling_out');
    await request(server).post(`${path(family, v2)}/override`).send({ percent: 40, reason: 'customer demo at noon' }).expect(200);
    await waitFor('the override notice', () => titles(family).some(title => title.startsWith(`${family} ${v2} overridden by`)));
    await waitFor('the deployment to end overridden', async () => (await phaseOf(family, v2)) === 'overridden');

    const override = sent.find(notice => notice.payload.title.startsWith(`${family} ${v2} overridden`))!;
    expect(override).toEqual({
      recipients: { type: 'entity', entityRef: 'group:default/team-told' },
      payload: expect.objectContaining({
        description: 'customer demo at noon',
        link: `/catalog/default/component/${entity.metadata.name}/rollout`,
        severity: 'high',
        topic: 'diachronic',
      }),
    });
    // Each change told once, in order.
    expect(titles(family)).toEqual([
      `${family} ${v1} completed`,
      `${family} ${v2} waits in dark for promote`,
      `${family} ${v2} overridden by ${USER}: live set to 40%`,
    ]);
    await waitFor('the webhook to get every notice', () => posted.filter(body => body.family === family).length === 3);
    expect(posted.find(body => body.kind === 'dark')).toEqual(
      expect.objectContaining({ family, versionId: v2, entityRef: `component:default/${entity.metadata.name}`, owner: 'group:default/team-told', title: `${family} ${v2} waits in dark for promote` }),
    );
  });

  it("follows the family's settings: the quiet family is told of an abort only, with the reason, and nothing reaches the webhook", async () => {
    const v1 = uniqueVersionId();
    await start({ family: quiet, versionId: v1 });
    await waitFor('v1 to complete', async () => (await phaseOf(quiet, v1)) === 'completed');
    const v2 = uniqueVersionId();
    await start({ family: quiet, versionId: v2, dark: true });
    await waitFor('v2 in dark', async () => (await phaseOf(quiet, v2)) === 'dark');
    await request(server).post(`${path(quiet, v2)}/abort`).send({ reason: 'wrong build' }).expect(200);
    await waitFor('the abort notice', () => titles(quiet).length > 0);
    expect(sent.filter(notice => notice.payload.scope?.startsWith(`diachronic:${quiet}:`)).map(notice => notice.payload)).toEqual([
      expect.objectContaining({ title: `${quiet} ${v2} aborted`, description: expect.stringContaining('wrong build') }),
    ]);
    expect(posted.filter(body => body.family === quiet)).toEqual([]);
  });
});
