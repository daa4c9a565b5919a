/** The entity Rollout tab's data: for each family an entity owns, its versions, running deployment, queue and history. */
import { BackstageCredentials, LoggerService } from '@backstage/backend-plugin-api';
import { CancelledRequest, DRAIN_WINDOW_MS, VersionRef, forecastDrain, workflowIds } from '@diachronic/contract';
import {
  DeploymentHistoryEntry,
  EntityFamiliesResponse,
  EntityRouteRef,
  FamilyVersion,
  FamilyView,
  diachronicDeploymentReadPermission,
  splitOfVersions,
} from '@diachronic/backstage-plugin-diachronic-common';
import { DeploymentPolicies } from './deploymentPolicy';
import { EndedDeployments } from './EndedDeployments';
import { EntityAccess } from './entities';
import { TemporalAccess } from './temporal';
import { unavailable } from './temporalErrors';
import { UnleashVersions, retiredVersion } from './UnleashVersions';
import { countDrain, isValidFamily, listFamilyDeployments, versionHealth } from './visibility';
import { describeStuck } from './stuckWorkflows';
import { queryFamilyState, readDeployment } from './workflowQueries';

/** How many past deployments the entity view shows per family. */
export const HISTORY_LIMIT = 20;

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Served versions as Unleash routes them, then the retired ones the deployments name (their flags are
 * archived, so Unleash no longer serves them), newest first.
 */
function allVersions(served: FamilyVersion[], named: Array<VersionRef | null | undefined>): FamilyVersion[] {
  const byVersionId = new Map(served.map(version => [version.versionId, version]));
  for (const ref of named) {
    if (ref && !byVersionId.has(ref.versionId)) byVersionId.set(ref.versionId, retiredVersion(ref));
  }
  return [...byVersionId.values()].sort((a, b) => b.seq - a.seq);
}

/**
 * Requests that never ran, taken out of the queue (cancelled by a person, or superseded by a newer request
 * of a `latest` queue), as history entries: no workflow of their own, so no run id.
 */
export function withdrawnRequests(family: string, cancelled: CancelledRequest[]): DeploymentHistoryEntry[] {
  return cancelled.map(entry => {
    const { who, why } = entry.cancelledBy;
    return {
      workflowId: workflowIds.deployment(family, entry.versionId),
      runId: '',
      versionId: entry.versionId,
      phase: entry.supersededBy === undefined ? 'cancelled' : 'superseded',
      status: 'cancelled',
      startedAt: entry.requestedAt,
      endedAt: entry.cancelledAt,
      reason: entry.supersededBy === undefined ? `cancelled by ${who}${why ? `: ${why}` : ''}` : `superseded by ${entry.supersededBy}`,
    };
  });
}

export class FamilyViewService {
  constructor(
    private readonly options: {
      temporal: TemporalAccess;
      unleashVersions: UnleashVersions;
      entities: EntityAccess;
      endedDeployments: EndedDeployments;
      policies: DeploymentPolicies;
      logger: LoggerService;
      /** The page of the project holding the version flags in Unleash's admin UI, for links. */
      unleashProjectUiUrl?: string;
    },
  ) {}

  /** The entity's families: versions, the running deployment, the queue and recent history of each. */
  async entityFamilies(
    route: EntityRouteRef,
    { credentials }: { credentials: BackstageCredentials },
  ): Promise<EntityFamiliesResponse> {
    const { entities } = this.options;
    const entity = await entities.authorizedEntity(route, diachronicDeploymentReadPermission, credentials);
    return {
      entityRef: entity.entityRef,
      families: await Promise.all(entity.families.map(family => this.familyView(family))),
    };
  }

  /**
   * Every version that is not retired gets its worker's health (pollers, backlog, running workflows), and
   * every one but the newest a drain forecast: when its queue will be empty, from three counts (running;
   * closed and started over the last DRAIN_WINDOW_MS).
   */
  private async withHealthAndDrain(family: string, versions: FamilyVersion[], problems: string[]): Promise<FamilyVersion[]> {
    const { client } = this.options.temporal;
    const now = Date.now();
    return Promise.all(
      versions.map(async (version, index) => {
        if (version.status === 'archived') return version;
        // An old version's drain counts its running workflows: its health uses that count, not a second one.
        const counts = index === 0 ? undefined : countDrain(client, family, version.versionId, new Date(now - DRAIN_WINDOW_MS));
        const [health, drain] = await Promise.all([
          versionHealth(client, family, version.versionId, counts?.then(({ running }) => running)).catch(error => {
            problems.push(`could not describe the task queue ${version.taskQueue}: ${errorMessage(error)}`);
            return undefined;
          }),
          counts?.then(
            found => forecastDrain(found, now),
            error => {
              problems.push(`could not count the workflows on ${version.taskQueue}: ${errorMessage(error)}`);
              return undefined;
            },
          ),
        ]);
        return { ...version, ...(health && { health }), ...(drain && { drain }) };
      }),
    );
  }

  private async familyView(family: string): Promise<FamilyView> {
    if (!isValidFamily(family)) {
      return {
        family,
        versions: [],
        queue: [],
        cancelled: [],
        history: [],
        problems: [`${JSON.stringify(family)} is not a valid family name (lowercase letters, digits, '.', '-', '_')`],
      };
    }
    const { temporal, unleashVersions, endedDeployments, logger } = this.options;
    const problems: string[] = [];
    // A part that cannot be read is reported with the rest rather than failing the whole view.
    const orProblem =
      <T>(what: string, fallback: T) =>
      (error: unknown): T => {
        logger.warn(`Diachronic: could not read ${what} of ${family}`, error instanceof Error ? error : undefined);
        const problem = unavailable(error, `could not read ${what}`, temporal.taskQueue);
        problems.push(problem ? problem.message : `could not read ${what}: ${errorMessage(error)}`);
        return fallback;
      };
    const [served, live, rows] = await Promise.all([
      unleashVersions.servedVersions(family).catch(orProblem('the versions in Unleash', [] as FamilyVersion[])),
      queryFamilyState(temporal, family)
        .then(async state => ({
          queue: state.queue,
          cancelled: state.cancelled ?? [],
          freeze: state.freeze,
          deployment: state.current ? await readDeployment(temporal, family, state.current.versionId) : undefined,
        }))
        .catch(
          orProblem('the running deployment', {
            queue: [] as FamilyView['queue'],
            cancelled: [] as FamilyView['cancelled'],
            freeze: undefined,
            deployment: undefined,
          }),
        ),
      listFamilyDeployments(temporal.client, family, HISTORY_LIMIT).catch(error => {
        throw unavailable(error, `could not list the deployments of ${family}`, temporal.taskQueue) ?? error;
      }),
    ]);
    const outcomes = await Promise.all(rows.map(({ summary }) => endedDeployments.outcomeOf(summary)));
    const ran: DeploymentHistoryEntry[] = rows.map(({ summary }, i) => {
      const reason = outcomes[i]?.reason;
      return reason ? { ...summary, reason } : summary;
    });
    const history = [...ran, ...withdrawnRequests(family, live.cancelled)]
      .sort((a, b) => b.startedAt.localeCompare(a.startedAt))
      .slice(0, HISTORY_LIMIT);
    for (const stuck of live.deployment?.stuck ?? []) problems.push(describeStuck(stuck));
    const named = [live.deployment, ...outcomes].flatMap(outcome => [outcome?.version, outcome?.previous]);
    const versions = await this.withHealthAndDrain(family, allVersions(served, named), problems);
    return {
      family,
      ...(problems.length > 0 && { problems }),
      policy: this.options.policies.describe(family, live.deployment?.request.options),
      ...(live.freeze && { freeze: live.freeze }),
      versions,
      split: splitOfVersions(versions),
      ...(live.deployment && { deployment: live.deployment }),
      queue: live.queue,
      cancelled: live.cancelled,
      history,
      ...(temporal.namespaceUiUrl && { temporalUiUrl: temporal.namespaceUiUrl }),
      ...(this.options.unleashProjectUiUrl && { unleashUiUrl: this.options.unleashProjectUiUrl }),
    };
  }
}
