import { createHmac } from 'node:crypto';
import type { AuditorServiceCreateEventOptions } from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { WorkflowNotFoundError } from '@temporalio/client';
import { versionTaskQueue, workflowIds } from '@diachronic/contract';
import {
  DeploymentListResponse,
  DeploymentState,
  EntityFamiliesResponse,
  diachronicApiPaths,
} from '@diachronic/backstage-plugin-diachronic-common';
import request from 'supertest';
import { diachronicPlugin } from './plugin';
import {
  RunningWorker,
  annotatedEntity,
  pluginConfig,
  realServices,
  startDiachronicWorker,
  uniqueFamily,
  uniqueSha,
  uniqueVersionId,
  waitFor,
} from './__testUtils__/realServices';

jest.setTimeout(120_000);

const API = '/api/diachronic';
const WEBHOOK_SECRET = 'test-webhook-secret';
const USER = mockCredentials.user().principal.userEntityRef;

const family = uniqueFamily('order');
const hookFamily = uniqueFamily('hook');
const multiFamilies = [uniqueFamily('multi'), uniqueFamily('multi')];
const run = family.split('.')[0];
const orders = annotatedEntity({ name: `${run}-orders`, families: [family], repository: `acme/${run}-orders` });
const hooks = annotatedEntity({ name: `${run}-hooks`, families: [hookFamily], repository: `acme/${run}-hooks` });
const multi = annotatedEntity({ name: `${run}-multi`, families: multiFamilies, repository: `acme/${run}-multi` });
const ordersRef = { kind: 'component', namespace: 'default', name: orders.metadata.name };
const hooksRef = { kind: 'component', namespace: 'default', name: hooks.metadata.name };

/** Auditor events as the plugin creates them, each with how it ended. */
const audits: Array<{ options: AuditorServiceCreateEventOptions; ended?: { success: boolean; meta?: object; error?: Error } }> = [];
const auditor = mockServices.auditor.mock({
  createEvent: async options => {
    const entry: (typeof audits)[number] = { options };
    audits.push(entry);
    return {
      success: async ({ meta } = {}) => {
        entry.ended = { success: true, meta };
      },
      fail: async ({ meta, error }) => {
        entry.ended = { success: false, meta, error };
      },
    };
  },
});

describe('diachronic backend against real Temporal, Unleash and a Diachronic worker', () => {
  const services = realServices();
  let worker: RunningWorker;
  let server: Parameters<typeof request>[0];
  let deniedServer: Parameters<typeof request>[0];

  beforeAll(async () => {
    worker = await startDiachronicWorker(services);
    const config = mockServices.rootConfig.factory({ data: pluginConfig(services, worker.taskQueue, WEBHOOK_SECRET) });
    const catalog = catalogServiceMock.factory({ entities: [orders, hooks, multi] });
    ({ server } = await startTestBackend({
      features: [diachronicPlugin, config, catalog, mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }), auditor.factory],
    }));
    ({ server: deniedServer } = await startTestBackend({
      features: [diachronicPlugin, config, catalog, mockServices.permissions.factory({ result: AuthorizeResult.DENY })],
    }));
  });

  afterAll(async () => {
    await worker?.stop();
  });

  const deploymentPath = (versionId: string) => `${API}${diachronicApiPaths.deployment(ordersRef, family, versionId)}`;
  const control = (versionId: string, action: string, body: object = {}) =>
    request(server).post(`${deploymentPath(versionId)}/${action}`).send(body);
  const start = (body: object) =>
    request(server).post(`${API}${diachronicApiPaths.startDeployment(ordersRef)}`).send(body);
  const entityView = async () => {
    const res = await request(server).get(`${API}${diachronicApiPaths.entityFamilies(ordersRef)}`).expect(200);
    return res.body as EntityFamiliesResponse;
  };
  const waitForPhase = (versionId: string, phases: string[], path = deploymentPath(versionId)) =>
    waitFor(`${versionId} to reach ${phases.join(' or ')}`, async () => {
      const res = await request(server).get(path);
      return res.status === 200 && phases.includes(res.body.phase) ? (res.body as DeploymentState) : undefined;
    });
  const listed = (query: Parameters<typeof diachronicApiPaths.deployments>[0]) =>
    request(server)
      .get(`${API}${diachronicApiPaths.deployments(query)}`)
      .then(res => res.body as DeploymentListResponse);

  const slowSchedule = [
    { percent: 20, pauseMs: 60_000 },
    { percent: 100, pauseMs: 0 },
  ];
  const v1 = uniqueVersionId();
  const v2 = uniqueVersionId();

  it('starts a deployment by hand; the list and the entity view reflect it', async () => {
    const started = await start({ family, versionId: v1, reason: 'first release' }).expect(202);
    expect(started.body).toEqual({ outcome: 'started', workflowId: workflowIds.deployment(family, v1) });
    const done = await waitForPhase(v1, ['completed']);
    expect(done).toMatchObject({ livePercent: 100, request: { requestedBy: { who: USER, why: 'first release' } } });
    // Guarded by the configured gate (on by default).
    expect(done.request.options.gate).toEqual({ intervalMs: 5000 });

    const duplicate = await start({ family, versionId: v1 }).expect(200);
    expect(duplicate.body).toEqual({
      outcome: 'duplicate',
      workflowId: workflowIds.deployment(family, v1),
      // The family workflow may not have seen its child end yet.
      message: expect.stringMatching(/ (was already deployed \(completed\); to deploy it again, request a rollback \(rollback: true\)|is being deployed now)$/),
    });

    const list = await waitFor('the list to show the completed deployment', async () => {
      const body = await listed({ q: family });
      return body.items[0]?.latest?.phase === 'completed' ? body : undefined;
    });
    expect(list).toMatchObject({ totalCount: 1, offset: 0 });
    expect(list.items).toEqual([
      {
        family,
        entityRef: `component:default/${orders.metadata.name}`,
        owner: 'group:default/team-orders',
        queueLength: 0,
        latest: expect.objectContaining({ versionId: v1, phase: 'completed', livePercent: 100, status: 'completed' }),
      },
    ]);
    expect((await listed({ q: family, owner: 'team-orders' })).totalCount).toBe(1);
    expect((await listed({ q: family, owner: 'group:default/someone-else' })).totalCount).toBe(0);
    expect((await listed({ q: family, phase: 'dark' })).totalCount).toBe(0);
    // The text also finds a family by the first characters of its latest version id (upper case too).
    const byVersion = await listed({ q: v1.slice(0, 9).toUpperCase(), phase: 'completed' });
    expect(byVersion.items.map(item => item.family)).toContain(family);
    expect((await listed({ q: v1.slice(2, 11) })).items.map(item => item.family)).not.toContain(family);
  });

  it('shows a dark deployment with both versions, and refuses controls the phase does not allow with 409', async () => {
    await start({ family, versionId: v2, dark: true, schedule: slowSchedule, gate: { minSamples: 3, onFailure: 'pause' } }).expect(202);
    const dark = await waitForPhase(v2, ['dark']);
    // The request's gate changes the configured one field by field; the state shows the policy in force.
    expect(dark.request.options.gate).toEqual({ intervalMs: 5000, minSamples: 3, onFailure: 'pause' });
    expect(dark.gate).toEqual({
      policy: { maxFailedPercent: 5, minSamples: 3, maxWorkflowTaskFailures: 0, intervalMs: 5000, onFailure: 'pause' },
      evaluations: [],
    });

    const view = await entityView();
    expect(view.entityRef).toBe(`component:default/${orders.metadata.name}`);
    const [familyView] = view.families;
    expect(familyView.problems).toBeUndefined();
    expect(familyView.deployment).toMatchObject({ phase: 'dark', livePercent: 0, previous: { versionId: v1 } });
    expect(familyView.versions).toEqual([
      expect.objectContaining({ versionId: v2, seq: 1, status: 'dark', livePercent: 0, darkEnabled: true }),
      expect.objectContaining({ versionId: v1, seq: 0, status: 'live', livePercent: 100 }),
    ]);
    expect(familyView.queue).toEqual([]);
    expect(familyView.temporalUiUrl).toBe('http://temporal-ui.test/namespaces/default');

    // v1 is the old version: its drain is counted on its queue (8 started there, 6 of them ended).
    expect(familyView.versions[0].drain).toBeUndefined();
    const v1Queue = versionTaskQueue(family, v1);
    const probes = await Promise.all(
      Array.from({ length: 8 }, (_, i) => worker.client.workflow.start('drainProbe', { taskQueue: v1Queue, workflowId: `${family}/drain-${i}` })),
    );
    await Promise.all(probes.slice(0, 6).map(handle => handle.terminate('left')));
    const drain = await waitFor('the drain counts', async () => {
      const counted = (await entityView()).families[0].versions.find(version => version.versionId === v1)?.drain;
      return counted?.running === 2 && counted.left === 6 ? counted : undefined;
    });
    expect(drain).toMatchObject({ arrived: 8, leavingPerMinute: -0.2, unknown: 'not draining: 8 arrived and 6 left in the last 10 min' });
    expect(drain.emptyAt).toBeUndefined();
    await Promise.all(probes.slice(6).map(handle => handle.terminate('left')));

    const history = await waitFor('the history to list both deployments', async () => {
      const entries = (await entityView()).families[0].history;
      return entries.length === 2 ? entries : undefined;
    });
    expect(history).toEqual([
      expect.objectContaining({ versionId: v2, status: 'running', phase: 'dark' }),
      expect.objectContaining({ versionId: v1, status: 'completed', phase: 'completed' }),
    ]);
    await waitFor('the list to show the dark phase', async () => (await listed({ q: family, phase: ['dark', 'rolling_out'] })).totalCount === 1);
    const families = async (query: Parameters<typeof listed>[0]) => (await listed(query)).items.map(item => item.family);
    expect(await families({ phase: 'dark', owner: 'team-orders' })).toContain(family);
    expect(await families({ phase: 'completed', q: family })).toEqual([]);
    // Only the latest deployment's version finds the family.
    expect(await families({ q: v2.slice(0, 12) })).toEqual([family]);
    expect(await families({ q: v1.slice(0, 12) })).toEqual([]);

    const refused = await control(v2, 'pause').expect(409);
    expect(refused.body.error).toMatchObject({
      name: 'ConflictError',
      message: 'pause refused: not possible while the deployment is dark; possible when rolling_out or migrating',
    });
    expect((await control(v2, 'override', { percent: 30, reason: 'try' }).expect(409)).body.error.message).toMatch(
      /^override refused: not possible while the deployment is dark/,
    );
  });

  it('promotes, pauses, resumes and overrides, recording who and why', async () => {
    const promoted = await control(v2, 'promote', { reason: 'acceptance passed' }).expect(200);
    expect((promoted.body as DeploymentState).events).toContainEqual(
      expect.objectContaining({ action: 'promote', who: USER, why: 'acceptance passed' }),
    );
    await waitFor('the first step', async () => {
      const res = await request(server).get(deploymentPath(v2));
      return res.body.phase === 'rolling_out' && res.body.step?.percent === 20;
    });

    const paused = await control(v2, 'pause', { reason: 'checking errors' }).expect(200);
    expect(paused.body.step).toMatchObject({ paused: true, percent: 20 });
    // The Deployments page says it is paused (visibility's phase alone says rolling out), and promises no ETA.
    const pausedRow = (await listed({ q: family })).items[0];
    expect(pausedRow.latest).toMatchObject({ versionId: v2, phase: 'rolling_out' });
    expect(pausedRow.running).toEqual({ requestedBy: USER, holds: ['paused'], step: { index: 1, count: expect.any(Number) } });
    expect((await control(v2, 'pause').expect(409)).body.error.message).toBe('pause refused: the rollout is already paused');
    await control(v2, 'resume').expect(200);

    // An override to 100% fast-forwards: the deployment completes, saying who did it and why.
    const overridden = await control(v2, 'override', { percent: 100, reason: 'ship it' }).expect(200);
    expect(overridden.body).toMatchObject({ livePercent: 100 });
    const done = await waitForPhase(v2, ['completed', 'overridden']);
    expect(done).toMatchObject({ phase: 'completed', reason: `fast-forwarded to 100% by ${USER}: ship it` });
    expect(done.events.map(event => event.action)).toEqual(expect.arrayContaining(['pause', 'resume', 'override']));

    const ended = await control(v2, 'promote').expect(409);
    expect(ended.body.error.message).toBe(`promote refused: the deployment of ${family} ${v2} has ended (completed)`);
    const history = await waitFor('the history to show the fast-forwarded deployment', async () => {
      const [entry] = (await entityView()).families[0].history;
      return entry?.phase === 'completed' ? entry : undefined;
    });
    expect(history).toMatchObject({ versionId: v2, status: 'completed', reason: done.reason });
  });

  it('queues a deployment behind a running one, answers duplicates, and aborts with a reason', async () => {
    const v3 = uniqueVersionId();
    const v4 = uniqueVersionId();
    await start({ family, versionId: v3, dark: true }).expect(202);
    await waitForPhase(v3, ['dark']);
    await start({ family, versionId: v4, schedule: [{ percent: 100, pauseMs: 0 }] }).expect(202, {
      outcome: 'queued',
      workflowId: workflowIds.deployment(family, v4),
      position: 1,
    });
    expect((await start({ family, versionId: v3 }).expect(200)).body).toMatchObject({ outcome: 'duplicate' });
    expect((await entityView()).families[0].queue).toEqual([
      expect.objectContaining({ versionId: v4, requestedBy: { who: USER } }),
    ]);

    // A queued request can be read, and only cancelled; v5, cancelled, never starts.
    const v5 = uniqueVersionId();
    await start({ family, versionId: v5, reason: 'try the hotfix' }).expect(202);
    const queued = (await request(server).get(deploymentPath(v5)).expect(200)).body as DeploymentState;
    expect(queued).toMatchObject({ phase: 'queued', reason: `queued at position 2 behind ${v3}`, livePercent: 0 });
    expect(queued.events).toEqual([expect.objectContaining({ action: 'request', who: USER, why: 'try the hotfix' })]);
    expect((await control(v5, 'promote').expect(409)).body.error.message).toBe(
      `promote refused: ${family} ${v5} is queued at position 2; a queued deployment can only be cancelled`,
    );
    expect((await control(v5, 'cancel').expect(400)).body.error.message).toBe('body.reason: is required');
    expect((await control(v3, 'cancel', { reason: 'x' }).expect(409)).body.error.message).toBe(
      `cancel refused: ${family} ${v3} it is running; abort it instead`,
    );
    const cancelled = (await control(v5, 'cancel', { reason: 'superseded by v4' }).expect(200)).body as DeploymentState;
    expect(cancelled).toMatchObject({ phase: 'cancelled', reason: `cancelled by ${USER}: superseded by v4` });
    expect(cancelled.events.map(event => event.action)).toEqual(['request', 'cancel']);
    await request(server).get(deploymentPath(v5)).expect(404);
    expect((await control(v5, 'cancel', { reason: 'again' }).expect(409)).body.error.message).toBe(
      `cancel refused: ${family} ${v5} it is not queued`,
    );
    const view = (await entityView()).families[0];
    expect(view.queue.map(entry => entry.versionId)).toEqual([v4]);
    expect(view.cancelled).toEqual([expect.objectContaining({ versionId: v5, cancelledBy: { who: USER, why: 'superseded by v4' } })]);
    // The history shows the request that never ran, with why.
    expect(view.history).toContainEqual(
      expect.objectContaining({ versionId: v5, runId: '', phase: 'cancelled', reason: `cancelled by ${USER}: superseded by v4` }),
    );

    const auditedBefore = audits.length;
    const missingReason = await control(v3, 'abort').expect(400);
    expect(missingReason.body.error).toMatchObject({ name: 'InputError', message: 'body.reason: is required' });
    await control(v3, 'abort', { reason: 'error rate up' }).expect(200);
    // One auditor event per abort, the refused one too: who (the request's credentials), what and why, how it ended.
    const aborts = audits.slice(auditedBefore);
    expect(aborts.map(({ options: { eventId, severityLevel, meta }, ended }) => ({ eventId, severityLevel, meta, success: ended?.success }))).toEqual([
      { eventId: 'deployment-control', severityLevel: 'high', meta: expect.objectContaining({ action: 'abort', family, versionId: v3 }), success: false },
      {
        eventId: 'deployment-control',
        severityLevel: 'high',
        meta: expect.objectContaining({ action: 'abort', family, versionId: v3, reason: 'error rate up' }),
        success: true,
      },
    ]);
    expect(aborts[0].ended?.error?.message).toBe('body.reason: is required');
    // The auditor takes who asked from the request's credentials.
    expect(aborts[1].options.request?.originalUrl).toBe(`${deploymentPath(v3)}/abort`);
    const aborted = await waitForPhase(v3, ['aborted']);
    expect(aborted.reason).toBe(`aborted by ${USER}: error rate up`);

    // The queued version runs next, from v2 (an aborted version is never the previous one).
    const next = await waitForPhase(v4, ['completed']);
    expect(next.previous?.versionId).toBe(v2);
    // The Deployments page keeps the aborted one in sight under the latest, with why it ended.
    const row = await waitFor('the list to show v4 completed', async () => {
      const item = (await listed({ q: family })).items[0];
      return item?.latest?.versionId === v4 && item.latest.phase === 'completed' ? item : undefined;
    });
    expect(row.running).toBeUndefined();
    expect(row.recentEnded?.[0]).toMatchObject({ versionId: v3, phase: 'aborted', reason: `aborted by ${USER}: error rate up` });
    expect(row.recentEnded!.length).toBeLessThanOrEqual(3);
    const versions = (await entityView()).families[0].versions;
    expect(versions.find(version => version.versionId === v3)?.status).toMatch(/^(aborted|archived)$/);
  });

  it('answers 403 naming the action and the entity when the policy denies, and lists nothing', async () => {
    const read = await request(deniedServer).get(`${API}${diachronicApiPaths.entityFamilies(ordersRef)}`).expect(403);
    expect(read.body.error).toMatchObject({
      name: 'NotAllowedError',
      message: `not allowed to read deployments of component:default/${orders.metadata.name} (permission diachronic.deployment.read)`,
    });
    const promote = await request(deniedServer).post(`${deploymentPath(v2)}/promote`).send({}).expect(403);
    expect(promote.body.error.message).toMatch(/^not allowed to promote deployments of component:default\//);
    await request(deniedServer)
      .post(`${API}${diachronicApiPaths.startDeployment(ordersRef)}`)
      .send({ family, versionId: uniqueVersionId() })
      .expect(403);
    const list = await request(deniedServer).get(`${API}${diachronicApiPaths.deployments({ q: family })}`).expect(200);
    expect(list.body).toMatchObject({ items: [], totalCount: 0 });
  });

  it('answers 404 for an unknown entity, a family the entity does not own, an unknown deployment or action', async () => {
    const unknown = { kind: 'component', namespace: 'default', name: `${run}-nobody` };
    const res = await request(server).get(`${API}${diachronicApiPaths.entityFamilies(unknown)}`).expect(404);
    expect(res.body.error.message).toBe(`no catalog entity component:default/${run}-nobody`);
    const foreign = await request(server)
      .post(`${API}${diachronicApiPaths.startDeployment(ordersRef)}`)
      .send({ family: hookFamily, versionId: uniqueVersionId() })
      .expect(404);
    expect(foreign.body.error.message).toBe(
      `component:default/${orders.metadata.name} does not own the family ${hookFamily} (annotation diachronic.dev/workflows: ${family})`,
    );
    const missing = uniqueVersionId();
    expect((await request(server).get(deploymentPath(missing)).expect(404)).body.error.message).toBe(
      `no deployment of ${family} ${missing}`,
    );
    await control(missing, 'promote').expect(404);
    await control(v2, 'rollback').expect(404);
  });

  it('answers 400 naming the field of a malformed body or query', async () => {
    const field = async (req: request.Test) => (await req.expect(400)).body.error.message as string;
    expect(await field(control(v2, 'override', { percent: 101, reason: 'x' }))).toBe(
      'body.percent: must be at most 100',
    );
    expect(await field(control(v2, 'override', { percent: 50 }))).toBe('body.reason: is required');
    expect(await field(start({ family, versionId: 'NOT-A-SHA' }))).toBe(
      'body.versionId: must be a git sha: 7–40 lowercase hex digits',
    );
    expect(await field(start({ family, versionId: uniqueVersionId(), dark: 'yes' }))).toBe(
      'body.dark: Invalid input: expected boolean, received string',
    );
    expect(await field(start({ family, versionId: uniqueVersionId(), schedule: [{ percent: 0, pauseMs: 1 }] }))).toBe(
      'body.schedule.0.percent: must be at least 1',
    );
    expect(await field(start({ family, versionId: uniqueVersionId(), gate: { minSamples: 0 } }))).toBe(
      'body.gate.minSamples: must be at least 1',
    );
    expect(await field(start({ family, versionId: uniqueVersionId(), gate: { webhook: { url: 'file:///etc/passwd' } } }))).toBe(
      'body.gate.webhook.url: must be an http(s) URL',
    );
    expect(await field(start({ family, versionId: uniqueVersionId(), colour: 'blue' }))).toBe(
      'body: Unrecognized key: "colour"',
    );
    expect(await field(request(server).get(`${API}/deployments?limit=0`))).toBe(
      'query.limit: must be from 1 to 1000',
    );
    expect(await field(request(server).get(`${API}/deployments?phase=dark,sleeping`))).toMatch(/^query\.phase\.1: Invalid option: expected one of "preparing"\|"dark"\|/);
    expect(await field(request(server).get(`${API}/deployments?cursor=nonsense`))).toBe(
      'cursor "nonsense" is not a cursor this API returned',
    );
    expect(await field(request(server).get(`${deploymentPath('XYZ')}`))).toBe(
      'path.versionId: must be a git sha: 7–40 lowercase hex digits',
    );
  });

  it('answers 400 naming the segment of an entity path the catalog would not take, on every entity route', async () => {
    const message = async (req: request.Test) => (await req.expect(400)).body.error.message as string;
    const families = (namespace: string, kind: string, name: string) =>
      request(server).get(`${API}/entity/${namespace}/${kind}/${name}/families`);
    expect(await message(families('default', 'a%2Fb', 'x'))).toBe('path.kind: must be a catalog kind: letters and digits, at most 63');
    expect(await message(families('%2F', 'component', 'x'))).toMatch(/^path\.namespace: must be a catalog namespace/);
    expect(await message(families('default', 'component', 'a%3Ab'))).toMatch(/^path\.name: must be a catalog entity name/);
    expect(await message(families('default', 'component', 'x'.repeat(64)))).toMatch(/^path\.name: /);
    const controlPath = `${API}/entity/a%3Ab/component/x/families/${family}/deployments/${uniqueVersionId()}/promote`;
    expect(await message(request(server).post(controlPath).send({}))).toMatch(/^path\.namespace: /);
    const startPath = `${API}/entity/default/a%2Fb/x/deployments`;
    expect(await message(request(server).post(startPath).send({ family, versionId: uniqueVersionId() }))).toMatch(/^path\.kind: /);
  });

  it('pages through the list with a cursor', async () => {
    const sorted = [family, hookFamily, ...multiFamilies].sort();
    const first = await listed({ q: run, limit: 2 });
    expect(first).toMatchObject({ totalCount: 4, offset: 0, limit: 2 });
    expect(first.items.map(item => item.family)).toEqual(sorted.slice(0, 2));
    const second = await listed({ q: run, limit: 2, cursor: first.nextCursor });
    expect(second).toMatchObject({ totalCount: 4, offset: 2 });
    expect(second.nextCursor).toBeUndefined();
    expect(second.items.map(item => item.family)).toEqual(sorted.slice(2));
  });

  it('answers 503 when the worker does not answer a query', async () => {
    const versionId = uniqueVersionId();
    // A deployment workflow on a queue nobody polls: the server refuses the query at once.
    await worker.client.workflow.start('diachronicDeployment', {
      taskQueue: `${worker.taskQueue}-unpolled`,
      workflowId: workflowIds.deployment(family, versionId),
      workflowExecutionTimeout: '10 minutes',
    });
    try {
      const res = await request(server).get(deploymentPath(versionId));
      // The body too, so that another error says what it was.
      expect({ status: res.status, name: res.body.error?.name, message: res.body.error?.message }).toEqual({ status: 503, name: 'ServiceUnavailableError', message: expect.any(String) });
      expect(res.body.error.message).toMatch(
        new RegExp(`^state of the deployment of ${family.replace('.', '\\.')} ${versionId}: the Diachronic worker on task queue ${worker.taskQueue} did not answer`),
      );
    } finally {
      await worker.client.workflow.getHandle(workflowIds.deployment(family, versionId)).terminate('test over');
    }
  });

  it("freezes and unfreezes an entity's families, and every family, on the permissions each needs", async () => {
    const multiRef = { kind: 'component', namespace: 'default', name: multi.metadata.name };
    const freezePath = `${API}${diachronicApiPaths.entityFreeze(multiRef)}`;
    const denied = await request(deniedServer).post(freezePath).send({ reason: 'incident 7' }).expect(403);
    expect(denied.body.error.message).toBe(`not allowed to freeze or unfreeze the families of component:default/${multi.metadata.name} (permission diachronic.freeze)`);
    expect((await request(server).post(freezePath).send({ reason: 'x', until: 'tomorrow' }).expect(400)).body.error.message).toBe(
      'body.until: must be an ISO time, e.g. 2026-12-24T18:00:00Z',
    );
    expect((await request(server).post(freezePath).send({ family: 'other', reason: 'x' }).expect(404)).body.error.message).toMatch(/does not own the family other/);

    const frozen = await request(server).post(freezePath).send({ reason: 'incident 7' }).expect(200);
    expect(frozen.body.families.map((state: { family: string; freeze?: object }) => [state.family, state.freeze])).toEqual(
      multiFamilies.map(name => [name, expect.objectContaining({ scope: 'family', who: USER, why: 'incident 7' })]),
    );
    const view = (await request(server).get(`${API}${diachronicApiPaths.entityFamilies(multiRef)}`).expect(200)).body as EntityFamiliesResponse;
    expect(view.families.map(f => f.freeze?.why)).toEqual(['incident 7', 'incident 7']);
    const frozenRow = await waitFor('the list to show the freeze', async () => {
      const list = (await request(server).get(`${API}${diachronicApiPaths.deployments({ q: multiFamilies[0] })}`).expect(200)).body as DeploymentListResponse;
      return list.items[0]?.freeze ? list.items[0] : undefined;
    });
    expect(frozenRow.freeze).toMatchObject({ scope: 'family', why: 'incident 7' });

    const thawed = await request(server).delete(freezePath).send({ family: multiFamilies[1], reason: 'only this one' }).expect(200);
    expect(thawed.body.families).toEqual([expect.not.objectContaining({ freeze: expect.anything() })]);
    await request(server).delete(freezePath).expect(200);

    // Every family: its own permission (not tied to an entity).
    await request(deniedServer).post(`${API}/freeze`).send({ reason: 'year end' }).expect(403);
    const all = await request(server).post(`${API}/freeze`).send({ reason: 'year end', until: new Date(Date.now() + 3_600_000).toISOString() }).expect(200);
    expect(all.body.freeze).toMatchObject({ scope: 'global', who: USER, why: 'year end' });
    expect((await request(server).get(`${API}/freeze`).expect(200)).body.freeze).toMatchObject({ why: 'year end' });
    expect((await request(server).delete(`${API}/freeze`).send({}).expect(200)).body).toEqual({});
  });

  it("changes the guards' fields for one request, as a manual start's body gives them", async () => {
    const multiRef = { kind: 'component', namespace: 'default', name: multi.metadata.name };
    const versionId = uniqueVersionId();
    await request(server)
      .post(`${API}${diachronicApiPaths.startDeployment(multiRef)}`)
      .send({ family: multiFamilies[0], versionId, dark: true, waves: { bakeMs: 5000 }, upgradeDryRun: { enabled: false } })
      .expect(202);
    const path = `${API}${diachronicApiPaths.deployment(multiRef, multiFamilies[0], versionId)}`;
    // Dark, or completed at once when it is the family's first version.
    const started = await waitForPhase(versionId, ['dark', 'completed'], path);
    expect(started.request.options).toMatchObject({ waves: { bakeMs: 5000 }, upgradeDryRun: { enabled: false }, gate: { intervalMs: 5000 } });
    const refused = await request(server)
      .post(`${API}${diachronicApiPaths.startDeployment(multiRef)}`)
      .send({ family: multiFamilies[0], versionId: uniqueVersionId(), waves: { percents: [50, 10] } })
      .expect(400);
    expect(refused.body.error.message).toBe("body.waves.percents.1: 10 does not rise above the previous wave's 50");
    if (started.phase === 'dark') await request(server).post(`${path}/abort`).send({ reason: 'test over' }).expect(200);
  });

  it('names a deployment workflow stuck failing its workflow tasks, with the error, in the API and the entity view', async () => {
    const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    // A workflow type the Diachronic worker does not have, on its queue: every workflow task fails.
    const stuckOn = (workflowId: string) =>
      worker.client.workflow.start('diachronicNoSuchWorkflow', {
        taskQueue: worker.taskQueue,
        workflowId,
        workflowExecutionTimeout: '10 minutes',
      });
    const stuckMessage = (workflowId: string) =>
      new RegExp(`diachronicNoSuchWorkflow ${escaped(workflowId)} has failed its workflow task since \\S+ \\(attempt \\d+\\): .*diachronicNoSuchWorkflow`);

    // The deployment's own workflow: it cannot answer, and the 503 says why.
    const brokenVersion = uniqueVersionId();
    const brokenId = workflowIds.deployment(family, brokenVersion);
    const broken = await stuckOn(brokenId);
    // A running deployment whose (unused, as the family is not migratory) migration id is stuck.
    const versionId = uniqueVersionId();
    const stuckMigrationId = workflowIds.migration(family, versionId);
    const stuckMigration = await stuckOn(stuckMigrationId);
    try {
      const refused = await waitFor('the broken deployment to be reported stuck', async () => {
        const res = await request(server).get(deploymentPath(brokenVersion));
        return res.status === 503 && /failed its workflow task/.test(res.body.error?.message) ? res : undefined;
      });
      expect(refused.body.error.message).toMatch(new RegExp(`^the deployment of ${escaped(family)} ${brokenVersion} cannot answer: `));
      expect(refused.body.error.message).toMatch(stuckMessage(brokenId));

      await start({ family, versionId, dark: true }).expect(202);
      const deployment = await waitFor('the dark deployment to show its stuck migration', async () => {
        const state = await waitForPhase(versionId, ['dark']);
        return state.stuck ? state : undefined;
      });
      expect(deployment.stuck).toEqual([
        {
          workflowId: stuckMigrationId,
          workflowType: 'diachronicNoSuchWorkflow',
          failingSince: expect.any(String),
          attempts: expect.any(Number),
          lastFailure: expect.stringContaining('diachronicNoSuchWorkflow'),
        },
      ]);
      expect(deployment.stuck![0].attempts).toBeGreaterThanOrEqual(2);
      const [view] = (await entityView()).families;
      expect(view.deployment?.stuck?.map(stuck => stuck.workflowId)).toEqual([stuckMigrationId]);
      expect(view.problems).toEqual([expect.stringMatching(stuckMessage(stuckMigrationId))]);
      await control(versionId, 'abort', { reason: 'test over' }).expect(200);
    } finally {
      await broken.terminate('test over').catch(() => undefined);
      await stuckMigration.terminate('test over').catch(() => undefined);
    }
  });

  describe('GitHub webhook', () => {
    const sign = (body: string, secret = WEBHOOK_SECRET) =>
      `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
    const deliver = (event: string, payload: object, { signature, deliveryId = `d-${uniqueVersionId()}` }: { signature?: string | null; deliveryId?: string } = {}) => {
      const body = JSON.stringify(payload);
      const req = request(server)
        .post(`${API}${diachronicApiPaths.githubWebhook()}`)
        // No Backstage credentials: GitHub has none; the route allows unauthenticated requests.
        .set('Authorization', mockCredentials.none.header())
        .set('Content-Type', 'application/json')
        .set('X-GitHub-Event', event)
        .set('X-GitHub-Delivery', deliveryId);
      if (signature !== null) req.set('X-Hub-Signature-256', signature ?? sign(body));
      return req.send(body);
    };
    const deploymentStatus = (repository: string, sha: string, extra: { state?: string; payload?: unknown } = {}) => ({
      action: 'created',
      deployment_status: { state: extra.state ?? 'success' },
      deployment: { id: 1, sha, environment: 'production', payload: extra.payload ?? {} },
      repository: { full_name: repository },
      sender: { login: 'octocat' },
    });
    const familyWorkflowExists = (name: string) =>
      worker.client.workflow
        .getHandle(workflowIds.family(name))
        .describe()
        .then(
          () => true,
          error => {
            if (error instanceof WorkflowNotFoundError) return false;
            throw error;
          },
        );

    it('refuses a missing or wrong signature with 401 and starts nothing', async () => {
      const payload = deploymentStatus(hooks.metadata.annotations!['github.com/project-slug'], uniqueSha());
      const missing = await deliver('deployment_status', payload, { signature: null }).expect(401);
      expect(missing.body.error.message).toBe('X-Hub-Signature-256 header is missing');
      const wrong = await deliver('deployment_status', payload, {
        signature: sign(JSON.stringify(payload), 'not-the-secret'),
      }).expect(401);
      expect(wrong.body.error.message).toBe('X-Hub-Signature-256 does not match the payload');
      await deliver('deployment_status', payload, { signature: 'sha256=short' }).expect(401);
      expect(await familyWorkflowExists(hookFamily)).toBe(false);
    });

    it('answers ping, and ignores other events and states with a reason', async () => {
      await deliver('ping', { zen: 'Keep it logically awesome.' }).expect(200, { outcome: 'pong' });
      expect((await deliver('push', { ref: 'refs/heads/main' }).expect(202)).body).toEqual({
        outcome: 'ignored',
        reason: 'event "push" is not handled; only deployment_status is',
      });
      const pending = deploymentStatus(`acme/${run}-hooks`, uniqueSha(), { state: 'pending' });
      expect((await deliver('deployment_status', pending).expect(202)).body).toEqual({
        outcome: 'ignored',
        reason: 'deployment_status.state is "pending"; only success starts a deployment',
      });
      expect(await familyWorkflowExists(hookFamily)).toBe(false);
    });

    it('answers 400 naming the field of an oversized repository name, and takes bodies up to GitHub’s 25 MB', async () => {
      const huge = deploymentStatus(`acme/${'r'.repeat(100_000)}`, uniqueSha());
      expect((await deliver('deployment_status', huge).expect(400)).body.error.message).toBe(
        'body.repository.full_name: must be a GitHub repository name, owner/repo',
      );
      // 2 MB of payload: past express's default, well within GitHub's limit.
      const large = deploymentStatus(`acme/${run}-hooks`, uniqueSha(), { state: 'pending', payload: { notes: 'x'.repeat(2_000_000) } });
      expect((await deliver('deployment_status', large).expect(202)).body.outcome).toBe('ignored');
      const tooLarge = deploymentStatus(`acme/${run}-hooks`, uniqueSha(), { payload: { notes: 'x'.repeat(27_000_000) } });
      await deliver('deployment_status', tooLarge).expect(413);
      expect(await familyWorkflowExists(hookFamily)).toBe(false);
    });

    it('starts a deployment of the repository’s family from a signed delivery; a duplicate delivery starts nothing new', async () => {
      const sha = uniqueSha();
      const versionId = sha.slice(0, 7);
      const payload = deploymentStatus(`acme/${run}-hooks`, sha);
      const deliveryId = `d-${uniqueVersionId()}`;
      const started = await deliver('deployment_status', payload, { deliveryId }).expect(202);
      expect(started.body).toEqual({
        outcome: 'started',
        workflowId: workflowIds.deployment(hookFamily, versionId),
        family: hookFamily,
        versionId,
      });
      const path = `${API}${diachronicApiPaths.deployment(hooksRef, hookFamily, versionId)}`;
      const done = await waitForPhase(versionId, ['completed'], path);
      expect(done.request).toMatchObject({
        family: hookFamily,
        versionId,
        sha,
        environment: 'production',
        requestedBy: { who: 'github:octocat' },
        source: { kind: 'github', deliveryId },
        options: { dark: false, migratory: false },
      });

      const again = await deliver('deployment_status', payload, { deliveryId }).expect(200);
      expect(again.body).toMatchObject({ outcome: 'duplicate', family: hookFamily, versionId });
      const count = await worker.client.workflow.count(
        `WorkflowType = "diachronicDeployment" AND DiachronicFamily = "${hookFamily}"`,
      );
      expect(count.count).toBe(1);
    });

    it('needs payload.diachronic.family when the repository owns several families (422 naming them)', async () => {
      const repository = `acme/${run}-multi`;
      const unmapped = await deliver('deployment_status', deploymentStatus(repository, uniqueSha())).expect(422);
      expect(unmapped.body.error.message).toBe(
        `${repository} owns several families (${multiFamilies.join(', ')}): set deployment.payload.diachronic.family to the one to deploy`,
      );
      const foreign = deploymentStatus(repository, uniqueSha(), { payload: { diachronic: { family: hookFamily } } });
      expect((await deliver('deployment_status', foreign).expect(422)).body.error.message).toMatch(
        new RegExp(`^deployment.payload.diachronic.family ${hookFamily.replace('.', '\\.')} is not owned by`),
      );
      const unknownRepository = await deliver('deployment_status', deploymentStatus(`acme/${run}-nothing`, uniqueSha())).expect(422);
      expect(unknownRepository.body.error.message).toMatch(/^no catalog entity has the annotation github\.com\/project-slug/);
      const badPayload = deploymentStatus(repository, uniqueSha(), { payload: { diachronic: { family: multiFamilies[1], dark: 'yes' } } });
      expect((await deliver('deployment_status', badPayload).expect(400)).body.error.message).toBe(
        'deployment.payload.diachronic.dark: Invalid input: expected boolean, received string',
      );

      const sha = uniqueSha();
      const chosen = deploymentStatus(repository, sha, {
        // A string payload, as `gh api` and some CI tools send it.
        payload: JSON.stringify({ diachronic: { family: multiFamilies[1], dark: true } }),
      });
      expect((await deliver('deployment_status', chosen).expect(202)).body).toMatchObject({
        outcome: 'started',
        family: multiFamilies[1],
        versionId: sha.slice(0, 7),
      });
    });

    it('is the only route that takes requests without Backstage credentials', async () => {
      const res = await request(server)
        .get(`${API}${diachronicApiPaths.deployments()}`)
        .set('Authorization', mockCredentials.none.header())
        .expect(401);
      expect(res.body.error.name).toBe('AuthenticationError');
    });
  });
});
