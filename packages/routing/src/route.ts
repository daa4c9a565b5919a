import { once } from 'node:events';
import { InMemStorageProvider, Unleash, UnleashEvents } from 'unleash-client';
import { VersionRef, versionFlagMetadata } from '@diachronic/contract';

export interface RouteOptions {
  /** Test traffic: also enabled by the versions' dark strategies. */
  isTest: boolean;
}

/**
 * The newest version whose flag is enabled, asking `isEnabled` newest first and stopping at the first
 * yes. `versions` must be sorted by seq, oldest first (as `Router.versions` returns them).
 */
export function routeAmong<V extends Pick<VersionRef, 'flag'>>(
  versions: readonly V[],
  isEnabled: (flag: string) => boolean,
): V | undefined {
  for (let i = versions.length - 1; i >= 0; i--) {
    if (isEnabled(versions[i].flag)) return versions[i];
  }
  return undefined;
}

/** A version's flag as far as routing cares: whether it is served, and whom its strategies enable. */
export interface RoutableVersion {
  seq: number;
  /** The flag is served: not archived, its environment on. */
  enabled: boolean;
  livePercent: number;
  darkEnabled: boolean;
}

/**
 * Whether `route` can send any workflow id to `version` now, `versions` being all of its family's: the
 * same rule as routeAmong, over every id at once. Its flag enables someone (live > 0 or dark on), and no
 * newer served version takes every id first: live at 100% has no constraint, so it covers test traffic too.
 */
export function mayRouteTo(version: RoutableVersion, versions: readonly RoutableVersion[]): boolean {
  if (!version.enabled || (version.livePercent === 0 && !version.darkEnabled)) return false;
  return !versions.some(other => other.seq > version.seq && other.enabled && other.livePercent === 100);
}

export interface RouterOptions {
  /** The Unleash server, e.g. `http://unleash:4242` (a trailing `/api` is accepted too). */
  url: string;
  /** A backend (client) token; it selects the environment whose strategies are evaluated. */
  clientToken: string;
  appName: string;
  /** How often flags are fetched; a change made in Unleash routes after at most this long. */
  refreshIntervalMs?: number;
  environment?: string;
  /** How long `start` waits for the first sync before it fails. */
  startTimeoutMs?: number;
}

type VersionIndex = ReadonlyMap<string, readonly VersionRef[]>;

function indexVersions(features: ReadonlyArray<{ name: string; description?: string }>): VersionIndex {
  const index = new Map<string, VersionRef[]>();
  for (const feature of features) {
    const meta = versionFlagMetadata(feature);
    if (!meta) continue;
    const { family, versionId, seq, taskQueue } = meta;
    const versions = index.get(family) ?? [];
    versions.push({ family, versionId, seq, taskQueue, flag: feature.name });
    index.set(family, versions);
  }
  for (const versions of index.values()) versions.sort((a, b) => a.seq - b.seq);
  return index;
}

/**
 * Routes workflow ids to versions by evaluating the version flags locally, with one unleash-client
 * instance that polls Unleash. Archived flags are not served to clients, so they never route.
 */
export class Router {
  private index: VersionIndex = new Map();

  private constructor(private readonly unleash: Unleash) {
    unleash.on(UnleashEvents.Changed, (features: ReadonlyArray<{ name: string; description?: string }>) => {
      this.index = indexVersions(features);
    });
  }

  /** Resolves once the flags have been fetched from Unleash. */
  static async start(options: RouterOptions): Promise<Router> {
    const base = options.url.replace(/\/+$/, '').replace(/\/api$/, '');
    const unleash = new Unleash({
      url: `${base}/api`,
      appName: options.appName,
      environment: options.environment,
      refreshInterval: options.refreshIntervalMs ?? 15_000,
      customHeaders: { Authorization: options.clientToken },
      // Routing must come from Unleash itself, never from a stale backup file.
      storageProvider: new InMemStorageProvider(),
      disableAutoStart: true,
    });
    const router = new Router(unleash);
    const timeoutMs = options.startTimeoutMs ?? 10_000;
    try {
      // Rejects on the client's first 'error' event (network, 401/403) or on the timeout.
      const synchronized = once(unleash, UnleashEvents.Synchronized, { signal: AbortSignal.timeout(timeoutMs) });
      await Promise.all([synchronized, unleash.start()]);
    } catch (error) {
      unleash.destroy();
      const reason =
        error instanceof Error && error.name === 'AbortError' ? `no answer within ${timeoutMs} ms` : String(error);
      throw new Error(`could not fetch flags from Unleash at ${base}: ${reason}`);
    }
    return router;
  }

  route(family: string, workflowId: string, { isTest }: RouteOptions): VersionRef | undefined {
    const context = { userId: workflowId, properties: { isTest: String(isTest) } };
    return routeAmong(this.versions(family), flag => this.unleash.isEnabled(flag, context));
  }

  /** The family's non-archived versions, oldest first. */
  versions(family: string): readonly VersionRef[] {
    return this.index.get(family) ?? [];
  }

  /**
   * The live percentage of a version flag as this router evaluates it now (undefined when it does not
   * know the flag). It lags Unleash by up to one refresh interval.
   */
  livePercentSeen(flag: string): number | undefined {
    const definition = this.unleash.getFeatureToggleDefinition(flag);
    if (!definition) return undefined;
    // Clients get neither strategy titles nor disabled strategies: the live one is the unconstrained one.
    const live = definition.strategies?.find(
      strategy => strategy.name === 'flexibleRollout' && (strategy.constraints ?? []).length === 0,
    );
    if (!definition.enabled || !live) return 0;
    return Number(live.parameters?.rollout ?? 0);
  }

  destroy(): void {
    this.unleash.destroy();
  }
}
