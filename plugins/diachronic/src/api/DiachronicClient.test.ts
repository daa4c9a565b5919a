import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { registerMswTestHooks, mockApis } from '@backstage/test-utils';
import { ResponseError } from '@backstage/errors';
import { DiachronicClient } from './DiachronicClient';

const baseUrl = 'http://backstage.test/api/diachronic';
const server = setupServer();
registerMswTestHooks(server);

const entity = { kind: 'Component', namespace: 'team a', name: 'orders/api' };
const entityPath = '/entity/team%20a/Component/orders%2Fapi';

interface Seen {
  method: string;
  path: string;
  body?: unknown;
}

function record(answer: unknown = { ok: true }, status = 200) {
  const seen: Seen[] = [];
  server.use(
    http.all(`${baseUrl}/*`, async ({ request }) => {
      const url = new URL(request.url);
      const text = await request.text();
      seen.push({
        method: request.method,
        // The raw path, not a decoded one: encoded segments must reach the server encoded.
        path: request.url.slice(baseUrl.length).replace(/\?.*$/, '') + url.search,
        body: text ? JSON.parse(text) : undefined,
      });
      return HttpResponse.json(answer as object, { status });
    }),
  );
  return seen;
}

function client() {
  return new DiachronicClient({
    discoveryApi: mockApis.discovery({ baseUrl: 'http://backstage.test' }),
    fetchApi: { fetch: (input, init) => fetch(input, init) },
  });
}

describe('DiachronicClient', () => {
  it('lists deployments with filters and pagination', async () => {
    const seen = record({ items: [], totalCount: 0, offset: 0, limit: 20 });
    await expect(
      client().listDeployments({
        phase: ['dark', 'rolling_out'],
        owner: 'group:default/payments',
        q: 'ord er',
        limit: 20,
        cursor: 'c1',
      }),
    ).resolves.toEqual({ items: [], totalCount: 0, offset: 0, limit: 20 });
    expect(seen).toEqual([
      {
        method: 'GET',
        path: '/deployments?phase=dark%2Crolling_out&owner=group%3Adefault%2Fpayments&q=ord%20er&limit=20&cursor=c1',
        body: undefined,
      },
    ]);
  });

  it('reads an entity families and one deployment with encoded segments', async () => {
    const seen = record({ entityRef: 'component:team a/orders/api', families: [] });
    await client().getEntityFamilies(entity);
    await client().getDeployment(entity, 'order.v2', 'abc1234');
    expect(seen.map(s => `${s.method} ${s.path}`)).toEqual([
      `GET ${entityPath}/families`,
      `GET ${entityPath}/families/order.v2/deployments/abc1234`,
    ]);
  });

  it('posts each control with its body', async () => {
    const seen = record({ phase: 'rolling_out' });
    const api = client();
    await api.promote(entity, 'order', 'abc1234');
    await api.override(entity, 'order', 'abc1234', { percent: 100, reason: 'hotfix' });
    await api.pause(entity, 'order', 'abc1234', { reason: 'watching' });
    await api.resume(entity, 'order', 'abc1234');
    await api.abort(entity, 'order', 'abc1234', { reason: 'errors' });
    const deployment = `${entityPath}/families/order/deployments/abc1234`;
    expect(seen).toEqual([
      { method: 'POST', path: `${deployment}/promote`, body: {} },
      { method: 'POST', path: `${deployment}/override`, body: { percent: 100, reason: 'hotfix' } },
      { method: 'POST', path: `${deployment}/pause`, body: { reason: 'watching' } },
      { method: 'POST', path: `${deployment}/resume`, body: {} },
      { method: 'POST', path: `${deployment}/abort`, body: { reason: 'errors' } },
    ]);
  });

  it('starts a deployment', async () => {
    const seen = record({ outcome: 'queued', workflowId: 'diachronic/order/abc1234', position: 1 }, 202);
    await expect(
      client().startDeployment(entity, { family: 'order', versionId: 'abc1234', dark: true, migratory: false }),
    ).resolves.toEqual({ outcome: 'queued', workflowId: 'diachronic/order/abc1234', position: 1 });
    expect(seen).toEqual([
      {
        method: 'POST',
        path: `${entityPath}/deployments`,
        body: { family: 'order', versionId: 'abc1234', dark: true, migratory: false },
      },
    ]);
  });

  it('throws a ResponseError carrying the backend message', async () => {
    record(
      {
        error: { name: 'ConflictError', message: 'pause refused: not possible while the deployment is dark' },
        request: { method: 'POST', url: '/' },
        response: { statusCode: 409 },
      },
      409,
    );
    const failure = client().pause(entity, 'order', 'abc1234');
    await expect(failure).rejects.toBeInstanceOf(ResponseError);
    await expect(failure).rejects.toMatchObject({
      statusCode: 409,
      body: { error: { message: 'pause refused: not possible while the deployment is dark' } },
    });
  });
});
