/**
 * The OpenAPI description and the router agree: the same routes; every request body is the shared zod
 * schema the router parses with; and every status a route answers, on the real services, is one the
 * description gives for it, with a body of the schema given for that status.
 */
import { createHmac } from 'node:crypto';
import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import request from 'supertest';
import { diachronicPlugin } from '../plugin';
import { createRouter } from '../router';
import {
  RunningWorker,
  annotatedEntity,
  pluginConfig,
  realServices,
  startDiachronicWorker,
  uniqueFamily,
  uniqueVersionId,
} from '../__testUtils__/realServices';
import { spec } from './openapi/generated';
import { openApiSchemaOf, requestBodySchemas } from './requestBodies';

jest.setTimeout(120_000);

type Method = 'get' | 'post' | 'delete';
const METHODS: readonly Method[] = ['get', 'post', 'delete'];
const doc = spec as unknown as {
  paths: Record<string, Partial<Record<Method, { responses: Record<string, { $ref?: string; content?: Record<string, { schema: unknown }> }> }>>>;
  components: { schemas: Record<string, unknown>; responses: Record<string, { content?: Record<string, { schema: unknown }> }> };
};

describe('the OpenAPI description (src/schema/openapi.yaml)', () => {
  it('describes the routes the router has, no more, no fewer', async () => {
    const services = {} as Parameters<typeof createRouter>[0];
    const router = await createRouter(services);
    const routed = router.stack
      .filter(layer => layer.route)
      .flatMap(layer => Object.keys((layer.route as unknown as { methods: Record<string, boolean> }).methods).map(method => `${method} ${layer.route!.path.replace(/:(\w+)/g, '{$1}')}`));
    const described = Object.entries(doc.paths).flatMap(([path, item]) => METHODS.filter(method => item[method]).map(method => `${method} ${path}`));
    expect(routed.filter(route => !route.endsWith('/openapi.json')).sort()).toEqual(described.sort());
  });

  it.each(Object.entries(requestBodySchemas))('gives %s as the schema the router parses it with', (name, schema) => {
    expect(doc.components.schemas[name]).toEqual(openApiSchemaOf(schema));
  });
});

describe('every status the routes answer on the real services is described, with its body', () => {
  const API = '/api/diachronic';
  const SECRET = 'openapi-webhook-secret';
  const family = uniqueFamily('spec');
  const run = family.split('.')[0];
  const entity = annotatedEntity({ name: `${run}-spec`, families: [family], repository: `acme/${run}-spec` });
  const base = `/entity/default/component/${entity.metadata.name}`;
  const ajv = addFormats(new Ajv2020({ strict: false, allErrors: true }));
  ajv.addSchema(spec as object, 'spec');
  const seen = new Set<string>();
  let worker: RunningWorker;
  let server: Parameters<typeof request>[0];
  let denied: Parameters<typeof request>[0];

  beforeAll(async () => {
    const services = realServices();
    worker = await startDiachronicWorker(services, { name: 'openapi' });
    const config = mockServices.rootConfig.factory({ data: pluginConfig(services, worker.taskQueue, SECRET) });
    const catalog = catalogServiceMock.factory({ entities: [entity] });
    ({ server } = await startTestBackend({ features: [diachronicPlugin, config, catalog, mockServices.permissions.factory({ result: AuthorizeResult.ALLOW })] }));
    ({ server: denied } = await startTestBackend({ features: [diachronicPlugin, config, catalog, mockServices.permissions.factory({ result: AuthorizeResult.DENY })] }));
  });

  afterAll(async () => {
    await worker?.stop();
  });

  const pointer = (...parts: string[]) => `spec#/${parts.map(part => part.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`;

  /** Sends the request to `route` (the description's path) and checks the answer against what the description says of it. */
  async function call(
    method: Method,
    route: string,
    options: { params?: Record<string, string>; body?: unknown; query?: string; as?: 'user' | 'service' | 'none'; app?: typeof server; headers?: Record<string, string>; raw?: string } = {},
  ) {
    const path = route.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(options.params?.[name] ?? ''));
    const authorization = { user: mockCredentials.user.header(), service: mockCredentials.service.header(), none: mockCredentials.none.header() }[options.as ?? 'user'];
    let req = request(options.app ?? server)[method](`${API}${path}${options.query ?? ''}`).set('Authorization', authorization);
    for (const [name, value] of Object.entries(options.headers ?? {})) req = req.set(name, value);
    if (options.raw !== undefined) req = req.set('Content-Type', 'application/json').send(options.raw);
    else if (options.body !== undefined) req = req.send(options.body as object);
    const res = await req;
    const status = String(res.status);
    seen.add(`${method} ${route} ${status}`);
    const described = doc.paths[route]?.[method]?.responses[status];
    expect({ method, route, status, described: described !== undefined, body: described ? undefined : res.body }).toEqual({ method, route, status, described: true, body: undefined });
    const response = described!.$ref ? doc.components.responses[described!.$ref.split('/').pop()!] : described!;
    const schemaAt = described!.$ref
      ? pointer('components', 'responses', described!.$ref.split('/').pop()!, 'content', 'application/json', 'schema')
      : pointer('paths', route, method, 'responses', status, 'content', 'application/json', 'schema');
    if (response.content?.['application/json']) {
      const validate = ajv.compile({ $ref: schemaAt });
      expect({ method, route, status, errors: validate(res.body) ? [] : ajv.errorsText(validate.errors) }).toEqual({ method, route, status, errors: [] });
    }
    return res;
  }

  it('answers each route as described: successes, and each refusal a caller can cause', async () => {
    const entityParams = { namespace: 'default', kind: 'component', name: entity.metadata.name };
    const missing = { ...entityParams, name: 'no-such-entity' };
    const deployment = (versionId: string, action?: string) => ({ ...entityParams, family, versionId, ...(action && { action }) });
    const families = '/entity/{namespace}/{kind}/{name}/families';
    const one = '/entity/{namespace}/{kind}/{name}/families/{family}/deployments/{versionId}';
    const control = `${one}/{action}`;
    const start = '/entity/{namespace}/{kind}/{name}/deployments';
    const freeze = '/entity/{namespace}/{kind}/{name}/freeze';

    await call('get', '/health', { as: 'none' });
    await call('get', '/deployments');
    await call('get', '/deployments', { query: '?limit=0' });
    await call('get', '/deployments', { as: 'none' });
    await call('get', families, { params: entityParams });
    await call('get', families, { params: { ...entityParams, namespace: 'Not_A_Namespace' } });
    await call('get', families, { params: missing });
    await call('get', families, { params: entityParams, app: denied });

    const v1 = uniqueVersionId();
    await call('post', start, { params: entityParams, body: { family, versionId: v1, dark: true } });
    await call('post', start, { params: entityParams, body: { family, versionId: v1, dark: true } });
    await call('post', start, { params: entityParams, body: { family, versionId: 'not-a-sha' } });
    await call('post', start, { params: entityParams, body: { family, versionId: v1 }, as: 'service' });
    await call('post', start, { params: entityParams, body: { family, versionId: v1 }, app: denied });
    await call('post', start, { params: missing, body: { family, versionId: v1 } });

    await call('get', one, { params: deployment(v1) });
    await call('get', one, { params: deployment(uniqueVersionId()) });
    await call('get', one, { params: deployment('zz') });
    for (let i = 0; i < 100 && (await request(server).get(`${API}${base}/families/${family}/deployments/${v1}`)).body.phase !== 'dark'; i++) {
      await new Promise(resolve => setTimeout(resolve, 200));
    }
    await call('post', control, { params: deployment(v1, 'pause'), body: {} });
    await call('post', control, { params: deployment(v1, 'explode'), body: {} });
    await call('post', control, { params: deployment(v1, 'abort'), body: {} });
    await call('post', control, { params: deployment(v1, 'abort'), body: { reason: 'spec test' }, as: 'service' });
    await call('post', control, { params: deployment(v1, 'abort'), body: { reason: 'spec test' }, app: denied });
    await call('post', control, { params: deployment(v1, 'abort'), body: { reason: 'spec test' } });

    await call('post', freeze, { params: entityParams, body: { reason: 'spec test', until: 'tomorrow' } });
    await call('post', freeze, { params: entityParams, body: { reason: 'spec test' } });
    await call('delete', freeze, { params: entityParams, body: {} });
    await call('delete', freeze, { params: entityParams, body: {}, app: denied });
    await call('delete', freeze, { params: missing, body: {} });
    await call('get', '/freeze');
    await call('post', '/freeze', { body: { reason: 'spec test' } });
    await call('get', '/freeze');
    await call('delete', '/freeze', { body: {} });
    await call('post', '/freeze', { body: {} });
    await call('post', '/freeze', { body: { reason: 'spec test' }, as: 'service' });
    await call('delete', '/freeze', { body: {}, app: denied });

    const sign = (body: string) => `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`;
    const hook = (event: string, body: string, signature = sign(body)) =>
      call('post', '/webhooks/github', { as: 'none', raw: body, headers: { 'X-GitHub-Event': event, 'X-GitHub-Delivery': `d-${uniqueVersionId()}`, 'X-Hub-Signature-256': signature } });
    await hook('ping', '{}');
    await hook('push', '{}');
    await hook('ping', '{}', 'sha256=forged');
    await hook('deployment_status', '{"deployment_status":');
    const delivery = (repository: string) =>
      JSON.stringify({ deployment_status: { state: 'success' }, deployment: { id: 7, sha: `${uniqueVersionId()}${'0'.repeat(33)}`.slice(0, 40), environment: 'production' }, repository: { full_name: repository }, sender: { login: 'octocat' } });
    await hook('deployment_status', delivery('acme/nobody-owns-this'));

    // Every route was called, and each with more than its success.
    for (const [route, item] of Object.entries(doc.paths)) {
      for (const method of METHODS.filter(m => item[m])) {
        expect({ route, method, called: [...seen].some(entry => entry.startsWith(`${method} ${route} `)) }).toEqual({ route, method, called: true });
      }
    }
  });
});
