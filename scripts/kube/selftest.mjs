#!/usr/bin/env node
// Shows that the local API server does what Diachronic's Kubernetes activities and tests rely on:
// labelled Deployments can be created, found by label selector and deleted; a ServiceAccount token from
// the TokenRequest API authenticates, and RBAC refuses it what no role grants. Starts the server when it
// is not running (and then stops it again); reads the admin credentials from the kubeconfig it wrote.
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { kubeOptionsFromEnv, kubeRequest, readKubeconfig, startKube, stopKube } from '../lib/kube.mjs';

const NAMESPACE = 'diachronic-selftest';
const DEPLOYMENT = 'order-abc1234';
const LABELS = { 'diachronic.dev/workflow': 'order', 'diachronic.dev/version': 'abc1234' };
const SERVICE_ACCOUNT = 'selftest-no-role';

const rootDir = fileURLToPath(new URL('../..', import.meta.url));
const options = kubeOptionsFromEnv(rootDir);
const { kubeconfigPath, started } = await startKube(options);
const credentials = readKubeconfig(kubeconfigPath);
const kube = request => kubeRequest(credentials, request);

function check(what, response, expectedStatuses) {
  const statuses = [expectedStatuses].flat();
  const detail = typeof response.body === 'object' ? response.body.message : response.body;
  assert.ok(statuses.includes(response.status), `${what}: expected HTTP ${statuses.join(' or ')}, got ${response.status} (${detail})`);
  console.log(`ok  ${what} -> ${response.status}`);
  return response.body;
}

const selector = labels => encodeURIComponent(Object.entries(labels).map(([key, value]) => `${key}=${value}`).join(','));
const deployments = `/apis/apps/v1/namespaces/${NAMESPACE}/deployments`;

try {
  console.log(`API server ${credentials.server} (kubeconfig ${kubeconfigPath})`);

  // Namespaces are kept: without kube-controller-manager a deleted namespace stays Terminating forever.
  check(`create namespace ${NAMESPACE}`, await kube({ method: 'POST', path: '/api/v1/namespaces', body: { metadata: { name: NAMESPACE } } }), [201, 409]);

  // Left over if an earlier run failed halfway.
  check(`remove a leftover deployment ${DEPLOYMENT}`, await kube({ method: 'DELETE', path: `${deployments}/${DEPLOYMENT}` }), [200, 404]);
  const created = check(
    `create deployment ${DEPLOYMENT}`,
    await kube({
      method: 'POST',
      path: deployments,
      body: {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: DEPLOYMENT, labels: LABELS },
        spec: {
          replicas: 1,
          selector: { matchLabels: LABELS },
          template: {
            metadata: { labels: LABELS },
            spec: { containers: [{ name: 'worker', image: 'registry.example/order-worker:abc1234' }] },
          },
        },
      },
    }),
    201,
  );
  assert.deepEqual(created.metadata.labels, LABELS);

  const matching = check(`list deployments by ${decodeURIComponent(selector(LABELS))}`, await kube({ path: `${deployments}?labelSelector=${selector(LABELS)}` }), 200);
  assert.deepEqual(matching.items.map(item => item.metadata.name), [DEPLOYMENT]);
  const other = check('list deployments of another version', await kube({ path: `${deployments}?labelSelector=${selector({ ...LABELS, 'diachronic.dev/version': 'def5678' })}` }), 200);
  assert.equal(other.items.length, 0);

  // apps/v1 deletes in the background by default: gone at once, no garbage collector needed.
  check(`delete deployment ${DEPLOYMENT}`, await kube({ method: 'DELETE', path: `${deployments}/${DEPLOYMENT}` }), 200);
  check(`deployment ${DEPLOYMENT} is gone`, await kube({ path: `${deployments}/${DEPLOYMENT}` }), 404);

  const serviceAccounts = `/api/v1/namespaces/${NAMESPACE}/serviceaccounts`;
  check(`create service account ${SERVICE_ACCOUNT} (no role)`, await kube({ method: 'POST', path: serviceAccounts, body: { metadata: { name: SERVICE_ACCOUNT } } }), [201, 409]);
  const tokenRequest = check(
    `request a token for ${SERVICE_ACCOUNT}`,
    await kube({
      method: 'POST',
      path: `${serviceAccounts}/${SERVICE_ACCOUNT}/token`,
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenRequest', spec: { expirationSeconds: 600 } },
    }),
    201,
  );
  const token = tokenRequest.status.token;
  assert.match(token, /^[\w-]+\.[\w-]+\.[\w-]+$/, 'the token is a JWT');

  const review = check(
    'the token authenticates (SelfSubjectReview)',
    await kube({ method: 'POST', path: '/apis/authentication.k8s.io/v1/selfsubjectreviews', body: { apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' }, token }),
    201,
  );
  assert.equal(review.status.userInfo.username, `system:serviceaccount:${NAMESPACE}:${SERVICE_ACCOUNT}`);

  const refused = check('list deployments with the token is refused', await kube({ path: deployments, token }), 403);
  assert.equal(refused.reason, 'Forbidden');
  console.log(`    ${refused.message}`);
  console.log('selftest passed');
} catch (error) {
  console.error(`selftest failed: ${error.message}`);
  process.exitCode = 1;
} finally {
  if (started) await stopKube(options);
}
