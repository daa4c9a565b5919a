/**
 * A family's versions as Unleash serves their flags to clients, read with a backend (client) token: read
 * only, scoped to one environment. The backend never writes to Unleash and holds no admin token; the
 * Diachronic worker does every write. Archived flags are not served: retired versions come from the
 * deployment history instead.
 */
import { ServiceUnavailableError } from '@backstage/errors';
import { VersionRef, versionFlagMetadata } from '@diachronic/contract';
import type { FamilyVersion } from '@diachronic/backstage-plugin-diachronic-common';

/** What the client API (`/api/client/features`) answers, as far as Diachronic reads it. */
interface ClientFeature {
  name: string;
  description?: string | null;
  enabled: boolean;
  strategies?: Array<{ name: string; parameters?: Record<string, string>; constraints?: unknown[] }>;
}

export interface UnleashVersionsOptions {
  /** The Unleash server, e.g. `http://unleash:4242`. */
  url: string;
  /** A backend token: it selects the environment whose flags route. Sent in the Authorization header only. */
  clientToken: string;
  /** How long a read may take before the view reports Unleash as unavailable. */
  timeoutMs?: number;
}

/**
 * How a served flag of the family's routes now; undefined for any other flag. Disabled strategies are not
 * served, so a missing one is off.
 */
export function servedVersion(feature: ClientFeature, family: string): FamilyVersion | undefined {
  const meta = versionFlagMetadata(feature);
  if (meta?.family !== family) return undefined;
  const strategies = (feature.strategies ?? []).filter(strategy => strategy.name === 'flexibleRollout');
  const live = strategies.find(strategy => (strategy.constraints ?? []).length === 0);
  const livePercent = feature.enabled && live ? Number(live.parameters?.rollout ?? 0) : 0;
  const darkEnabled = feature.enabled && strategies.some(strategy => (strategy.constraints ?? []).length > 0);
  let status: FamilyVersion['status'] = livePercent > 0 ? 'live' : 'dark';
  if (meta.aborted) status = 'aborted';
  return {
    versionId: meta.versionId,
    seq: meta.seq,
    taskQueue: meta.taskQueue,
    flag: feature.name,
    status,
    livePercent,
    darkEnabled,
    ...(meta.sha && { sha: meta.sha }),
    ...(meta.aborted && { aborted: meta.aborted }),
  };
}

/** A version that was retired (its flag archived): it routes nothing. */
export function retiredVersion({ versionId, seq, taskQueue, flag }: VersionRef): FamilyVersion {
  return { versionId, seq, taskQueue, flag, status: 'archived', livePercent: 0, darkEnabled: false };
}

export class UnleashVersions {
  private readonly url: string;
  readonly #clientToken: string;
  private readonly timeoutMs: number;

  constructor({ url, clientToken, timeoutMs = 10_000 }: UnleashVersionsOptions) {
    this.url = url.replace(/\/+$/, '').replace(/\/api$/, '');
    this.#clientToken = clientToken;
    this.timeoutMs = timeoutMs;
  }

  /** The family's served versions, oldest first. */
  async servedVersions(family: string): Promise<FamilyVersion[]> {
    // A prefix match: `order` also matches flags of `order.v2`; the metadata decides what belongs here.
    const path = `/api/client/features?${new URLSearchParams({ namePrefix: `diachronic.${family}.v` })}`;
    let response: Response;
    try {
      response = await fetch(`${this.url}${path}`, {
        headers: { Authorization: this.#clientToken, Accept: 'application/json' },
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      const reason = error instanceof Error && error.name === 'TimeoutError' ? `no answer within ${this.timeoutMs} ms` : String(error);
      throw new ServiceUnavailableError(`Unleash at ${this.url} is unavailable: ${reason}`);
    }
    if (!response.ok) {
      const hint = response.status === 401 || response.status === 403 ? ' (check diachronic.unleash.clientToken)' : '';
      throw new ServiceUnavailableError(`Unleash at ${this.url} answered ${response.status} to ${path}${hint}`);
    }
    const { features } = (await response.json()) as { features: ClientFeature[] };
    return features
      .flatMap(feature => servedVersion(feature, family) ?? [])
      .sort((a, b) => a.seq - b.seq);
  }
}
