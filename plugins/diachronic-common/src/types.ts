/**
 * What the Diachronic REST API answers. Deployment and family state come from the contract unchanged; the
 * types here only add what the backend joins to them (catalog ownership, visibility rows, version flags).
 */
import { newStartsSplit } from '@diachronic/contract';
import type {
  DeploymentPhase,
  DeploymentState,
  DrainForecast,
  FamilyState,
  GateFailureMemo,
  NewStartsSplit,
  RequestDeploymentResult,
  VersionRef,
} from '@diachronic/contract';

/** Temporal's execution status of a deployment workflow, lowercased. */
export type WorkflowRunStatus =
  | 'running'
  | 'completed'
  | 'failed'
  | 'cancelled'
  | 'terminated'
  | 'continued_as_new'
  | 'timed_out'
  | 'paused'
  | 'unknown';

/** One deployment as Temporal visibility lists it: no per-deployment call behind it. */
export interface DeploymentSummary {
  workflowId: string;
  runId: string;
  versionId: string;
  previousVersionId?: string;
  /** The phase the deployment last published; stale when the workflow was terminated from outside. */
  phase?: DeploymentPhase;
  livePercent?: number;
  status: WorkflowRunStatus;
  startedAt: string;
  endedAt?: string;
  /** The health gate's latest failure, while no later evaluation has passed. */
  gateFailure?: GateFailureMemo;
}

/** A row of the catalog-wide list: one family, its owner, and its latest deployment. */
export interface FamilyDeploymentSummary {
  family: string;
  /** The catalog entity whose `diachronic.dev/workflows` annotation names the family. */
  entityRef: string;
  entityTitle?: string;
  /** The entity's `spec.owner` as a full entity ref, e.g. `group:default/payments`. */
  owner?: string;
  /** Deployments waiting behind the current one. */
  queueLength: number;
  /** The freeze in force when the family's workflow last changed it (its `until` may have passed since). */
  freeze?: FamilyState['freeze'];
  /** The family's latest deployment (the running one, else the last one), if it ever had one. */
  latest?: DeploymentSummary;
  /** What the running deployment says of itself; absent when none runs or it did not answer in time. */
  running?: RunningDeploymentDetail;
  /** The family's last ended deployments besides `latest`, newest first (aborted ones stay visible). */
  recentEnded?: DeploymentHistoryEntry[];
}

/** What holds a running deployment where it is. */
export type DeploymentHold = 'paused' | 'waiting for a window' | 'frozen' | 'gate failing';

/** A running deployment as the Deployments page shows it: who asked, what holds it, when it is due to end. */
export interface RunningDeploymentDetail {
  requestedBy: string;
  holds: DeploymentHold[];
  /** The rollout's step (1-based) of its count, once it has one. */
  step?: { index: number; count: number };
  /** Estimated end of the rollout (ISO), while its steps are due. */
  eta?: string;
}

export interface DeploymentListResponse {
  items: FamilyDeploymentSummary[];
  /** Families matching the filters, over all pages. */
  totalCount: number;
  offset: number;
  limit: number;
  /** Pass as `cursor` for the next page; absent on the last page. */
  nextCursor?: string;
}

/** Query parameters of `GET /deployments`. */
export interface DeploymentListQuery {
  /** One phase or several (comma-separated or repeated). */
  phase?: DeploymentPhase | DeploymentPhase[];
  /** Owner entity ref (`group:default/payments`) or its short name (`payments`). */
  owner?: string;
  /** Text searched in family, entity ref, title, owner and version id. */
  q?: string;
  limit?: number;
  offset?: number;
  cursor?: string;
}

/**
 * How a version routes now: `live` (live percentage > 0), `dark` (test traffic only, or nothing yet),
 * `aborted` (takes no new starts, kept until drained), `archived` (retired; routes nothing).
 */
export type VersionStatus = 'live' | 'dark' | 'aborted' | 'archived';

/** One version of a family, from its flag in Unleash. */
export interface FamilyVersion extends Omit<VersionRef, 'family'> {
  status: VersionStatus;
  livePercent: number;
  darkEnabled: boolean;
  sha?: string;
  aborted?: { who: string; why?: string; at: string };
  /** For every version but the newest that is not retired: when its queue will be empty. */
  drain?: DrainForecast;
  /** Its worker as Temporal sees it (not for retired versions; absent when Temporal could not say). */
  health?: VersionHealth;
}

/** A version's worker as Temporal sees it, from its task queue. */
export interface VersionHealth {
  /** Workers polling its task queue for workflow tasks. */
  pollers: number;
  /** The latest poll of any of them (ISO). */
  lastPollAt?: string;
  /** Workflow tasks waiting on the queue (Temporal's approximate count), when the server reports it. */
  backlog?: number;
  /** Workflows running on the queue. */
  running: number;
}

/** A deployment in a family's history, with the reason of its end when it carries one. */
export interface DeploymentHistoryEntry extends DeploymentSummary {
  reason?: string;
}

/** Where a setting's value comes from: the worker's own default, the configured defaults, the family's policy, or a request. */
export type PolicySource = 'built-in' | 'default' | 'family' | 'request';

/** One setting a family's deployments run with, e.g. `gate.maxFailedPercent` 5 from `built-in`. */
export interface PolicySetting {
  /** The option, and for a guard its field: `schedule`, `waves.bakeMs`. */
  key: string;
  /** As JSON: a number (milliseconds for keys ending in `Ms`), a boolean, a list of steps. */
  value: unknown;
  source: PolicySource;
}

/** What a family's deployments run with unless their request changes it, and what a request may not change. */
export interface FamilyPolicy {
  settings: PolicySetting[];
  locked: string[];
  /** The settings the running deployment's request changed, if one runs. */
  deployment?: PolicySetting[];
}

/** Everything the entity Rollout tab shows for one family. */
export interface FamilyView {
  family: string;
  /** The family's policy (absent from backends older than this field). */
  policy?: FamilyPolicy;
  /** The freeze in force (the family's own, else every family's), if any. */
  freeze?: FamilyState['freeze'];
  /** What could not be shown and why (an invalid family name, a worker that did not answer). */
  problems?: string[];
  /** Newest first. */
  versions: FamilyVersion[];
  /** How new workflows split between the versions now, by the routing rule (absent from older backends). */
  split?: NewStartsSplit;
  /** Live state of the deployment running now, if one is. */
  deployment?: DeploymentState;
  /** Deployments waiting behind the running one, in order. */
  queue: FamilyState['queue'];
  /** The latest requests cancelled while queued, newest last. */
  cancelled: NonNullable<FamilyState['cancelled']>;
  /** Recent deployments, newest first. */
  history: DeploymentHistoryEntry[];
  /** The namespace's page in Temporal's web UI, when the backend is configured with it (`diachronic.temporal.uiUrl`). */
  temporalUiUrl?: string;
  /** The page of the project holding the version flags in Unleash's admin UI, when configured (`diachronic.unleash.uiUrl`). */
  unleashUiUrl?: string;
}

export interface EntityFamiliesResponse {
  entityRef: string;
  families: FamilyView[];
}

/** Every control answers the deployment's state after the action. */
export type ControlResponse = DeploymentState;

/** `started` and `queued` answer 202, `duplicate` 200. */
export type StartDeploymentResponse = RequestDeploymentResult;

/** What the GitHub webhook answers when a delivery starts nothing. */
export interface WebhookIgnored {
  outcome: 'ignored';
  reason: string;
}

export type WebhookResponse =
  | (RequestDeploymentResult & { family: string; versionId: string })
  | WebhookIgnored
  | { outcome: 'pong' };


/** How new workflows split between a family's versions, by the routing rule: retired versions route nothing. */
export function splitOfVersions(versions: readonly FamilyVersion[]): NewStartsSplit {
  return newStartsSplit(versions.map(version => ({ ...version, enabled: version.status !== 'archived' })));
}
