/** The example family's worker Deployments on the real kube-apiserver, as a deploy pipeline creates them. */
import { AppsV1Api, CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { VERSION_LABEL, WORKFLOW_LABEL } from './contract';

export class KubeDeployments {
  private readonly apps: AppsV1Api;
  private readonly core: CoreV1Api;

  constructor(kubeconfigPath: string, private readonly namespace: string) {
    const config = new KubeConfig();
    config.loadFromFile(kubeconfigPath);
    this.apps = config.makeApiClient(AppsV1Api);
    this.core = config.makeApiClient(CoreV1Api);
  }

  async ensureNamespace(): Promise<void> {
    const existing = await this.core.listNamespace({
      fieldSelector: `metadata.name=${this.namespace}`,
    });
    if (existing.items.length === 0)
      await this.core.createNamespace({
        body: { metadata: { name: this.namespace } },
      });
  }

  async create(family: string, versionId: string): Promise<void> {
    const labels = { [WORKFLOW_LABEL]: family, [VERSION_LABEL]: versionId };
    await this.apps.createNamespacedDeployment({
      namespace: this.namespace,
      body: {
        metadata: { name: `${family}-${versionId}`, labels },
        spec: {
          replicas: 1,
          selector: { matchLabels: labels },
          template: {
            metadata: { labels },
            spec: {
              containers: [
                {
                  name: 'worker',
                  image: `registry.example/${family}-worker:${versionId}`,
                },
              ],
            },
          },
        },
      },
    });
  }

  /** Version ids of the family's Deployments that exist now. */
  async versions(family: string): Promise<string[]> {
    const list = await this.apps.listNamespacedDeployment({
      namespace: this.namespace,
      labelSelector: `${WORKFLOW_LABEL}=${family}`,
    });
    return list.items.map(item => item.metadata!.labels![VERSION_LABEL]).sort();
  }
}
