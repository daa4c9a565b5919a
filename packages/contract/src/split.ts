/**
 * How a family's new workflows split between its versions, by the routing rule itself: the router asks
 * the versions' flags newest first and takes the first that says yes, and every flag of a family buckets a
 * workflow id alike (one Unleash group id per family). So a version at live L behind newer ones whose
 * largest live is M takes the ids between M and L: `max(0, L − M)` percent. Test traffic (`isTest`) goes
 * the same way, except that a version with dark on takes every test id that reaches it.
 */

/** A version's flag as routing sees it. */
export interface SplitVersion {
  versionId: string;
  seq: number;
  /** Served to routers (not archived). */
  enabled: boolean;
  livePercent: number;
  darkEnabled: boolean;
}

export interface VersionShare {
  versionId: string;
  /** Percent of the workflows started now that go to this version. */
  percent: number;
}

export interface NewStartsSplit {
  /** Shares of new workflows, newest version first; only versions that take some. */
  live: VersionShare[];
  /** Shares of new test workflows (`isTest`), newest version first. */
  test: VersionShare[];
  /** Percent of new workflows that no version takes (no start is routed for them). */
  unrouted: number;
}

function sharesOf(newestFirst: readonly SplitVersion[], enables: (version: SplitVersion) => number): { shares: VersionShare[]; covered: number } {
  const shares: VersionShare[] = [];
  let covered = 0;
  for (const version of newestFirst) {
    const reach = Math.min(100, Math.max(0, enables(version)));
    if (reach > covered) shares.push({ versionId: version.versionId, percent: reach - covered });
    covered = Math.max(covered, reach);
    if (covered >= 100) break;
  }
  return { shares, covered };
}

/** The split of new workflows between `versions` (any order). */
export function newStartsSplit(versions: readonly SplitVersion[]): NewStartsSplit {
  const newestFirst = versions.filter(version => version.enabled).sort((a, b) => b.seq - a.seq);
  const live = sharesOf(newestFirst, version => version.livePercent);
  const test = sharesOf(newestFirst, version => (version.darkEnabled ? 100 : version.livePercent));
  return { live: live.shares, test: test.shares, unrouted: 100 - live.covered };
}

/** `0000001 50% · 0000002 50%`, oldest first, as people read a split. */
export function describeShares(shares: readonly VersionShare[]): string {
  return [...shares]
    .reverse()
    .map(share => `${share.versionId} ${Number(share.percent.toFixed(2))}%`)
    .join(' · ');
}
