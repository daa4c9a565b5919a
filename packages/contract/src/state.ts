/** What a deployment and a family workflow answer about themselves: plain data, read by the UI as is. */
import type { GateState } from './health';
import type { UpgradeDryRunReport, WaveState } from './migrationPolicy';
import type { DeploymentPhase } from './phases';
import type { Actor, DeploymentRequest } from './requests';

/** One version of a family: where its workflows run and which flag routes to it. */
export interface VersionRef {
  family: string;
  /** The (short) git sha the version was built from. */
  versionId: string;
  /** 0-based, per family, in deployment order. */
  seq: number;
  taskQueue: string;
  flag: string;
}

export interface DeploymentEvent {
  /** ISO timestamp (workflow time). */
  at: string;
  who: string;
  action: string;
  why?: string;
  detail?: string;
}

/** The deployment at one moment: its live percentage, and while it migrates, what still runs on the old queue. */
export interface TimelinePoint {
  /** ISO timestamp (workflow time). */
  at: string;
  livePercent: number;
  /** Workflows running on the old task queue at the migration's last sweep. */
  oldRunning?: number;
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
  /**
   * Told workflows that have left the old queue for the new one (continued as new there), at the last sweep;
   * absent where workflows cannot acknowledge (the namespace lacks DiachronicMigrationRequested) and from
   * migrations older than this field.
   */
  moved?: number;
  lastSweepAt?: string;
  /**
   * checking: the upgrade dry run, before any signal; sweeping: signaling as routing (and the waves) allow;
   * draining: confirming the old queue is empty; retiring: removing it; stopped: ended before telling
   * anyone, because the dry run failed (the old version drains by itself and is cleaned up then).
   */
  stage: 'checking' | 'sweeping' | 'draining' | 'retiring' | 'stopped';
  /** Held by a failed health gate (policy `pause`): no sweeps until an operator resumes. Set by the deployment. */
  held?: boolean;
  /** The latest look for stragglers; absent until the first told workflow is `stragglerAfterMs` old. */
  stragglers?: StragglerReport;
  /** The upgrade dry run, when the deployment asked for one. */
  dryRun?: UpgradeDryRunReport;
  /** The waves, when the deployment moves old workflows in waves. */
  wave?: WaveState;
  /** Why the old version was not retired at the last try (routing still uses it, a schedule still targets it). */
  retireRefused?: string;
}

/** Workflows told to migrate longer ago than the threshold that still run on the old queue. */
export interface StragglerReport {
  /** ISO time of the look. */
  checkedAt: string;
  /** Told more than this long ago. */
  olderThanMs: number;
  /** How the look was made, or why it could not be. */
  method: 'acknowledged sample' | 'not checked: the namespace lacks DiachronicMigrationRequested';
  /** Workflows still running on the old queue that acknowledged the migrate signal (a count). */
  toldStillRunning: number;
  /** Of those, how many were asked (the sample) and how many did not answer. */
  sampled: number;
  unanswered: number;
  /** The stragglers found in the sample, told longest ago first (at most STRAGGLERS_SHOWN). */
  stragglers: Straggler[];
}

export interface Straggler {
  workflowId: string;
  runId: string;
  /** When it was told (ISO, from its own status query). */
  toldAt: string;
  /** Why it has not moved: its "not now" reasons, `handlers still running`, `not at a safe point`. */
  blockedBy: string[];
}

/** Stragglers a report names at most. */
export const STRAGGLERS_SHOWN = 10;

/** A workflow of a deployment that keeps failing its workflow task (found by the backend, not the workflow). */
export interface StuckWorkflow {
  workflowId: string;
  workflowType: string;
  /** When the task that keeps failing was first scheduled. */
  failingSince: string;
  /** Attempts of that task so far. */
  attempts: number;
  /** The error of its last failed attempt. */
  lastFailure?: string;
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
  /**
   * The live percentage and the old queue's running count over time, a point per change, at most
   * TIMELINE_POINTS (thinned evenly when full); absent from deployments older than this field.
   */
  timeline?: TimelinePoint[];
  /** The health gate's policy and its evaluations, when the deployment is guarded. */
  gate?: GateState;
  /** Outside its deploy windows: the rollout and migration hold where they are until it opens. */
  waitingForWindow?: { opensAt?: string };
  /** Frozen by an operator: the rollout and migration hold where they are until the freeze ends. */
  frozen?: Freeze;
  /**
   * Set by the backend, never by the workflow: the deployment's workflows (its own, rollout, migration)
   * that have failed their workflow tasks for a few minutes. Such a workflow does not move until its code
   * is fixed or it is terminated (abort terminates stuck children).
   */
  stuck?: StuckWorkflow[];
}

export interface QueuedRequest {
  versionId: string;
  requestedBy: Actor;
  requestedAt: string;
  /** The whole request (absent from family workflows older than this field). */
  request?: DeploymentRequest;
}

/** A queued request that was cancelled (or superseded) before it started. */
export interface CancelledRequest extends QueuedRequest {
  cancelledBy: Actor;
  cancelledAt: string;
  /** Set when a newer request of a `latest` queue took its place: that request's version. */
  supersededBy?: string;
}

/**
 * An operator's freeze: while it holds, no queued request of the family starts and the running deployment
 * takes no step or wave. `family`: this family's own; `global`: every family's.
 */
export interface Freeze {
  scope: 'family' | 'global';
  who: string;
  why: string;
  /** ISO. */
  at: string;
  /** ISO: it ends by itself then; absent: until an unfreeze. */
  until?: string;
}

/** What a freeze carries when asked for: who, why, and when it ends by itself (ISO, optional). */
export interface FreezeInput {
  who: string;
  why: string;
  until?: string;
}

export interface FamilyState {
  family: string;
  current?: { versionId: string; workflowId: string };
  queue: QueuedRequest[];
  /** The latest cancelled requests, newest last (absent from family workflows older than this field). */
  cancelled?: CancelledRequest[];
  /** The freeze in force (the family's own, else the global one), if any. */
  freeze?: Freeze;
}

export type RequestDeploymentResult =
  | { outcome: 'started'; workflowId: string }
  /** `reason`: why it waits when nothing runs before it (a freeze). */
  | { outcome: 'queued'; workflowId: string; position: number; reason?: string }
  | { outcome: 'duplicate'; workflowId: string; message: string };

/** What a cancel of a queued request carries: which version, who asked and why. */
export type CancelQueuedInput = Actor & { versionId: string };

/** What an override carries: who asked, why, and the live percentage to set now. */
export type OverrideInput = Actor & { percent: number };
