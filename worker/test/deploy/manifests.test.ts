import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import {
  AuthorizationV1Api,
  CoreV1Api,
  KubeConfig,
  KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
  loadAllYaml,
} from '@kubernetes/client-node';
import { waitFor } from '@diachronic/test-utils';

jest.setTimeout(60_000);

const deployDir = join(__dirname, '..', '..', '..', 'deploy');
const manifests = (): KubernetesObject[] =>
  readdirSync(deployDir)
    .filter(file => file.endsWith('.yaml'))
    .sort()
    .flatMap(file => loadAllYaml(readFileSync(join(deployDir, file), 'utf8')) as KubernetesObject[]);

function adminKubeConfig(): KubeConfig {
  if (!process.env.KUBECONFIG) throw new Error('KUBECONFIG not set: run the tests with `npm test`');
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromFile(process.env.KUBECONFIG);
  return kubeConfig;
}

/** The objects, moved to `namespace` (the service account subjects too). */
function inNamespace(objects: KubernetesObject[], namespace: string): KubernetesObject[] {
  return objects.map(object => {
    const copy = JSON.parse(JSON.stringify(object));
    copy.metadata.namespace = namespace;
    for (const subject of copy.subjects ?? []) subject.namespace = namespace;
    return copy;
  });
}

describe('the manifests in deploy/ against a real kube-apiserver', () => {
  const kubeConfig = adminKubeConfig();
  const objects = KubernetesObjectApi.makeApiClient(kubeConfig);
  const core = kubeConfig.makeApiClient(CoreV1Api);
  const ensureNamespace = (name: string) =>
    core.createNamespace({ body: { metadata: { name } } }).catch((error: { code?: number }) => {
      if (error.code !== 409) throw error;
    });
  const apply = (object: KubernetesObject, dryRun?: 'All') =>
    objects.patch(object, undefined, dryRun, 'diachronic-manifest-test', true, PatchStrategy.ServerSideApply);

  it('hold the worker and signaler Deployments, their service accounts, the Role, its binding, config and a Service', () => {
    expect(manifests().map(({ kind, metadata }) => `${kind}/${metadata?.name}`).sort()).toEqual([
      'ConfigMap/diachronic',
      'Deployment/diachronic-signaler',
      'Deployment/diachronic-worker',
      'Role/diachronic-worker',
      'RoleBinding/diachronic-worker',
      'Service/diachronic-signaler',
      'ServiceAccount/diachronic-signaler',
      'ServiceAccount/diachronic-worker',
    ]);
  });

  it('are accepted by the API server as they are (server-side apply, dry run)', async () => {
    await ensureNamespace('diachronic');
    for (const object of manifests()) {
      const applied = await apply(object, 'All');
      expect(`${applied.kind}/${applied.metadata?.name}`).toBe(`${object.kind}/${object.metadata?.name}`);
    }
  });

  it("let the worker's service account list and delete Deployments in its namespace, and nothing more", async () => {
    const namespace = `diachronic-rbac-${Date.now().toString(36)}`;
    await ensureNamespace(namespace);
    for (const object of inNamespace(manifests(), namespace)) {
      if (['Role', 'RoleBinding', 'ServiceAccount'].includes(object.kind!)) await apply(object);
    }
    const authorization = kubeConfig.makeApiClient(AuthorizationV1Api);
    const user = `system:serviceaccount:${namespace}:diachronic-worker`;
    const allowed = async (verb: string, resource: string, group = '', inNs = namespace) => {
      const review = await authorization.createSubjectAccessReview({
        body: { spec: { user, groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`], resourceAttributes: { namespace: inNs, verb, group, resource } } },
      });
      return review.status?.allowed === true;
    };
    // RBAC reads roles from an informer cache: a fresh binding takes effect a moment later.
    await waitFor('the RoleBinding to take effect', () => allowed('list', 'deployments', 'apps'), { timeoutMs: 20_000 });
    expect(await allowed('delete', 'deployments', 'apps')).toBe(true);
    const refused: Array<[string, string, string?, string?]> = [
      ['get', 'deployments', 'apps'],
      ['watch', 'deployments', 'apps'],
      ['create', 'deployments', 'apps'],
      ['update', 'deployments', 'apps'],
      ['patch', 'deployments', 'apps'],
      ['deletecollection', 'deployments', 'apps'],
      ['delete', 'deployments', 'apps', 'default'],
      ['list', 'deployments', 'apps', 'kube-system'],
      ['list', 'pods'],
      ['delete', 'pods'],
      ['get', 'secrets'],
      ['list', 'configmaps'],
      ['list', 'replicasets', 'apps'],
      ['create', 'roles', 'rbac.authorization.k8s.io'],
    ];
    for (const [verb, resource, group, inNs] of refused) {
      expect({ verb, resource, namespace: inNs ?? namespace, allowed: await allowed(verb, resource, group, inNs) }).toEqual({
        verb,
        resource,
        namespace: inNs ?? namespace,
        allowed: false,
      });
    }
  });
});
