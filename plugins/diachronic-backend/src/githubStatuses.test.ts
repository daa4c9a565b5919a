/**
 * GitHub deployment statuses on the real services: deployments started by signed `deployment_status`
 * webhooks report back on their GitHub deployments. GitHub itself is a local HTTP server (there is no
 * internet here) that validates every request against GitHub's published OpenAPI description of
 * `POST /repos/{owner}/{repo}/deployments/{deployment_id}/statuses` (extracted from @octokit/openapi into
 * services/github/__fixtures__ by scripts/extract-github-openapi.mjs), and refuses the first one with a 502.
 */
import { createHmac } from 'node:crypto';
import { createServer, IncomingMessage } from 'node:http';
import { AddressInfo } from 'node:net';
import { mockCredentials, mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { DeploymentState, diachronicApiPaths } from '@diachronic/backstage-plugin-diachronic-common';
import Ajv from 'ajv';
import request from 'supertest';
import operation from './services/github/__fixtures__/create-deployment-status.openapi.json';
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

const API = '/api/diachronic';
const SECRET = 'statuses-webhook-secret';
const TOKEN = 'ghp_statuses_test_token';
const APP = 'http://backstage.test';
const family = uniqueFamily('gh');
const repository = `acme/${family.split('.')[0]}`;
const entity = annotatedEntity({ name: `${family.split('.')[0]}-gh`, families: [family], repository });
const entityRef = { kind: 'component', namespace: 'default', name: entity.metadata.name };
const rolloutTab = `${APP}/catalog/default/component/${entity.metadata.name}/rollout`;

interface Posted {
  deploymentId: number;
  state: string;
  description?: string;
  log_url?: string;
}

/** GitHub's REST API for one operation: requests that do not match the published description are refused (and kept). */
function fakeGithub() {
  const ajv = new Ajv({ allErrors: true, strict: false });
  // Stricter than GitHub, which ignores unknown fields: a misspelt field would be lost there.
  const validBody = ajv.compile({ ...operation.requestBody.content['application/json'].schema, additionalProperties: false });
  const pathPattern = new RegExp(`^/api/v3${operation.path.replace(/\{(\w+)\}/g, '(?<$1>[^/]+)')}$`);
  const statuses: Posted[] = [];
  const invalid: string[] = [];
  let refusedFirst = false;
  const read = (req: IncomingMessage) =>
    new Promise<string>(resolve => {
      let body = '';
      req.on('data', chunk => (body += chunk));
      req.on('end', () => resolve(body));
    });
  const server = createServer(async (req, res) => {
    const text = await read(req);
    const reply = (status: number, body: object) => res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    const params = pathPattern.exec(req.url ?? '')?.groups;
    const problems: string[] = [];
    if (req.method !== operation.method.toUpperCase() || !params) problems.push(`${req.method} ${req.url} is not ${operation.operationId}`);
    if (params && !/^\d+$/.test(params.deployment_id)) problems.push(`deployment_id ${params.deployment_id} is not an integer`);
    if (req.headers.authorization !== `Bearer ${TOKEN}`) problems.push('no token of the configured integration');
    if (!String(req.headers.accept).includes('application/vnd.github+json')) problems.push(`Accept: ${req.headers.accept}`);
    let body: any;
    try {
      body = JSON.parse(text);
    } catch {
      problems.push('the body is not JSON');
    }
    if (body !== undefined && !validBody(body)) problems.push(ajv.errorsText(validBody.errors));
    // Documented in the description's prose, not its schema.
    if (typeof body?.description === 'string' && body.description.length > 140) problems.push('description longer than 140 characters');
    if (problems.length > 0) {
      invalid.push(problems.join('; '));
      reply(422, { message: 'Validation Failed', errors: problems });
      return;
    }
    if (!refusedFirst) {
      refusedFirst = true;
      reply(502, { message: 'Server Error' });
      return;
    }
    const deploymentId = Number(params!.deployment_id);
    statuses.push({ deploymentId, state: body.state, description: body.description, log_url: body.log_url });
    reply(201, { id: statuses.length, state: body.state, description: body.description ?? '' });
  });
  return { server, statuses, invalid, refused: () => refusedFirst };
}

describe('GitHub deployment statuses: a deployment started by the webhook reports back on its GitHub deployment', () => {
  const services = realServices();
  const github = fakeGithub();
  let worker: RunningWorker;
  let server: Parameters<typeof request>[0];
  let githubUrl: string;

  beforeAll(async () => {
    await new Promise<void>(resolve => github.server.listen(0, '127.0.0.1', resolve));
    const host = `127.0.0.1:${(github.server.address() as AddressInfo).port}`;
    githubUrl = `http://${host}`;
    worker = await startDiachronicWorker(services, { name: 'github-statuses' });
    const config = pluginConfig(services, worker.taskQueue, SECRET);
    ({ server } = await startTestBackend({
      features: [
        diachronicPlugin,
        mockServices.rootConfig.factory({
          data: {
            ...config,
            app: { baseUrl: APP },
            integrations: { github: [{ host, apiBaseUrl: `${githubUrl}/api/v3`, token: TOKEN }] },
            diachronic: { ...config.diachronic, liveUpdates: true },
          },
        }),
        catalogServiceMock.factory({ entities: [entity] }),
        mockServices.permissions.factory({ result: AuthorizeResult.ALLOW }),
      ],
    }));
  });

  afterAll(async () => {
    await worker?.stop();
    await new Promise(resolve => github.server.close(resolve));
  });

  const deliver = (deploymentId: number, sha: string, payload: object = {}) => {
    const body = JSON.stringify({
      action: 'created',
      deployment_status: { state: 'success' },
      deployment: { id: deploymentId, sha, environment: 'production', payload },
      repository: { full_name: repository, html_url: `${githubUrl}/${repository}` },
      sender: { login: 'octocat' },
    });
    return request(server)
      .post(`${API}${diachronicApiPaths.githubWebhook()}`)
      .set('Authorization', mockCredentials.none.header())
      .set('Content-Type', 'application/json')
      .set('X-GitHub-Event', 'deployment_status')
      .set('X-GitHub-Delivery', `d-${uniqueVersionId()}`)
      .set('X-Hub-Signature-256', `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`)
      .send(body)
      .expect(202);
  };
  const sha = () => `${uniqueVersionId()}${'0'.repeat(33)}`.slice(0, 40);
  const path = (versionId: string) => `${API}${diachronicApiPaths.deployment(entityRef, family, versionId)}`;
  const phaseOf = async (versionId: string) => ((await request(server).get(path(versionId)).expect(200)).body as DeploymentState).phase;
  const of = (deploymentId: number) => github.statuses.filter(status => status.deploymentId === deploymentId);
  const states = (deploymentId: number) => of(deploymentId).map(status => status.state);

  it('reports in_progress at the start and at each phase change (linking the Rollout tab), then success; the replaced version becomes inactive', async () => {
    const sha1 = sha();
    const v1 = sha1.slice(0, 7);
    await deliver(1001, sha1);
    await waitFor('v1 to complete', async () => (await phaseOf(v1)) === 'completed');
    await waitFor('the success status of 1001', () => states(1001).includes('success'));

    const first = of(1001);
    expect(first[0]).toEqual({ deploymentId: 1001, state: 'in_progress', description: expect.stringContaining(v1), log_url: rolloutTab });
    expect(first.at(-1)).toEqual({ deploymentId: 1001, state: 'success', description: `completed: ${v1} serves 100% of new workflows`, log_url: rolloutTab });
    // One status per phase: no description twice in a row.
    expect(first.filter((status, i) => i > 0 && status.description === first[i - 1].description)).toEqual([]);
    expect(first.slice(0, -1).every(status => status.state === 'in_progress')).toBe(true);
    // The first request was refused with a 502 and tried again: nothing was lost.
    expect(github.refused()).toBe(true);

    const sha2 = sha();
    const v2 = sha2.slice(0, 7);
    await deliver(1002, sha2, { diachronic: { family, schedule: [{ percent: 50, pauseMs: 500 }, { percent: 100, pauseMs: 0 }] } });
    await waitFor('v2 to complete', async () => (await phaseOf(v2)) === 'completed');
    await waitFor('v1 retired on GitHub', () => states(1001).includes('inactive'));
    expect(states(1002).at(-1)).toBe('success');
    expect(of(1001).at(-1)).toEqual({ deploymentId: 1001, state: 'inactive', description: `retired: ${v2} replaced it`, log_url: rolloutTab });
    expect(github.invalid).toEqual([]);
  });

  it('reports an abort as failure with the reason, after dark as in_progress', async () => {
    const sha3 = sha();
    const v3 = sha3.slice(0, 7);
    await deliver(1003, sha3, { diachronic: { family, dark: true } });
    await waitFor('the dark status', () => of(1003).some(status => status.description?.includes('waiting for promote')));
    await request(server).post(`${path(v3)}/abort`).send({ reason: 'the build leaks memory' }).expect(200);
    await waitFor('the failure status', () => states(1003).includes('failure'));
    expect(of(1003).at(-1)).toEqual({
      deploymentId: 1003,
      state: 'failure',
      description: expect.stringMatching(/^aborted: .*the build leaks memory/),
      log_url: rolloutTab,
    });
    expect(states(1003).slice(0, -1).every(state => state === 'in_progress')).toBe(true);
    expect(github.invalid).toEqual([]);
  });
});
