/** The catalog-wide Deployments page: every family the caller may read, its owner and its latest deployment. */
import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { DeploymentPhase, isTerminalPhase } from '@diachronic/contract';
import {
  DeploymentHistoryEntry,
  DeploymentListResponse,
  DeploymentSummary,
  FamilyDeploymentSummary,
  RunningDeploymentDetail,
  diachronicDeploymentReadPermission,
  runningDetailOf,
} from '@diachronic/backstage-plugin-diachronic-common';
import { EndedDeployments } from './EndedDeployments';
import { EntityAccess, OwningEntity } from './entities';
import { TemporalAccess } from './temporal';
import { unavailable } from './temporalErrors';
import { queryDeploymentState } from './workflowQueries';
import {
  isValidFamily,
  listDeploymentsOf,
  listFamilyDeployments,
  listFamiliesWithVersionPrefix,
  listFamilyWorkflowsOf,
  listQueuedFamilies,
  listRecentDeployments,
  listRunningDeploymentsIn,
} from './visibility';

export interface DeploymentListFilter {
  phases?: DeploymentPhase[];
  owner?: string;
  q?: string;
  limit: number;
  offset: number;
}

function ownerMatches(owner: string | undefined, wanted: string): boolean {
  if (!owner) return false;
  try {
    const ref = stringifyEntityRef(parseEntityRef(wanted, { defaultKind: 'group', defaultNamespace: 'default' }));
    return owner.toLocaleLowerCase('en-US') === ref.toLocaleLowerCase('en-US');
  } catch {
    return false;
  }
}

/** Whether the catalog's side of a family (its name, entity, title, owner) contains the text. */
function catalogMatches({ family, entity }: OwnedFamily, q: string): boolean {
  const text = [family, entity.entityRef, entity.title, entity.owner].filter(Boolean).join('\n').toLocaleLowerCase('en-US');
  return text.includes(q);
}

interface OwnedFamily {
  family: string;
  entity: OwningEntity;
}

/** Beyond this many families to look up (two lists per 100), one page of the most recent deployments is read first. */
const LOOKUPS_BEFORE_RECENT_PAGE = 500;
/** Ended deployments a row shows besides its latest. */
export const RECENT_ENDED_SHOWN = 3;
/** Families of a page read at once (a running deployment's query, a family's ended deployments). */
const PER_FAMILY_CONCURRENCY = 8;

/** `work` for each item, at most `limit` at a time, results in the items' order. */
async function eachLimited<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export class DeploymentListService {
  constructor(private readonly options: { temporal: TemporalAccess; entities: EntityAccess; endedDeployments?: EndedDeployments }) {}

  /**
   * Every family the caller may read, with its owner and latest deployment, filtered and paged. The
   * catalog gives the families, owners and names; the text also matches a version id's first characters
   * (one visibility list of the family workflows whose latest version starts with it). Without a phase
   * filter only the requested page's families are looked up. A filter of active phases is one list of
   * the running deployments in them (a running deployment is its family's latest). Only a filter with an
   * ended phase needs the latest deployment of every candidate family.
   */
  async listDeployments(
    filter: DeploymentListFilter,
    { credentials }: { credentials: BackstageCredentials },
  ): Promise<DeploymentListResponse> {
    const { client } = this.options.temporal;
    const q = filter.q?.toLocaleLowerCase('en-US');
    const phases = filter.phases;
    const onlyActivePhases = phases?.every(phase => !isTerminalPhase(phase));
    const [entities, queued, versionMatches, running] = await Promise.all([
      this.options.entities.readableOwningEntities(diachronicDeploymentReadPermission, credentials),
      this.visibility('list deployments', () => listQueuedFamilies(client)),
      q ? this.visibility('search deployments', () => listFamiliesWithVersionPrefix(client, q)) : [],
      phases && onlyActivePhases ? this.visibility('list deployments', () => listRunningDeploymentsIn(client, phases)) : [],
    ]);
    const queueLength = new Map(queued.map(row => [row.family, row.queueLength]));
    const withMatchingVersion = new Set(versionMatches);

    const candidates = entities
      .flatMap(entity => entity.families.filter(isValidFamily).map(family => ({ entity, family })))
      .filter(({ entity }) => !filter.owner || ownerMatches(entity.owner, filter.owner))
      .filter(owned => !q || withMatchingVersion.has(owned.family) || catalogMatches(owned, q))
      .sort((a, b) => a.family.localeCompare(b.family) || a.entity.entityRef.localeCompare(b.entity.entityRef));
    const { offset, limit } = filter;
    const next = offset + limit;

    let matching = candidates;
    let latest: Map<string, DeploymentSummary>;
    if (!phases) {
      latest = await this.latestOf(candidates.slice(offset, next));
    } else if (onlyActivePhases) {
      latest = new Map(running.map(({ family, summary }) => [family, summary]));
      matching = candidates.filter(({ family }) => latest.has(family));
    } else {
      latest = await this.latestOf(candidates);
      matching = candidates.filter(({ family }) => {
        const phase = latest.get(family)?.phase;
        return phase !== undefined && phases.includes(phase);
      });
    }

    const page = matching.slice(offset, next);
    const pageFamilies = page.map(({ family }) => family);
    // The page's family workflows carry their freeze in their memo: one list per 100 families.
    const [familyRows, runningDetails, recentEnded] = await Promise.all([
      this.visibility('list deployments', () => listFamilyWorkflowsOf(client, pageFamilies)),
      eachLimited(pageFamilies, PER_FAMILY_CONCURRENCY, family => this.runningDetail(family, latest.get(family))),
      eachLimited(pageFamilies, PER_FAMILY_CONCURRENCY, family => this.recentEnded(family, latest.get(family))),
    ]);
    const frozen = new Map(familyRows.flatMap(row => (row.freeze ? [[row.family, row.freeze] as const] : [])));
    const items = page.map(
      ({ entity, family }, i): FamilyDeploymentSummary => ({
        family,
        entityRef: entity.entityRef,
        ...(entity.title && { entityTitle: entity.title }),
        ...(entity.owner && { owner: entity.owner }),
        queueLength: queueLength.get(family) ?? 0,
        ...(latest.has(family) && { latest: latest.get(family) }),
        ...(runningDetails[i] && { running: runningDetails[i] }),
        ...(recentEnded[i].length > 0 && { recentEnded: recentEnded[i] }),
        ...(frozen.has(family) && { freeze: frozen.get(family) }),
      }),
    );
    return {
      items,
      totalCount: matching.length,
      offset,
      limit,
      ...(next < matching.length && { nextCursor: encodeCursor(next) }),
    };
  }

  /**
   * The latest deployment of each of these families: their family workflows name the version, then the
   * deployments are listed by id. For many families the most recent page of deployments comes first
   * (rows come newest first, so a family's first row there is its latest) and only the older are looked up.
   */
  private async latestOf(owned: OwnedFamily[]): Promise<Map<string, DeploymentSummary>> {
    const { client } = this.options.temporal;
    const latest = new Map<string, DeploymentSummary>();
    let families = [...new Set(owned.map(({ family }) => family))];
    if (families.length > LOOKUPS_BEFORE_RECENT_PAGE) {
      const recent = await this.visibility('list deployments', () => listRecentDeployments(client));
      for (const { family, summary } of recent.rows) if (!latest.has(family)) latest.set(family, summary);
      if (recent.complete) return latest;
      families = families.filter(family => !latest.has(family));
    }
    if (families.length === 0) return latest;
    const familyWorkflows = await this.visibility('list deployments', () => listFamilyWorkflowsOf(client, families));
    const versions = familyWorkflows.flatMap(({ family, versionId }) => (versionId ? [{ family, versionId }] : []));
    const rows = await this.visibility('list deployments', () => listDeploymentsOf(client, versions));
    for (const { family, summary } of rows) if (!latest.has(family)) latest.set(family, summary);
    return latest;
  }

  /**
   * What the family's running deployment says of itself (who asked, what holds it, its ETA); undefined
   * when none runs, or when it does not answer: the row shows what visibility gave, never an error.
   */
  private async runningDetail(family: string, latest: DeploymentSummary | undefined): Promise<RunningDeploymentDetail | undefined> {
    if (!latest || latest.status !== 'running' || (latest.phase && isTerminalPhase(latest.phase))) return undefined;
    try {
      return runningDetailOf(await queryDeploymentState(this.options.temporal, family, latest.versionId));
    } catch {
      return undefined;
    }
  }

  /**
   * The family's last ended deployments besides its latest, newest first, each with why it ended (read once
   * per run and kept); none when visibility does not answer, the row still shows.
   */
  private async recentEnded(family: string, latest: DeploymentSummary | undefined): Promise<DeploymentHistoryEntry[]> {
    let rows: Array<{ summary: DeploymentSummary }>;
    try {
      rows = await listFamilyDeployments(this.options.temporal.client, family, RECENT_ENDED_SHOWN + 2);
    } catch {
      return [];
    }
    const ended = rows
      .map(({ summary }) => summary)
      .filter(summary => summary.status !== 'running' && summary.runId !== latest?.runId)
      .slice(0, RECENT_ENDED_SHOWN);
    const { endedDeployments } = this.options;
    if (!endedDeployments) return ended;
    const outcomes = await Promise.all(ended.map(summary => endedDeployments.outcomeOf(summary)));
    return ended.map((summary, i) => ({ ...summary, ...(outcomes[i]?.reason && { reason: outcomes[i]!.reason }) }));
  }

  /** A visibility call; 503 when Temporal cannot be reached. */
  private async visibility<T>(what: string, call: () => Promise<T>): Promise<T> {
    try {
      return await call();
    } catch (error) {
      throw unavailable(error, `could not ${what}`, this.options.temporal.taskQueue) ?? error;
    }
  }
}

/** Opaque page cursors: the offset of the next page. */
export function encodeCursor(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64url');
}

export function decodeCursor(cursor: string): number {
  try {
    const { offset } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Number.isSafeInteger(offset) && offset >= 0) return offset;
  } catch {
    // Reported below.
  }
  throw new InputError(`cursor ${JSON.stringify(cursor)} is not a cursor this API returned`);
}
