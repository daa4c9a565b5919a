import { createServiceFactory } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { SignalPayload, signalsServiceRef } from '@backstage/plugin-signals-node';
import { workflowIds } from '@diachronic/contract';
import {
  DeploymentState,
  deploymentsSignalChannel,
  diachronicApiPaths,
  familySignalChannel,
} from '@diachronic/backstage-plugin-diachronic-common';
import request from 'supertest';
import { requestDeployment } from '@diachronic/ci/client';
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
const family = uniqueFamily('live');
const entity = annotatedEntity({ name: `${family.split('.')[0]}-live`, families: [family] });
const entityRef = { kind: 'component', namespace: 'default', name: entity.metadata.name };

/** The test config with live updates on (the shared test config leaves them off). */
const withLiveUpdates = (config: ReturnType<typeof pluginConfig>) => ({ ...config, diachronic: { ...config.diachronic, liveUpdates: true } });

/** What the plugin published, with when. */
const published: Array<SignalPayload & { at: number }> = [];
const signals = createServiceFactory({
  service: signalsServiceRef,
  deps: {},
  factory: () => ({
    publish: async (signal: SignalPayload) => {
      published.push({ ...signal, at: Date.now() });
    },
  }),
});

describe('live updates: the backend pushes each change of a deployment on the family channel', () => {
  const services = realServices();
  let worker: RunningWorker;
  let server: Parameters<typeof request>[0];

  beforeAll(async () => {
    worker = await startDiachronicWorker(services);
    ({ server } = await startTestBackend({
      features: [
        diachronicPlugin,
        signals,
        mockServices.rootConfig.factory({ data: withLiveUpdates(pluginConfig(services, worker.taskQueue, 'unused')) }),
        catalogServiceMock.factory({ entities: [entity] }),
        mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
      ],
    }));
  });

  afterAll(async () => {
    await worker?.stop();
  });

  const path = (versionId: string) => `${API}${diachronicApiPaths.deployment(entityRef, family, versionId)}`;
  const read = async (versionId: string) => (await request(server).get(path(versionId)).expect(200)).body as DeploymentState;
  /** The first push on the family channel after `since`. */
  const pushAfter = (since: number, what: string) =>
    waitFor(`a push on the family channel after ${what}`, async () =>
      published.find(signal => signal.channel === familySignalChannel(family) && signal.at > since),
    );

  it('pushes a start, a control by a person, and a step the worker took, each within a second; tells the list too', async () => {
    const start = (body: object) => request(server).post(`${API}${diachronicApiPaths.startDeployment(entityRef)}`).send(body).expect(202);
    const first = uniqueVersionId();
    await start({ family, versionId: first });
    await waitFor('the first version to complete', async () => (await read(first)).phase === 'completed');

    const versionId = uniqueVersionId();
    const asked = Date.now();
    await start({ family, versionId, dark: true, schedule: [{ percent: 20, pauseMs: 3000 }, { percent: 100, pauseMs: 0 }] });
    const started = await pushAfter(asked, 'the start');
    expect(started.recipients).toEqual({ type: 'broadcast' });
    // Only what changed, never the state: each browser reads it with its own permissions.
    expect(Object.keys(started.message).sort()).toEqual(['family', 'workflowId']);
    expect(started.message.family).toBe(family);
    await waitFor('the deployment to wait in dark', async () => (await read(versionId)).phase === 'dark');

    const promotedAt = Date.now();
    await request(server).post(`${path(versionId)}/promote`).send({ reason: 'go' }).expect(200);
    const promoted = await pushAfter(promotedAt, 'the promote');
    expect(promoted.message).toEqual({ family, workflowId: workflowIds.deployment(family, versionId) });
    expect(promoted.at - promotedAt).toBeLessThan(1000);

    // Nobody acts now: the worker's step to 100% after the 3 s bake is pushed when it happens.
    await waitFor('the rollout at 20%', async () => (await read(versionId)).livePercent === 20);
    let lastAt20 = Date.now();
    const reached100 = await waitFor(
      'the step to 100%',
      async () => {
        const readAt = Date.now();
        if ((await read(versionId)).livePercent === 100) return Date.now();
        lastAt20 = readAt;
        return undefined;
      },
      { intervalMs: 50 },
    );
    const stepped = await pushAfter(lastAt20, 'the step to 100%');
    expect(stepped.at - reached100).toBeLessThan(1000);

    await waitFor('the deployment to complete', async () => (await read(versionId)).phase === 'completed');
    expect(published.some(signal => signal.channel === deploymentsSignalChannel && signal.message.family === family)).toBe(true);
  });

  it('publishes nothing while nothing changes', async () => {
    await waitFor('the family to settle', async () => {
      const count = published.filter(signal => signal.message.family === family).length;
      await new Promise(resolve => setTimeout(resolve, 1500));
      return published.filter(signal => signal.message.family === family).length === count;
    });
    // Other suites' deployments run on the same server meanwhile: this family's channel stays quiet.
    const ours = () => published.filter(signal => signal.message.family === family).length;
    const count = ours();
    await new Promise(resolve => setTimeout(resolve, 6000));
    expect(ours()).toBe(count);
  });

  it('pushes the changes of a deployment this backend did not send (another replica, a script), found by its own look', async () => {
    const elsewhere = uniqueFamily('elsewhere');
    const versionId = uniqueVersionId();
    const asked = Date.now();
    // Asked of Temporal directly (another backend replica, a script): this backend did not send it.
    await requestDeployment(
      worker.client,
      { family: elsewhere, versionId, options: { dark: false, migratory: false }, requestedBy: { who: 'user:default/script' }, source: { kind: 'manual' } },
      { taskQueue: worker.taskQueue },
    );
    const pushed = await waitFor(
      'a push on the family channel',
      () => published.find(signal => signal.channel === familySignalChannel(elsewhere) && signal.at > asked),
      { timeoutMs: 30_000 },
    );
    expect(pushed.message.family).toBe(elsewhere);
    expect([workflowIds.deployment(elsewhere, versionId), workflowIds.family(elsewhere)]).toContain(pushed.message.workflowId);
  });
});
