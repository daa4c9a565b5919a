/** The example family as the scenarios deploy it: what a deploy pipeline does for each new version. */
import { versionTaskQueue } from './contract';
import { sendDeploymentStatus, shaFor, type DeploymentDelivery, type RolloutStep } from './github';
import type { KubeDeployments } from './kube';
import type { DiachronicSystem } from './system';

export const ORDERS_REPOSITORY = 'diachronic-ci/orders';

export const orderQueue = (versionId: string) => versionTaskQueue('order', versionId);

/** A rollout in four steps, 25% to 100%, holding each one `pauseMs`. */
export function quarterSteps(pauseMs: number): RolloutStep[] {
  return [25, 50, 75, 100].map(percent => ({ percent, pauseMs: percent === 100 ? 0 : pauseMs }));
}

/** The version's worker Deployment on the kube-apiserver, and its worker process polling its queue. */
export async function shipOrderWorker(
  system: DiachronicSystem,
  kube: KubeDeployments,
  code: 'v1' | 'v2',
  versionId: string,
  env: Record<string, string> = {},
): Promise<void> {
  await kube.create('order', versionId);
  await system.startOrderWorker(code, versionId, env);
}

/** GitHub's signed `deployment_status: success` for the version, as the orders repository sends it. */
export function orderDeploymentSucceeded(
  system: DiachronicSystem,
  versionId: string,
  options: Pick<DeploymentDelivery, 'dark' | 'migratory' | 'schedule' | 'gate'> = {},
) {
  return sendDeploymentStatus(system.env.GITHUB_WEBHOOK_SECRET, {
    repository: ORDERS_REPOSITORY,
    sha: shaFor(versionId),
    family: 'order',
    ...options,
  });
}
