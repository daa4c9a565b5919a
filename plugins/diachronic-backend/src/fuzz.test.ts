/**
 * Property-based requests against the real plugin (real Temporal, Unleash and a Diachronic worker): every
 * route gets generated paths, queries, bodies and headers. Whatever arrives, the answer is never a 5xx, a
 * 4xx is a JSON error that says what is wrong (a 400 names the field), and a rejected request starts or
 * changes nothing.
 */
import { createHmac } from 'node:crypto';
import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import fc from 'fast-check';
import request from 'supertest';
import { controlActions, workflowIds, workflowTypes } from '@diachronic/contract';
import { deploymentStateQuery } from '@diachronic/contract/temporal';
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

jest.setTimeout(600_000);

const API = '/api/diachronic';
const SECRET = 'fuzz-webhook-secret';
const USER = mockCredentials.user().principal.userEntityRef;
const RUNS = 1000;

const family = uniqueFamily('fuzz');
const run = family.split('.')[0];
const entity = annotatedEntity({ name: `${run}-fuzz`, families: [family], repository: `acme/${run}-fuzz` });

/** What a 400 says first: the field (path., query., body., a request field) or what it could not read. */
const NAMES_A_FIELD =
  /^(path|query|body)[.:]|^cursor |^(family|versionId|sha|environment|options|requestedBy|source)[.:]|^the catalog refused /;

// Strings as a client may send them: ordinary, empty, huge, unicode, with the characters that split refs.
const text = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.string({ maxLength: 80, unit: 'binary' }),
  fc.constantFrom('', ' ', '/', '%2F', ':', '..', 'default', 'component', `${run}-fuzz`, family, 'a'.repeat(300)),
  fc.stringMatching(/^[a-z0-9][a-z0-9.-]{0,70}$/),
);
/** A few versions that valid starts use, so that controls meet real deployments too. */
const pool = Array.from({ length: 6 }, () => uniqueVersionId());
const sha = fc.oneof(
  { arbitrary: fc.constantFrom(...pool), weight: 3 },
  fc.stringMatching(/^[0-9a-f]{7,12}$/),
  text,
);
const percent = fc.oneof(fc.integer({ min: -10, max: 110 }), fc.double(), fc.constant(1e16), text);
const schedule = fc.oneof(
  fc.array(fc.record({ percent, pauseMs: fc.oneof(fc.nat(10_000), fc.constant(1e16), fc.integer(), text) }, { requiredKeys: [] }), {
    maxLength: 4,
  }),
  fc.jsonValue(),
);
// Near-valid bodies reach deep into the service; arbitrary JSON checks the edges.
const controlBody = fc.oneof(
  // Valid for pause, resume, abort (a reason) and for override (a percentage too).
  { arbitrary: fc.constant({ reason: 'fuzz' }), weight: 2 },
  { arbitrary: fc.record({ percent: fc.integer({ min: 0, max: 100 }), reason: fc.constant('fuzz') }), weight: 2 },
  fc.record({ percent, reason: fc.oneof(text, fc.integer()) }, { requiredKeys: [] }),
  fc.jsonValue(),
);
const startBody = fc.oneof(
  // Valid, so that starts get through and queue up.
  fc.record(
    {
      family: fc.constant(family),
      versionId: fc.constantFrom(...pool),
      dark: fc.boolean(),
      schedule: fc.constant([{ percent: 50, pauseMs: 60_000 }]),
      reason: fc.constant('fuzz'),
    },
    { requiredKeys: ['family', 'versionId'] },
  ),
  fc.record(
    {
      family: fc.oneof(fc.constant(family), text),
      versionId: sha,
      sha: fc.oneof(fc.stringMatching(/^[0-9a-f]{40}$/), text),
      dark: fc.oneof(fc.boolean(), text),
      migratory: fc.oneof(fc.boolean(), fc.integer()),
      schedule,
      reason: fc.oneof(text, fc.constant('x'.repeat(3000))),
      colour: text,
    },
    { requiredKeys: [] },
  ),
  fc.jsonValue(),
);
// Mostly valid, so that a request gets past one segment's check to the next.
const segment = (valid: string) => fc.oneof({ arbitrary: fc.constant(valid), weight: 5 }, text);

type Generated =
  | { kind: 'families' | 'deployment'; namespace: string; entityKind: string; name: string; family: string; versionId: string }
  | { kind: 'control'; namespace: string; entityKind: string; name: string; family: string; versionId: string; action: string; body: unknown }
  | { kind: 'start'; namespace: string; entityKind: string; name: string; body: unknown }
  | { kind: 'list'; query: Record<string, string | string[]> }
  | { kind: 'webhook'; event: string; body: unknown; signed: boolean };

const entitySegments = { namespace: segment('default'), entityKind: segment('component'), name: segment(entity.metadata.name) };
const generated: fc.Arbitrary<Generated> = fc.oneof(
  fc.record({ kind: fc.constantFrom('families' as const, 'deployment' as const), ...entitySegments, family: segment(family), versionId: sha }),
  fc.record({
    kind: fc.constant('control' as const),
    ...entitySegments,
    family: segment(family),
    versionId: sha,
    action: fc.oneof({ arbitrary: fc.constantFrom(...controlActions), weight: 4 }, text),
    body: controlBody,
  }),
  fc.record({ kind: fc.constant('start' as const), ...entitySegments, body: startBody }),
  fc.record({
    kind: fc.constant('list' as const),
    query: fc.dictionary(fc.constantFrom('phase', 'owner', 'q', 'limit', 'offset', 'cursor', 'other'), fc.oneof(text, fc.array(text, { maxLength: 3 }))),
  }),
  fc.record({
    kind: fc.constant('webhook' as const),
    event: fc.constantFrom('deployment_status', 'ping', 'push', ''),
    body: fc.oneof(
      {
        weight: 3,
        arbitrary: fc.record(
        {
          deployment_status: fc.record({ state: fc.constantFrom('success', 'pending', 'failure') }, { requiredKeys: [] }),
          deployment: fc.record({ sha: fc.oneof(fc.stringMatching(/^[0-9a-f]{40}$/), text), environment: text, payload: fc.jsonValue() }, { requiredKeys: [] }),
          repository: fc.record({ full_name: fc.oneof(fc.constant(`acme/${run}-fuzz`), text) }),
          sender: fc.record({ login: text }),
        },
        { requiredKeys: [] },
      ),
      },
      fc.jsonValue(),
    ),
    signed: fc.oneof({ arbitrary: fc.constant(true), weight: 4 }, fc.constant(false)),
  }),
);

/** What is wrong with an answer: a 5xx, a 4xx that does not say why, a 400 that does not name the field. */
function problemsOf(res: { status: number; body: any }): string[] {
  const message = res.body?.error?.message;
  if (res.status >= 500) return ['a 5xx'];
  if (res.status < 400) return [];
  if (typeof message !== 'string' || message.length === 0) return ['a 4xx without a JSON error message'];
  if (res.status === 400 && !NAMES_A_FIELD.test(message)) return ['a 400 that does not name the field'];
  return [];
}

describe('generated requests against the real plugin', () => {
  const services = realServices();
  let worker: RunningWorker;
  let server: Parameters<typeof request>[0];

  beforeAll(async () => {
    worker = await startDiachronicWorker(services);
    ({ server } = await startTestBackend({
      features: [
        diachronicPlugin,
        mockServices.rootConfig.factory({ data: pluginConfig(services, worker.taskQueue, SECRET) }),
        catalogServiceMock.factory({ entities: [entity] }),
        mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
      ],
    }));
  });

  afterAll(async () => {
    await worker?.stop();
  });

  it(`answers ${RUNS} of them without a 5xx, says what is wrong in every 4xx, and changes nothing it refused`, async () => {
    /** Accepted requests: started at once, or queued (which start later, or are cancelled). */
    const started = new Set<string>();
    const queued = new Set<string>();
    const controlsAccepted = new Map<string, number>();
    const refusedStarts = new Set<string>();
    const statuses = new Map<string, number>();

    const send = (input: Generated) => {
      const enc = encodeURIComponent;
      switch (input.kind) {
        case 'families':
          return request(server).get(`${API}/entity/${enc(input.namespace)}/${enc(input.entityKind)}/${enc(input.name)}/families`);
        case 'deployment':
          return request(server).get(
            `${API}/entity/${enc(input.namespace)}/${enc(input.entityKind)}/${enc(input.name)}/families/${enc(input.family)}/deployments/${enc(input.versionId)}`,
          );
        case 'control':
          return request(server)
            .post(
              `${API}/entity/${enc(input.namespace)}/${enc(input.entityKind)}/${enc(input.name)}/families/${enc(input.family)}/deployments/${enc(input.versionId)}/${enc(input.action)}`,
            )
            .set('Content-Type', 'application/json')
            .send(JSON.stringify(input.body));
        case 'start':
          return request(server)
            .post(`${API}/entity/${enc(input.namespace)}/${enc(input.entityKind)}/${enc(input.name)}/deployments`)
            .set('Content-Type', 'application/json')
            .send(JSON.stringify(input.body));
        case 'list':
          return request(server).get(`${API}/deployments`).query(input.query);
        default: {
          const body = JSON.stringify(input.body);
          const req = request(server)
            .post(`${API}/webhooks/github`)
            .set('Authorization', mockCredentials.none.header())
            .set('Content-Type', 'application/json')
            .set('X-GitHub-Event', input.event)
            .set('X-GitHub-Delivery', `fuzz-${uniqueVersionId()}`);
          if (input.signed) req.set('X-Hub-Signature-256', `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`);
          return req.send(body);
        }
      }
    };

    await fc.assert(
      fc.asyncProperty(generated, async input => {
        const res = await send(input);
        const key = `${input.kind} ${res.status}`;
        statuses.set(key, (statuses.get(key) ?? 0) + 1);
        expect({ input, status: res.status, body: res.body, problems: problemsOf(res) }).toEqual({
          input,
          status: res.status,
          body: res.body,
          problems: [],
        });
        const body = input.kind === 'start' || input.kind === 'control' ? (input.body as Record<string, unknown> | null) : undefined;
        if (res.status === 202 && (input.kind === 'start' || input.kind === 'webhook') && res.body.versionId !== undefined) {
          (res.body.outcome === 'started' ? started : queued).add(res.body.versionId);
        } else if (res.status === 202 && input.kind === 'start' && body && typeof body === 'object') {
          (res.body.outcome === 'started' ? started : queued).add(String(body.versionId));
        }
        if (input.kind === 'start' && body && typeof body === 'object' && body.family === family && typeof body.versionId === 'string') {
          if (res.status >= 400) refusedStarts.add(body.versionId);
        }
        // A cancel takes a queued request out of the family's queue: it has no deployment to record it.
        if (input.kind === 'control' && res.status === 200 && input.family === family && input.action !== 'cancel') {
          controlsAccepted.set(input.versionId, (controlsAccepted.get(input.versionId) ?? 0) + 1);
        }
      }),
      { numRuns: RUNS },
    );

    // The requests reached every answer the API gives, not only its first validation.
    const seen = [...statuses.keys()];
    // Answers every run reaches many times over (the rarer ones, a control accepted, depend on timing).
    const answers = ['families 200', 'families 400', 'deployment 200', 'deployment 404', 'control 400', 'control 404'];
    for (const expected of [...answers, 'start 202', 'start 400', 'list 200', 'list 400', 'webhook 401', 'webhook 400']) {
      expect({ expected, seen: seen.includes(expected) }).toEqual({ expected, seen: true });
    }

    // Refused starts started nothing: the family's deployments are accepted ones, the started ones all there.
    const listed = async () => {
      const ids = new Set<string>();
      for await (const info of worker.client.workflow.list({
        query: `WorkflowType = "${workflowTypes.deployment}" AND DiachronicFamily = "${family}"`,
      })) {
        ids.add(info.workflowId);
      }
      return ids;
    };
    const deployments = await waitFor('visibility to show the accepted starts', async () => {
      const ids = await listed();
      return [...started].filter(versionId => !ids.has(workflowIds.deployment(family, versionId))).length === 0 && ids;
    });
    const accepted = new Set([...started, ...queued].map(versionId => workflowIds.deployment(family, versionId)));
    expect([...deployments].filter(id => !accepted.has(id))).toEqual([]);
    const refusedOnly = [...refusedStarts].filter(versionId => !started.has(versionId) && !queued.has(versionId));
    expect(refusedOnly.filter(versionId => deployments.has(workflowIds.deployment(family, versionId)))).toEqual([]);
    // Controls changed only what they were accepted for: each accepted one is one event by the user.
    for (const [versionId, count] of controlsAccepted) {
      const state = await worker.client.workflow.getHandle(workflowIds.deployment(family, versionId)).query(deploymentStateQuery);
      const byUser = state.events.filter(
        event => event.who === USER && (controlActions as readonly string[]).includes(event.action),
      );
      expect({ versionId, events: byUser.length }).toEqual({ versionId, events: count });
    }
  });
});
