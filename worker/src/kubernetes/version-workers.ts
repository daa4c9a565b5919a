/**
 * The Kubernetes Deployments that run each version's worker: found by two labels and deleted once
 * routing no longer uses the version. Talks to the API server with @kubernetes/client-node only.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { ApiException, AppsV1Api, KubeConfig, type V1Deployment } from '@kubernetes/client-node';
import { FAMILY_PATTERN, VERSION_ID_PATTERN, VERSION_LABEL, versionWorkerSelector, WORKFLOW_LABEL } from '@diachronic/contract';

export { VERSION_LABEL, WORKFLOW_LABEL };

// A DNS-1123 label, which is what the API server accepts as a namespace name.
const NAMESPACE_PATTERN = /^[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?$/;
const LIST_PAGE_SIZE = 500;

export interface DeleteVersionOptions {
  /** Whether routing currently sends workflows to the version; computed by the caller. */
  inUse: (family: string, versionId: string) => Promise<boolean>;
}

/** A family or version id that cannot be the value of its label. */
export class InvalidLabelValueError extends Error {
  constructor(readonly label: string, readonly value: string, expected: string) {
    super(
      `invalid ${label === WORKFLOW_LABEL ? 'family' : 'version id'} ${JSON.stringify(value)} ` +
        `for label ${label}: expected ${expected}`,
    );
    this.name = 'InvalidLabelValueError';
  }
}

/** deleteVersion refused: routing still uses the version, so nothing was deleted. */
export class VersionInUseError extends Error {
  constructor(readonly family: string, readonly versionId: string, readonly namespace: string) {
    super(
      `refusing to delete the workers of ${family} version ${versionId} in namespace ${namespace}: ` +
        'routing still uses this version; nothing was deleted',
    );
    this.name = 'VersionInUseError';
  }
}

/** A request to the API server failed; `status` is the HTTP status when the server answered. */
export class KubernetesRequestError extends Error {
  constructor(
    readonly action: string,
    readonly namespace: string,
    readonly status: number | undefined,
    readonly reason: string | undefined,
    detail: string,
  ) {
    super(`${action} failed: ${status === undefined ? '' : `HTTP ${status}${reason ? ` ${reason}` : ''}: `}${detail}`);
    this.name = 'KubernetesRequestError';
  }
}

function assertLabelValues(family: string, versionId?: string): void {
  if (!FAMILY_PATTERN.test(family)) {
    throw new InvalidLabelValueError(
      WORKFLOW_LABEL,
      family,
      `1-63 lowercase letters, digits, '.', '_' or '-', starting and ending with a letter or digit (${FAMILY_PATTERN})`,
    );
  }
  if (versionId !== undefined && !VERSION_ID_PATTERN.test(versionId)) {
    throw new InvalidLabelValueError(
      VERSION_LABEL,
      versionId,
      `a git sha of 7-40 lowercase hex digits (${VERSION_ID_PATTERN})`,
    );
  }
}

/** The label selector of exactly one version's Deployments (both labels, equality). */
export function versionLabelSelector(family: string, versionId: string): string {
  assertLabelValues(family, versionId);
  return versionWorkerSelector(family, versionId);
}

function statusOf(body: unknown): { message?: string; reason?: string } {
  let status: unknown = body;
  if (typeof body === 'string') {
    try {
      status = JSON.parse(body);
    } catch {
      return { message: body.trim() || undefined };
    }
  }
  if (typeof status !== 'object' || status === null) return {};
  const { message, reason } = status as { message?: unknown; reason?: unknown };
  return {
    message: typeof message === 'string' ? message : undefined,
    reason: typeof reason === 'string' ? reason : undefined,
  };
}

export class VersionWorkers {
  readonly namespace: string;
  private readonly apps: AppsV1Api;
  private readonly server: string;

  constructor({ kubeConfig, namespace }: { kubeConfig: KubeConfig; namespace: string }) {
    if (!NAMESPACE_PATTERN.test(namespace)) {
      throw new Error(
        `invalid Kubernetes namespace ${JSON.stringify(namespace)}: expected a DNS label (${NAMESPACE_PATTERN})`,
      );
    }
    this.namespace = namespace;
    this.apps = kubeConfig.makeApiClient(AppsV1Api);
    this.server = kubeConfig.getCurrentCluster()?.server ?? 'unknown server';
  }

  /**
   * From $KUBECONFIG (possibly several files), else ~/.kube/config, else the in-cluster service account
   * when KUBERNETES_SERVICE_HOST is set. Unlike KubeConfig.loadFromDefault, never falls back to an
   * unauthenticated http://localhost:8080.
   */
  static fromEnvironment({ namespace }: { namespace: string }): VersionWorkers {
    const kubeConfig = new KubeConfig();
    const defaultPath = join(homedir(), '.kube', 'config');
    if (process.env.KUBECONFIG || existsSync(defaultPath)) {
      kubeConfig.loadFromDefault();
    } else if (process.env.KUBERNETES_SERVICE_HOST) {
      kubeConfig.loadFromCluster();
    } else {
      throw new Error(
        `no Kubernetes configuration: KUBECONFIG is not set, ${defaultPath} does not exist and ` +
          'KUBERNETES_SERVICE_HOST is not set (not in a cluster)',
      );
    }
    return new VersionWorkers({ kubeConfig, namespace });
  }

  /**
   * Deletes exactly the Deployments that carry both labels of the version, unless `inUse` says routing
   * still uses it (VersionInUseError, nothing deleted). Idempotent: Deployments already gone are skipped.
   * Resolves to the names this call deleted.
   */
  async deleteVersion(
    family: string,
    versionId: string,
    { inUse }: DeleteVersionOptions,
  ): Promise<{ deleted: string[] }> {
    const labelSelector = versionLabelSelector(family, versionId);
    if (await inUse(family, versionId)) throw new VersionInUseError(family, versionId, this.namespace);

    const deleted: string[] = [];
    for (const deployment of await this.listDeployments(labelSelector)) {
      const name = deployment.metadata?.name ?? '';
      const progress = deleted.length > 0 ? ` after deleting ${deleted.join(', ')}` : '';
      const action = `deleting Deployment ${name} (selector ${labelSelector}) in namespace ${this.namespace} at ${this.server}${progress}`;
      try {
        await this.apps.deleteNamespacedDeployment({
          name,
          namespace: this.namespace,
          body: {
            // No controller manager has to finish anything for the object to disappear (unlike Foreground);
            // the garbage collector removes its ReplicaSets and Pods afterwards.
            propagationPolicy: 'Background',
            // Deletes the object that was listed with the labels, never a same-named successor.
            preconditions: { uid: deployment.metadata?.uid },
          },
        });
        deleted.push(name);
      } catch (error) {
        if (error instanceof ApiException && error.code === 404) continue;
        throw this.requestError(action, error);
      }
    }
    return { deleted };
  }

  private async listDeployments(labelSelector: string): Promise<V1Deployment[]> {
    const items: V1Deployment[] = [];
    let continueToken: string | undefined;
    do {
      try {
        const page = await this.apps.listNamespacedDeployment({
          namespace: this.namespace,
          labelSelector,
          limit: LIST_PAGE_SIZE,
          _continue: continueToken,
        });
        items.push(...page.items);
        continueToken = page.metadata?._continue || undefined;
      } catch (error) {
        throw this.requestError(
          `listing Deployments with selector ${labelSelector} in namespace ${this.namespace} at ${this.server}`,
          error,
        );
      }
    } while (continueToken);
    return items;
  }

  private requestError(action: string, error: unknown): KubernetesRequestError {
    if (error instanceof ApiException) {
      const { message, reason } = statusOf(error.body);
      // client-node drops the body of a 401.
      const fallback =
        error.code === 401 ? 'the API server did not accept the credentials' : 'no details in the response';
      return new KubernetesRequestError(action, this.namespace, error.code, reason, message ?? fallback);
    }
    const detail = error instanceof Error ? error.message : String(error);
    return new KubernetesRequestError(action, this.namespace, undefined, undefined, detail);
  }
}
