import type { VersionRef } from '@diachronic/contract';
import { Router } from '@diachronic/routing';
import { Connection, WorkflowExecutionInfo } from '@temporalio/client';
import { defineSearchAttributeKey } from '@temporalio/common';
import { Express } from 'express';
import request from 'supertest';
import {
  connectTemporal,
  routesLiveTo,
  startFixtureWorkers,
  startTestRouter,
  taskQueueQuery,
  terminateRunning,
  TestFlags,
  testServices,
  uniqueFamily,
  waitForCount,
} from '../__testUtils__/services';
import { totalQuery } from '../__testUtils__/workflows';
import { diachronicSearchAttributes } from '../search-attributes';
import { createSignalerApp } from './app';
import { MAX_BATCH_ITEMS } from './schema';
import { BatchResult, SignalerService } from './service';

jest.setTimeout(120_000);

const services = testServices();
const family = uniqueFamily('order');
const workFamily = uniqueFamily('work');
const ghostFamily = uniqueFamily('ghost');
const families = { idle: family, counter: workFamily, ghost: ghostFamily };
const sampleIds = Array.from({ length: 200 }, (_, i) => `${family}/sample-${i}`);
const familyAttribute = defineSearchAttributeKey('DiachronicFamily', 'KEYWORD');

describe('the signaler HTTP service on the real services', () => {
  const flags = new TestFlags(services);
  let router: Router;
  let connection: Connection;
  let service: SignalerService;
  let app: Express;
  let v1: VersionRef;
  let v2: VersionRef;
  let work: VersionRef;
  let workers: { stop(): Promise<void> } | undefined;

  beforeAll(async () => {
    [v1, v2] = await flags.createFamily(family, [{ live: 100 }, { live: 30 }]);
    [work] = await flags.createFamily(workFamily, [{ live: 100 }]);
    router = await startTestRouter(services, r => routesLiveTo(r, v2, sampleIds) && routesLiveTo(r, work, sampleIds));
    connection = await connectTemporal(services);
    service = new SignalerService({ connection, router, families, updateTimeoutMs: 20_000 });
    app = createSignalerApp({ service });
    workers = await startFixtureWorkers(services, [work.taskQueue]);
  });

  afterAll(async () => {
    if (service) {
      for (const id of [`${workFamily}/c1`, `${workFamily}/c2`, `${workFamily}/c3`]) {
        await service.client.workflow.getHandle(id).signal('finish').catch(() => undefined);
      }
      await terminateRunning(service.client, [v1.taskQueue, v2.taskQueue, work.taskQueue]);
    }
    await workers?.stop();
    await connection?.close();
    router?.destroy();
    await flags.removeAll();
  });

  const post = (path: string, body: unknown) => request(app).post(path).send(body as object);
  const describeWorkflow = (workflowId: string) => service.client.workflow.getHandle(workflowId).describe();

  it('reports health: Temporal reachable, and the versions the router knows per family', async () => {
    const res = await request(app).get('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      ok: true,
      temporal: { ok: true },
      router: { synced: true, versions: { [family]: 2, [workFamily]: 1, [ghostFamily]: 0 } },
    });
  });

  const batchIds = Array.from({ length: 300 }, (_, i) => `${family}/batch-${i}`);

  it('starts a batch of 300 on the routed task queues in the live proportion', async () => {
    const items = batchIds.map((workflowId, i) => ({ kind: 'start', workflowType: 'idle', workflowId, args: [i] }));
    const res = await post('/v1/workflows/batch', { items });
    expect(res.status).toBe(200);
    const body: BatchResult = res.body;
    expect(body.failed).toBe(0);
    expect(body.succeeded).toBe(300);
    expect(body.results.map(r => [r.index, r.status])).toEqual(items.map((_, i) => [i, 201]));

    const both = taskQueueQuery([v1.taskQueue, v2.taskQueue]);
    await waitForCount(service.client, both, 300);
    const onV2 = (await service.client.workflow.count(`TaskQueue = "${v2.taskQueue}"`)).count;
    expect(onV2 / 300).toBeGreaterThanOrEqual(0.22);
    expect(onV2 / 300).toBeLessThanOrEqual(0.38);

    const executions: WorkflowExecutionInfo[] = [];
    for await (const execution of service.client.workflow.list({ query: both })) executions.push(execution);
    const mismatches = executions.filter(e => {
      const decision = router.route(family, e.workflowId, { isTest: false });
      return (
        e.taskQueue !== decision?.taskQueue ||
        e.typedSearchAttributes.get(diachronicSearchAttributes.routedVersionId) !== decision.versionId
      );
    });
    expect(mismatches.map(e => e.workflowId)).toEqual([]);
  });

  it('answers each batch item on its own', async () => {
    const res = await post('/v1/workflows/batch', {
      items: [
        { kind: 'start', workflowType: 'idle', workflowId: `${family}/mixed-ok` },
        { kind: 'start', workflowType: 'idle' },
        { kind: 'start', workflowType: 'unknownType', workflowId: `${family}/mixed-unmanaged` },
        { kind: 'start', workflowType: 'ghost', workflowId: `${ghostFamily}/mixed` },
        { kind: 'start', workflowType: 'idle', workflowId: batchIds[0] },
        { kind: 'signalWithStart', workflowType: 'idle', workflowId: `${family}/mixed-sws`, signal: 'poke' },
        { kind: 'cancel', workflowId: 'x' },
      ],
    });
    expect(res.status).toBe(200);
    expect(res.body.succeeded).toBe(2);
    expect(res.body.failed).toBe(5);
    const byIndex = (res.body as BatchResult).results;
    expect(byIndex.map(r => r.status)).toEqual([201, 400, 422, 409, 409, 200, 400]);
    expect(byIndex[1]).toMatchObject({ error: { code: 'invalid_input', field: 'workflowId' } });
    expect(byIndex[2]).toMatchObject({ workflowId: `${family}/mixed-unmanaged`, error: { field: 'workflowType' } });
    expect(byIndex[3]).toMatchObject({ error: { code: 'no_live_version' } });
    expect(byIndex[4]).toMatchObject({ workflowId: batchIds[0], error: { code: 'already_started' } });
    expect(byIndex[5]).toMatchObject({ workflowId: `${family}/mixed-sws`, runId: expect.any(String) });
    expect(byIndex[6]).toMatchObject({ error: { field: 'kind' } });
    const sws = await describeWorkflow(`${family}/mixed-sws`);
    expect(sws.taskQueue).toBe(router.route(family, `${family}/mixed-sws`, { isTest: false })?.taskQueue);
  });

  it('refuses a batch that is too large, empty or not an array, naming items', async () => {
    const item = { kind: 'start', workflowType: 'idle', workflowId: 'x' };
    for (const items of [Array(MAX_BATCH_ITEMS + 1).fill(item), [], item]) {
      const res = await post('/v1/workflows/batch', { items });
      expect(res.status).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'invalid_input', field: 'items' });
    }
  });

  it.each([
    ['a missing workflowId', { workflowType: 'idle' }, 'workflowId'],
    ['args that are not an array', { workflowType: 'idle', workflowId: 'a', args: { a: 1 } }, 'args'],
    ['an isTest that is not a boolean', { workflowType: 'idle', workflowId: 'a', isTest: 'yes' }, 'isTest'],
    ['a task queue (routing picks it)', { workflowType: 'idle', workflowId: 'a', taskQueue: 'q' }, 'taskQueue'],
    [
      'isTest as a search attribute',
      { workflowType: 'idle', workflowId: 'a', searchAttributes: { DiachronicIsTest: { type: 'BOOL', value: true } } },
      'searchAttributes.DiachronicIsTest',
    ],
    [
      'a search attribute of the wrong type',
      { workflowType: 'idle', workflowId: 'a', searchAttributes: { DiachronicFamily: { type: 'KEYWORD', value: 1 } } },
      'searchAttributes.DiachronicFamily.value',
    ],
  ])('answers 400 naming the field for %s', async (_, body, field) => {
    const res = await post('/v1/workflows/start', body);
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'invalid_input', field });
    expect(res.body.error.message).toContain(field);
  });

  it('answers 400 for a body that is not JSON, 404 for an unknown path', async () => {
    const malformed = await request(app).post('/v1/workflows/start').set('Content-Type', 'application/json').send('{"a":');
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('invalid_json');
    const unknown = await post('/v1/workflows/cancel', {});
    expect(unknown.status).toBe(404);
    expect(unknown.body.error.message).toContain('/v1/workflows/cancel');
  });

  it('answers 413 for a body over the limit', async () => {
    const small = createSignalerApp({ service, bodyLimit: '1kb' });
    const res = await request(small)
      .post('/v1/workflows/start')
      .send({ workflowType: 'idle', workflowId: 'big', args: ['x'.repeat(2000)] });
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('body_too_large');
  });

  it('answers 422 for an unmanaged workflow type and 409 when no version is live', async () => {
    const unmanaged = await post('/v1/workflows/start', { workflowType: 'other', workflowId: `${family}/other` });
    expect(unmanaged.status).toBe(422);
    expect(unmanaged.body.error).toMatchObject({ code: 'unmanaged_workflow_type', field: 'workflowType' });
    expect(unmanaged.body.error.message).toContain('"other"');

    const workflowId = `${ghostFamily}/start`;
    const noVersion = await post('/v1/workflows/start', { workflowType: 'ghost', workflowId });
    expect(noVersion.status).toBe(409);
    expect(noVersion.body.error.code).toBe('no_live_version');
    expect(noVersion.body.error.message).toContain(ghostFamily);
    expect(noVersion.body.error.message).toContain(workflowId);
  });

  it('starts test traffic on the newest version with the caller search attributes, 409 the second time', async () => {
    const workflowId = `${family}/http-test`;
    const body = {
      workflowType: 'idle',
      workflowId,
      isTest: true,
      searchAttributes: { DiachronicFamily: { type: 'KEYWORD', value: family } },
    };
    const res = await post('/v1/workflows/start', body);
    expect(res.status).toBe(201);
    expect(res.body).toEqual({ workflowId, runId: expect.any(String) });
    const description = await describeWorkflow(workflowId);
    expect(description.taskQueue).toBe(v2.taskQueue);
    expect(description.typedSearchAttributes.get(diachronicSearchAttributes.isTest)).toBe(true);
    expect(description.typedSearchAttributes.get(diachronicSearchAttributes.routedVersionId)).toBe(v2.versionId);
    expect(description.typedSearchAttributes.get(familyAttribute)).toBe(family);

    const again = await post('/v1/workflows/start', body);
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'already_started', field: 'workflowId' });
  });

  it('passes on what Temporal refuses, such as an unregistered search attribute, as 400', async () => {
    const res = await post('/v1/workflows/start', {
      workflowType: 'idle',
      workflowId: `${family}/bad-attribute`,
      searchAttributes: { NoSuchAttributeAnywhere: { type: 'KEYWORD', value: 'x' } },
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('rejected_by_temporal');
    expect(res.body.error.message).toContain('NoSuchAttributeAnywhere');
  });

  it('signals and updates a running workflow, and answers update failures and missing workflows', async () => {
    const workflowId = `${workFamily}/c1`;
    expect((await post('/v1/workflows/start', { workflowType: 'counter', workflowId, args: [1] })).status).toBe(201);
    expect((await describeWorkflow(workflowId)).taskQueue).toBe(work.taskQueue);

    const signaled = await post('/v1/workflows/signal', { workflowId, signal: 'add', signalArgs: [2] });
    expect(signaled.status).toBe(202);
    const updated = await post('/v1/workflows/update', { workflowId, update: 'addAndGet', updateArgs: [3] });
    expect(updated.status).toBe(200);
    expect(updated.body).toEqual({ workflowId, result: 6 });

    const refused = await post('/v1/workflows/update', { workflowId, update: 'addAndGet', updateArgs: [0.5] });
    expect(refused.status).toBe(422);
    expect(refused.body.error).toMatchObject({ code: 'update_failed' });
    expect(refused.body.error.message).toContain('amount must be an integer, got 0.5');
    expect(await service.client.workflow.getHandle(workflowId).query(totalQuery)).toBe(6);

    const missing = `${workFamily}/missing`;
    for (const [path, body] of [
      ['/v1/workflows/signal', { workflowId: missing, signal: 'add', signalArgs: [1] }],
      ['/v1/workflows/update', { workflowId: missing, update: 'addAndGet', updateArgs: [1] }],
    ] as const) {
      const res = await post(path, body);
      expect(res.status).toBe(404);
      expect(res.body.error).toMatchObject({ code: 'workflow_not_found', field: 'workflowId' });
    }
  });

  it('signal-with-starts and update-with-starts on the routed queue, reusing a running workflow', async () => {
    const c2 = `${workFamily}/c2`;
    const sws = await post('/v1/workflows/signal-with-start', {
      workflowType: 'counter',
      workflowId: c2,
      args: [10],
      signal: 'add',
      signalArgs: [5],
    });
    expect(sws.status).toBe(200);
    expect(sws.body).toEqual({ workflowId: c2, runId: expect.any(String) });
    expect((await describeWorkflow(c2)).taskQueue).toBe(work.taskQueue);

    const c3 = `${workFamily}/c3`;
    const first = await post('/v1/workflows/update-with-start', {
      workflowType: 'counter',
      workflowId: c3,
      args: [100],
      update: 'addAndGet',
      updateArgs: [1],
    });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ workflowId: c3, runId: expect.any(String), result: 101 });
    const second = await post('/v1/workflows/update-with-start', {
      workflowType: 'counter',
      workflowId: c3,
      args: [100],
      update: 'addAndGet',
      updateArgs: [1],
    });
    expect(second.body).toEqual({ workflowId: c3, runId: first.body.runId, result: 102 });
    const description = await describeWorkflow(c3);
    expect(description.taskQueue).toBe(work.taskQueue);
    expect(description.typedSearchAttributes.get(diachronicSearchAttributes.routedVersionId)).toBe(work.versionId);
    expect(await service.client.workflow.getHandle(c2).query(totalQuery)).toBe(15);
  });

  it('answers 504 when no worker answers an update in time', async () => {
    const impatient = createSignalerApp({
      service: new SignalerService({ connection, router, families, updateTimeoutMs: 1000 }),
    });
    const res = await request(impatient)
      .post('/v1/workflows/update')
      .send({ workflowId: batchIds[1], update: 'addAndGet', updateArgs: [1] });
    expect(res.status).toBe(504);
    expect(res.body.error.code).toBe('update_timeout');
  });
});
