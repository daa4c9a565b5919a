/**
 * The contract between the Diachronic worker, the Backstage backend and the workflows it manages:
 * workflow types and ids, inputs and results, the state snapshot, queries, updates, signals and search
 * attributes. Nothing else defines these. Safe to import from workflow code and from the browser
 * (types only there).
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { defineQuery, defineUpdate } from '@temporalio/workflow';
import { routingSearchAttributes } from '@diachronic/routing/search-attributes';

/** The task queue the Diachronic worker itself polls. */
export const DIACHRONIC_TASK_QUEUE = 'diachronic-ci';

// ---------------------------------------------------------------------------------------------------
// Versions and naming
// ---------------------------------------------------------------------------------------------------

// Naming is defined by the routing package (application teams import it without this worker).
export { FAMILY_PATTERN, VERSION_ID_PATTERN, versionTaskQueue } from '@diachronic/routing/flags';

export interface VersionRef {
  family: string;
  versionId: string;
  seq: number;
  taskQueue: string;
  flag: string;
}

// ---------------------------------------------------------------------------------------------------
// Workflow ids and types
// ---------------------------------------------------------------------------------------------------

export const workflowTypes = {
  family: 'diachronicFamily',
  deployment: 'diachronicDeployment',
  rollout: 'diachronicRollout',
  migration: 'diachronicMigration',
  cleanup: 'diachronicCleanup',
} as const;

export const workflowIds = {
  /** One per family: takes deployment requests and runs them one at a time. */
  family: (family: string) => `diachronic/${family}`,
  deployment: (family: string, versionId: string) => `diachronic/${family}/${versionId}`,
  rollout: (family: string, versionId: string) => `diachronic/${family}/${versionId}/rollout`,
  migration: (family: string, versionId: string) => `diachronic/${family}/${versionId}/migration`,
  /** One per old version, independent of later deployments. */
  cleanup: (family: string, oldVersionId: string) => `diachronic/${family}/${oldVersionId}/cleanup`,
};

// ---------------------------------------------------------------------------------------------------
// Inputs
// ---------------------------------------------------------------------------------------------------

export interface RolloutStep {
  /** Live percentage to set, 1–100. */
  percent: number;
  /** How long to hold this percentage before the next step, in milliseconds. */
  pauseMs: number;
}

export interface DeploymentOptions {
  /** Wait in `dark` (live 0%, isTest traffic only) until promoted. */
  dark: boolean;
  /** The family's workflows implement the migrate signal. */
  migratory: boolean;
  /** Rollout steps; defaults to 10% every 60 s. The last step is always exactly 100. */
  schedule?: RolloutStep[];
  /** How often the migration sweeps the old task queue. */
  sweepIntervalMs?: number;
  /** The wait between the two "nothing runs on the old queue" checks (visibility lag + flag refresh). */
  drainGuardMs?: number;
  /** How often a nonmigratory cleanup polls the old queue. */
  cleanupPollMs?: number;
}

export interface Actor {
  /** Backstage user entity ref, `github:<login>`, or `diachronic` for the system itself. */
  who: string;
  why?: string;
}

export interface DeploymentRequest {
  family: string;
  versionId: string;
  /** Full commit sha, if known. */
  sha?: string;
  environment?: string;
  options: DeploymentOptions;
  requestedBy: Actor;
  /** Where the request came from: `github` (webhook delivery id) or `manual`. */
  source: { kind: 'github'; deliveryId: string } | { kind: 'manual' };
}

// ---------------------------------------------------------------------------------------------------
// Phases and state
// ---------------------------------------------------------------------------------------------------

export const activePhases = ['queued', 'preparing', 'dark', 'rolling_out', 'migrating', 'cleaning_up'] as const;
export const terminalPhases = ['completed', 'overridden', 'aborted', 'failed', 'superseded'] as const;
export type ActivePhase = (typeof activePhases)[number];
export type TerminalPhase = (typeof terminalPhases)[number];
export type DeploymentPhase = ActivePhase | TerminalPhase;

export function isTerminalPhase(phase: DeploymentPhase): phase is TerminalPhase {
  return (terminalPhases as readonly string[]).includes(phase);
}

export interface DeploymentEvent {
  /** ISO timestamp (workflow time). */
  at: string;
  who: string;
  action: string;
  why?: string;
  detail?: string;
}

export interface StepState {
  /** 1-based index of the step last applied; 0 before the first. */
  index: number;
  count: number;
  percent: number;
  /** When the next step is due (ISO), absent when none is planned or the rollout is paused. */
  nextAt?: string;
  /** Estimated end of the rollout (ISO), absent when paused or stopped. */
  eta?: string;
  paused: boolean;
}

export interface MigrationState {
  /** Old workflows told to migrate so far. */
  signaled: number;
  /** Workflows still running on the old task queue at the last sweep. */
  remaining: number;
  lastSweepAt?: string;
  /** sweeping: signaling as routing allows; draining: confirming the old queue is empty; retiring: removing it. */
  stage: 'sweeping' | 'draining' | 'retiring';
}

export interface DeploymentState {
  request: DeploymentRequest;
  phase: DeploymentPhase;
  /** Why a terminal phase was reached (or the failure). */
  reason?: string;
  version?: VersionRef;
  previous?: VersionRef | null;
  livePercent: number;
  step?: StepState;
  migration?: MigrationState;
  startedAt: string;
  endedAt?: string;
  events: DeploymentEvent[];
}

export interface FamilyState {
  family: string;
  current?: { versionId: string; workflowId: string };
  queue: Array<{ versionId: string; requestedBy: Actor; requestedAt: string }>;
}

// ---------------------------------------------------------------------------------------------------
// Messages
// ---------------------------------------------------------------------------------------------------

export type RequestDeploymentResult =
  | { outcome: 'started'; workflowId: string }
  | { outcome: 'queued'; workflowId: string; position: number }
  | { outcome: 'duplicate'; workflowId: string; message: string };

/** Family workflow: ask for a deployment; answers whether it started, queued, or is a duplicate. */
export const requestDeploymentUpdate = defineUpdate<RequestDeploymentResult, [DeploymentRequest]>(
  'diachronic.requestDeployment',
);
export const familyStateQuery = defineQuery<FamilyState>('diachronic.familyState');

export const deploymentStateQuery = defineQuery<DeploymentState>('diachronic.deploymentState');
export const promoteUpdate = defineUpdate<DeploymentState, [Actor]>('diachronic.promote');
export const overrideUpdate = defineUpdate<DeploymentState, [Actor & { percent: number }]>('diachronic.override');
export const pauseUpdate = defineUpdate<DeploymentState, [Actor]>('diachronic.pause');
export const resumeUpdate = defineUpdate<DeploymentState, [Actor]>('diachronic.resume');
export const abortUpdate = defineUpdate<DeploymentState, [Actor]>('diachronic.abort');

export type ControlAction = 'promote' | 'override' | 'pause' | 'resume' | 'abort';

/** The signal every migratable workflow handles; defined by the library workflow authors import. */
export { MIGRATE_SIGNAL_NAME, migrateSignal } from '@diachronic/migrate';
export type { MigrateSignal } from '@diachronic/migrate';

// ---------------------------------------------------------------------------------------------------
// Search attributes (registered on the dev server by scripts/lib/temporal.mjs from search-attributes.json)
// ---------------------------------------------------------------------------------------------------

export const searchAttributes = {
  family: defineSearchAttributeKey('DiachronicFamily', SearchAttributeType.KEYWORD),
  versionId: defineSearchAttributeKey('DiachronicVersionId', SearchAttributeType.KEYWORD),
  previousVersionId: defineSearchAttributeKey('DiachronicPreviousVersionId', SearchAttributeType.KEYWORD),
  phase: defineSearchAttributeKey('DiachronicPhase', SearchAttributeType.KEYWORD),
  livePercent: defineSearchAttributeKey('DiachronicLivePercent', SearchAttributeType.INT),
  queueLength: defineSearchAttributeKey('DiachronicQueueLength', SearchAttributeType.INT),
  /** Stamped by the signaler on each workflow it starts: the version routing chose. */
  routedVersionId: routingSearchAttributes.routedVersionId,
  /** Set by the caller of the signaler: the start was test traffic (routes to dark versions). */
  isTest: routingSearchAttributes.isTest,
};
