import { AppsV1Api, CoreV1Api, KubeConfig, RbacAuthorizationV1Api, type V1Deployment } from '@kubernetes/client-node';
import {
  InvalidLabelValueError,
  KubernetesRequestError,
  VERSION_LABEL,
  VersionInUseError,
  versionLabelSelector,
  VersionWorkers,
  WORKFLOW_LABEL,
} from './version-workers';

// Calls to the real servers: jest's default 5 s is too short on a busy 2-core machine.
jest.setTimeout(60_000);

const FAMILY = 'order.eu-1';
const VERSION_A = '3f9c2ab';
const VERSION_B = '7d41e0c9b5';
// A namespace per run: without a controller manager a namespace cannot be deleted, so they are left behind.
const NAMESPACE = `diachronic-test-${Date.now().toString(36)}-${process.pid}`;

const notInUse = async () => false;

function adminKubeConfig(): KubeConfig {
  const path = process.env.KUBECONFIG;
  if (!path) {
    throw new Error(
      'KUBECONFIG not set: run via npm test, or start the API server with ' +
        '`scripts/with-node.sh node scripts/kube/start.mjs` and set KUBECONFIG=.state/kube/kubeconfig',
    );
  }
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(path);
  return kubeConfig;
}

function deployment(name: string, labels: Record<string, string>): V1Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels },
    spec: {
      replicas: 2,
      selector: { matchLabels: { ...labels, 'diachronic.test/name': name } },
      template: {
        metadata: { labels: { ...labels, 'diachronic.test/name': name } },
        spec: { containers: [{ name: 'worker', image: 'registry.invalid/worker:test' }] },
      },
    },
  };
}

/** A KubeConfig that authenticates as a ServiceAccount with a TokenRequest token, against the same CA. */
async function serviceAccountKubeConfig(admin: KubeConfig, name: string): Promise<KubeConfig> {
  const core = admin.makeApiClient(CoreV1Api);
  await core.createNamespacedServiceAccount({ namespace: NAMESPACE, body: { metadata: { name } } });
  const tokenRequest = await core.createNamespacedServiceAccountToken({
    name,
    namespace: NAMESPACE,
    body: { spec: { audiences: [], expirationSeconds: 600 } },
  });
  const token = tokenRequest.status?.token;
  if (!token) throw new Error(`the TokenRequest for ${NAMESPACE}/${name} returned no token`);
  const cluster = admin.getCurrentCluster();
  if (!cluster) throw new Error('the admin kubeconfig has no current cluster');
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromClusterAndUser(
    {
      name: cluster.name,
      server: cluster.server,
      caData: cluster.caData,
      caFile: cluster.caFile,
      skipTLSVerify: false,
    },
    { name, token },
  );
  return kubeConfig;
}

/** RBAC reads roles from an informer cache, so a fresh binding takes effect a moment later. */
async function eventually<T>(what: string, attempt: () => Promise<T>, timeoutMs = 10000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      if (Date.now() > deadline) throw new Error(`${what} did not succeed within ${timeoutMs} ms: ${error}`);
      await new Promise(resolve => setTimeout(resolve, 100));
    }
  }
}

describe('VersionWorkers against a real kube-apiserver', () => {
  const admin = adminKubeConfig();
  const apps = admin.makeApiClient(AppsV1Api);
  const workers = VersionWorkers.fromEnvironment({ namespace: NAMESPACE });

  const namesInNamespace = async () =>
    (await apps.listNamespacedDeployment({ namespace: NAMESPACE })).items.map(item => item.metadata?.name).sort();

  beforeAll(async () => {
    await admin.makeApiClient(CoreV1Api).createNamespace({ body: { metadata: { name: NAMESPACE } } });
    const versionA = { [WORKFLOW_LABEL]: FAMILY, [VERSION_LABEL]: VERSION_A };
    for (const body of [
      deployment('order-eu-1-3f9c2ab', versionA),
      deployment('order-eu-1-3f9c2ab-canary', versionA),
      deployment('order-eu-1-7d41e0c9b5', { [WORKFLOW_LABEL]: FAMILY, [VERSION_LABEL]: VERSION_B }),
      deployment('order-eu-1-unversioned', { [WORKFLOW_LABEL]: FAMILY }),
      deployment('no-family-3f9c2ab', { [VERSION_LABEL]: VERSION_A }),
      // The same version id in a family whose name is a prefix of FAMILY's.
      deployment('order-3f9c2ab', { [WORKFLOW_LABEL]: 'order', [VERSION_LABEL]: VERSION_A }),
    ]) {
      await apps.createNamespacedDeployment({ namespace: NAMESPACE, body });
    }
  });

  it('builds the selector of one version from both labels', () => {
    expect(versionLabelSelector(FAMILY, VERSION_A)).toBe(
      'diachronic.dev/workflow=order.eu-1,diachronic.dev/version=3f9c2ab',
    );
  });

  it.each([
    ['Order', VERSION_A],
    ['order-', VERSION_A],
    ['a'.repeat(64), VERSION_A],
    ['order/eu', VERSION_A],
    [FAMILY, '3f9c2a'],
    [FAMILY, '3F9C2AB'],
    [FAMILY, 'a'.repeat(41)],
    [FAMILY, 'v1,diachronic.dev/workflow'],
  ])('refuses family %j with version %j before calling the API server', async (family, versionId) => {
    expect(() => versionLabelSelector(family, versionId)).toThrow(InvalidLabelValueError);
    await expect(workers.deleteVersion(family, versionId, { inUse: notInUse })).rejects.toThrow(
      /^invalid (family|version id) ".*" for label diachronic\.dev\//,
    );
  });

  it('refuses to delete a version that routing uses, and deletes nothing', async () => {
    const before = await namesInNamespace();
    const inUse = jest.fn(async () => true);
    const refusal = workers.deleteVersion(FAMILY, VERSION_A, { inUse });
    await expect(refusal).rejects.toThrow(VersionInUseError);
    await expect(refusal).rejects.toMatchObject({ family: FAMILY, versionId: VERSION_A, namespace: NAMESPACE });
    await expect(refusal).rejects.toThrow(`${FAMILY} version ${VERSION_A} in namespace ${NAMESPACE}`);
    expect(inUse).toHaveBeenCalledWith(FAMILY, VERSION_A);
    expect(await namesInNamespace()).toEqual(before);
  });

  it('deletes exactly the Deployments with both labels of the version, then nothing', async () => {
    expect(await workers.deleteVersion(FAMILY, VERSION_A, { inUse: notInUse })).toEqual({
      deleted: ['order-eu-1-3f9c2ab', 'order-eu-1-3f9c2ab-canary'],
    });
    expect(await namesInNamespace()).toEqual([
      'no-family-3f9c2ab',
      'order-3f9c2ab',
      'order-eu-1-7d41e0c9b5',
      'order-eu-1-unversioned',
    ]);
    expect(await workers.deleteVersion(FAMILY, VERSION_A, { inUse: notInUse })).toEqual({ deleted: [] });
  });

  it('lets concurrent cleanups of one version both succeed, each Deployment deleted once', async () => {
    const family = 'race.eu-1';
    const labels = { [WORKFLOW_LABEL]: family, [VERSION_LABEL]: VERSION_A };
    const names = ['race-1', 'race-2', 'race-3'];
    for (const name of names)
      await apps.createNamespacedDeployment({ namespace: NAMESPACE, body: deployment(name, labels) });

    const results = await Promise.all([
      workers.deleteVersion(family, VERSION_A, { inUse: notInUse }),
      workers.deleteVersion(family, VERSION_A, { inUse: notInUse }),
    ]);
    expect(results.flatMap(result => result.deleted).sort()).toEqual(names);
    expect((await namesInNamespace()).filter(name => name?.startsWith('race-'))).toEqual([]);
  });

  describe('with RBAC', () => {
    it('lets a service account that may only list deployments find them, and refuses its delete', async () => {
      const rbac = admin.makeApiClient(RbacAuthorizationV1Api);
      const name = 'deployment-lister';
      await rbac.createNamespacedRole({
        namespace: NAMESPACE,
        body: { metadata: { name }, rules: [{ apiGroups: ['apps'], resources: ['deployments'], verbs: ['list'] }] },
      });
      await rbac.createNamespacedRoleBinding({
        namespace: NAMESPACE,
        body: {
          metadata: { name },
          roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name },
          subjects: [{ kind: 'ServiceAccount', name, namespace: NAMESPACE }],
        },
      });
      const lister = new VersionWorkers({
        kubeConfig: await serviceAccountKubeConfig(admin, name),
        namespace: NAMESPACE,
      });

      // Until the binding takes effect the list is refused too; then the list passes and the delete is refused.
      const refusal = await eventually('the list to pass', async () => {
        const error = await lister.deleteVersion(FAMILY, VERSION_B, { inUse: notInUse }).then(
          () => undefined,
          (rejection: Error) => rejection,
        );
        if (error?.message.includes('listing Deployments')) throw error;
        return error;
      });
      expect(refusal).toBeInstanceOf(KubernetesRequestError);
      expect(refusal).toMatchObject({ status: 403, reason: 'Forbidden', namespace: NAMESPACE });
      expect(refusal?.message).toMatch(/forbidden/);
      expect(refusal?.message).toContain('deleting Deployment order-eu-1-7d41e0c9b5');
      expect(refusal?.message).toContain(`in namespace ${NAMESPACE}`);
      expect(refusal?.message).toContain(versionLabelSelector(FAMILY, VERSION_B));
      expect(await namesInNamespace()).toContain('order-eu-1-7d41e0c9b5');
    });

    it('refuses even list to a service account without any role', async () => {
      const nobody = new VersionWorkers({
        kubeConfig: await serviceAccountKubeConfig(admin, 'no-role'),
        namespace: NAMESPACE,
      });
      const refusal = nobody.deleteVersion(FAMILY, VERSION_B, { inUse: notInUse });
      await expect(refusal).rejects.toMatchObject({ status: 403, reason: 'Forbidden', namespace: NAMESPACE });
      await expect(refusal).rejects.toThrow(
        `system:serviceaccount:${NAMESPACE}:no-role" cannot list resource "deployments" in API group "apps" in the namespace "${NAMESPACE}"`,
      );
    });
  });
});
