/** The catalog-wide Deployments page: every family the caller may read, its owner and its latest deployment. */
import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { DeploymentPhase } from '@diachronic/contract';
import {
  DeploymentListResponse,
  DeploymentSummary,
  FamilyDeploymentSummary,
  diachronicDeploymentReadPermission,
} from '@diachronic/backstage-plugin-diachronic-common';
import { EntityAccess } from './entities';
import { TemporalAccess } from './temporal';
import { unavailable } from './temporalErrors';
import {
  isValidFamily,
  listDeploymentsOf,
  listFamilyWorkflowsOf,
  listQueuedFamilies,
  listRecentDeployments,
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

function matchesText(item: FamilyDeploymentSummary, q: string): boolean {
  const text = [item.family, item.entityRef, item.entityTitle, item.owner, item.latest?.versionId]
    .filter(Boolean)
    .join('\n')
    .toLocaleLowerCase('en-US');
  return text.includes(q.toLocaleLowerCase('en-US'));
}

export class DeploymentListService {
  constructor(private readonly options: { temporal: TemporalAccess; entities: EntityAccess }) {}

  /**
   * Every family the caller may read, with its owner and latest deployment. The catalog's annotated
   * entities and the family workflows with a queue are listed at once. When nothing filters by phase or
   * text, the catalog alone sorts and counts the families and only the requested page's are looked up
   * (their family workflows, then their latest deployments: two lists per 100 families). Otherwise every
   * readable family is needed: the most recent page of deployments gives the latest of every family
   * deployed lately, and only families older than that page are looked up.
   */
  async listDeployments(
    filter: DeploymentListFilter,
    { credentials }: { credentials: BackstageCredentials },
  ): Promise<DeploymentListResponse> {
    const { client } = this.options.temporal;
    const byCatalogAlone = !filter.phases && !filter.q;
    const [entities, recent, queued] = await Promise.all([
      this.options.entities.readableOwningEntities(diachronicDeploymentReadPermission, credentials),
      byCatalogAlone
        ? { rows: [], complete: false }
        : this.visibility('list deployments', () => listRecentDeployments(client)),
      this.visibility('list deployments', () => listQueuedFamilies(client)),
    ]);
    const queueLength = new Map(queued.map(row => [row.family, row.queueLength]));
    // Rows come newest first: a family's first row is its latest deployment.
    const latest = new Map<string, DeploymentSummary>();
    for (const { family, summary } of recent.rows) if (!latest.has(family)) latest.set(family, summary);

    const owned = entities
      .flatMap(entity => entity.families.filter(isValidFamily).map(family => ({ entity, family })))
      .filter(({ entity }) => !filter.owner || ownerMatches(entity.owner, filter.owner))
      .sort((a, b) => a.family.localeCompare(b.family) || a.entity.entityRef.localeCompare(b.entity.entityRef));
    const { offset, limit } = filter;
    const needed = byCatalogAlone ? owned.slice(offset, offset + limit) : owned;

    const older = [...new Set(needed.map(({ family }) => family))].filter(family => !latest.has(family));
    if (!recent.complete && older.length > 0) {
      const familyWorkflows = await this.visibility('list deployments', () => listFamilyWorkflowsOf(client, older));
      const versions = familyWorkflows.flatMap(({ family, versionId }) => (versionId ? [{ family, versionId }] : []));
      const rows = await this.visibility('list deployments', () => listDeploymentsOf(client, versions));
      for (const { family, summary } of rows) {
        if (!latest.has(family)) latest.set(family, summary);
      }
    }

    const summary = ({ entity, family }: (typeof owned)[number]): FamilyDeploymentSummary => ({
      family,
      entityRef: entity.entityRef,
      ...(entity.title && { entityTitle: entity.title }),
      ...(entity.owner && { owner: entity.owner }),
      queueLength: queueLength.get(family) ?? 0,
      ...(latest.has(family) && { latest: latest.get(family) }),
    });
    const next = offset + limit;
    if (byCatalogAlone) {
      return {
        items: needed.map(summary),
        totalCount: owned.length,
        offset,
        limit,
        ...(next < owned.length && { nextCursor: encodeCursor(next) }),
      };
    }
    const items = owned
      .map(summary)
      .filter(
        item =>
          (!filter.phases || (item.latest?.phase !== undefined && filter.phases.includes(item.latest.phase))) &&
          (!filter.q || matchesText(item, filter.q)),
      );
    return {
      items: items.slice(offset, next),
      totalCount: items.length,
      offset,
      limit,
      ...(next < items.length && { nextCursor: encodeCursor(next) }),
    };
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
