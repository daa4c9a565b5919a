export interface Config {
  diachronic?: {
    /**
     * The entity tab of Backstage's Kubernetes plugin, as its path under the entity page (e.g. `kubernetes`),
     * where the app has that plugin. The Rollout tab links each version's worker Deployment there; without
     * it, the Deployment is named only.
     * @visibility frontend
     */
    kubernetesTabPath?: string;
  };
}
