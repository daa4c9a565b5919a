/**
 * Property-based requests against the signaler's HTTP service on the real services (Temporal, Unleash, a
 * worker on the routed queue): never a 5xx, a 4xx names what is wrong (a 400 the field), and a refused
 * request starts nothing.
 */
import type { VersionRef } from '@diachronic/contract';
import { Router } from '@diachronic/routing';
import type { Connection } from '@temporalio/client';
import { Express } from 'express';
import fc from 'fast-check';
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
  waitFor,
} from '../__testUtils__/services';
import { createSignalerApp } from './app';
import { SignalerService } from './service';

jest.setTimeout(600_000);

const RUNS = 1000;
const services = testServices();
const family = uniqueFamily('fuzz');
const prefix = `${family}/w-`;

const text = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.string({ maxLength: 60, unit: 'binary' }),
  fc.constantFrom('', ' ', 'counter', 'addAndGet', 'add', 'finish', 'DiachronicIsTest', 'x'.repeat(1200)),
);
/** Ids from a small pool, so that signals, updates and duplicate starts meet running workflows. */
const workflowId = fc.oneof(
  { arbitrary: fc.integer({ min: 0, max: 8 }).map(i => `${prefix}${i}`), weight: 4 },
  text,
  fc.integer(),
);
const args = fc.oneof({ arbitrary: fc.array(fc.jsonValue(), { maxLength: 3 }), weight: 3 }, fc.jsonValue());
const searchAttributes = fc.oneof(
  fc.dictionary(
    fc.constantFrom('CustomKeywordField', 'DiachronicIsTest', 'DiachronicRoutedVersionId', ''),
    fc.record({ type: fc.constantFrom('KEYWORD', 'INT', 'BOOL', 'DATETIME', 'NOPE'), value: fc.jsonValue() }, { requiredKeys: [] }),
    { maxKeys: 2 },
  ),
  fc.jsonValue(),
);
const newWorkflow = {
  workflowType: fc.oneof({ arbitrary: fc.constant('counter'), weight: 4 }, text),
  workflowId,
  args,
  isTest: fc.oneof(fc.boolean(), text),
  searchAttributes,
};
const body = fc.oneof(
  fc.record({ ...newWorkflow, signal: text, signalArgs: args, update: text, updateArgs: args, runId: text, kind: text }, { requiredKeys: [] }),
  // Valid shapes, so that requests get past validation into Temporal.
  { arbitrary: fc.record({ workflowType: fc.constant('counter'), workflowId, args: fc.constant([1]) }), weight: 3 },
  { arbitrary: fc.record({ workflowId, signal: fc.constantFrom('add', 'nope'), signalArgs: fc.constant([2]) }), weight: 2 },
  { arbitrary: fc.record({ workflowId, update: fc.constantFrom('addAndGet', 'addAndGet', 'nope'), updateArgs: fc.constant([3]) }), weight: 3 },
  fc.record({ items: fc.array(fc.record({ kind: fc.constantFrom('start', 'signalWithStart', 'x'), ...newWorkflow, signal: text }, { requiredKeys: [] }), { maxLength: 4 }) }, { requiredKeys: [] }),
  fc.jsonValue(),
);
const path = fc.oneof(
  { arbitrary: fc.constantFrom('start', 'signal-with-start', 'update-with-start', 'signal', 'update', 'batch').map(p => `/v1/workflows/${p}`), weight: 6 },
  text.map(t => `/v1/workflows/${encodeURIComponent(t)}`),
);
const generated = fc.record({ path, body, raw: fc.oneof({ arbitrary: fc.constant(undefined), weight: 9 }, fc.string({ maxLength: 30 })) });

/** What is wrong with an answer: a 5xx, an error that is not `{ error: { code, message } }`, a 400 without its field. */
function problemsOf(res: { status: number; body: any }): string[] {
  const error = res.body?.error;
  if (res.status >= 500) return ['a 5xx'];
  if (res.status < 400) return [];
  if (typeof error?.code !== 'string' || typeof error?.message !== 'string') return ['an error body without code and message'];
  if (error.code === 'invalid_input' && typeof error.field !== 'string') return ['a 400 that does not name the field'];
  return [];
}

describe('generated requests against the signaler on the real services', () => {
  const flags = new TestFlags(services);
  let version: VersionRef;
  let router: Router;
  let connection: Connection;
  let service: SignalerService;
  let app: Express;
  let workers: { stop(): Promise<void> } | undefined;

  beforeAll(async () => {
    [version] = await flags.createFamily(family, [{ live: 100 }]);
    router = await startTestRouter(services, r => routesLiveTo(r, version, [`${prefix}0`]));
    connection = await connectTemporal(services);
    service = new SignalerService({ connection, router, families: { counter: family }, updateTimeoutMs: 5_000 });
    app = createSignalerApp({ service });
    workers = await startFixtureWorkers(services, [version.taskQueue]);
  });

  afterAll(async () => {
    if (service) await terminateRunning(service.client, [version.taskQueue]);
    await workers?.stop();
    await connection?.close();
    router?.destroy();
    await flags.removeAll();
  });

  it(`answers ${RUNS} of them without a 5xx, names the field of every 400, and starts nothing it refused`, async () => {
    const accepted = new Set<string>();
    const statuses = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(generated, async input => {
        const res = await request(app)
          .post(input.path)
          .set('Content-Type', 'application/json')
          .send(input.raw ?? JSON.stringify(input.body));
        const endpoints = ['start', 'signal-with-start', 'update-with-start', 'signal', 'update', 'batch'];
        const kind = endpoints.find(endpoint => input.path === `/v1/workflows/${endpoint}`) ?? 'other';
        statuses.set(`${kind} ${res.status}`, (statuses.get(`${kind} ${res.status}`) ?? 0) + 1);
        expect({ input, status: res.status, body: res.body, problems: problemsOf(res) }).toEqual({
          input,
          status: res.status,
          body: res.body,
          problems: [],
        });
        const started = (result: { workflowId?: unknown; status?: number }) =>
          typeof result.workflowId === 'string' && (result.status === undefined || result.status < 300) && accepted.add(result.workflowId);
        if (res.status < 300 && typeof res.body?.workflowId === 'string') started(res.body);
        for (const item of res.body?.results ?? []) started(item);
      }),
      { numRuns: RUNS },
    );

    // The requests got into Temporal, not only past validation.
    for (const expected of ['start 201', 'start 400', 'signal 202', 'signal 404', 'update 200', 'batch 200', 'batch 400', 'other 404']) {
      expect({ expected, seen: statuses.has(expected) }).toEqual({ expected, seen: true });
    }
    // What runs on the routed queue was accepted, every one of them.
    const listed = async () => {
      const ids = new Set<string>();
      for await (const info of service.client.workflow.list({ query: taskQueueQuery([version.taskQueue]) })) ids.add(info.workflowId);
      return ids;
    };
    const running = await waitFor('visibility to show every accepted start', async () => {
      const ids = await listed();
      return [...accepted].every(id => ids.has(id)) && ids;
    });
    expect([...running].filter(id => !accepted.has(id))).toEqual([]);
  });
});
