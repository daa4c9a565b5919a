/** GitHub `deployment_status` deliveries to the backend's webhook, signed as GitHub signs them. */
import { createHmac, randomUUID } from 'node:crypto';
import type { HealthGate } from '@diachronic/contract';
import { BACKSTAGE_URL } from './urls';

export interface RolloutStep {
  percent: number;
  pauseMs: number;
}

export interface DeploymentDelivery {
  /** The repository, mapped to the catalog entity by its `github.com/project-slug`. */
  repository: string;
  /** The first 7 characters become the version id. */
  sha: string;
  family?: string;
  dark?: boolean;
  migratory?: boolean;
  schedule?: RolloutStep[];
  gate?: HealthGate;
  sender?: string;
}

/** A full 40-character sha whose version id (first 7) is `versionId`. */
export function shaFor(versionId: string): string {
  return versionId.padEnd(40, '0');
}

export async function sendDeploymentStatus(
  secret: string,
  delivery: DeploymentDelivery,
  { forgedSignature = false }: { forgedSignature?: boolean } = {},
): Promise<{ status: number; body: any }> {
  const body = JSON.stringify({
    deployment_status: { state: 'success' },
    deployment: {
      sha: delivery.sha,
      environment: 'production',
      payload: {
        diachronic: {
          family: delivery.family,
          dark: delivery.dark,
          migratory: delivery.migratory,
          schedule: delivery.schedule,
          gate: delivery.gate,
        },
      },
    },
    repository: { full_name: delivery.repository },
    sender: { login: delivery.sender ?? 'octocat' },
  });
  const signature = createHmac('sha256', forgedSignature ? 'not-the-secret' : secret)
    .update(body)
    .digest('hex');
  const response = await fetch(`${BACKSTAGE_URL}/api/diachronic/webhooks/github`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      'X-GitHub-Event': 'deployment_status',
      'X-GitHub-Delivery': randomUUID(),
      'X-Hub-Signature-256': `sha256=${signature}`,
    },
    body,
  });
  return {
    status: response.status,
    body: await response.json().catch(() => undefined),
  };
}
