/**
 * What Diachronic and a migratable workflow agree on: the migrate signal, the status query and the
 * envelope a migrated run receives as its input. Safe to import anywhere (worker, backend, workflows).
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';

export const MIGRATE_SIGNAL_NAME = 'diachronic.v1.migrate';
export const MIGRATION_STATUS_QUERY_NAME = 'diachronic.v1.migrationStatus';
export const MIGRATION_PREVIEW_QUERY_NAME = 'diachronic.v1.migrationPreview';

/** The signal every migratable workflow handles: continue as new on `taskQueue`. */
export interface MigrateSignal {
  taskQueue: string;
  versionId: string;
  /**
   * Set by Diachronic where the namespace has `DiachronicMigrationRequested` registered: the run records
   * that it was told (`acknowledgeMigration`), so that later sweeps list it no more.
   */
  acknowledge?: boolean;
}

export const migrateSignal = defineSignal<[MigrateSignal]>(MIGRATE_SIGNAL_NAME);

export interface MigrationStatus {
  /** The target the workflow will move to (the latest one signaled), or null. */
  requested: MigrateSignal | null;
  /** When that target was first signaled, epoch milliseconds (workflow time); absent from older releases. */
  requestedAt?: number | null;
  /** A migration is requested and the workflow has not moved yet. */
  waiting: boolean;
  /** While waiting: the "not now" reasons in force, and the two pseudo-reasons below. */
  blockedBy: string[];
}

/** A signal or update handler is still running; the workflow moves when all have finished. */
export const BLOCKED_BY_HANDLERS = 'handlers still running';
/** The workflow is busy between safe points (checkpoint, waitFor, sleepUntil, the end of notNow). */
export const BLOCKED_BY_BUSY = 'not at a safe point';

export const migrationStatusQuery = defineQuery<MigrationStatus>(MIGRATION_STATUS_QUERY_NAME);

/** How a run came to be: written by the run that moved, read by the run that arrived. */
export interface MigrationInfo {
  /** The version the workflow left, when that run knew its own version. */
  fromVersionId?: string;
  toVersionId: string;
  /** When the old run moved, epoch milliseconds (workflow time). */
  migratedAt: number;
  /** Named timers: their absolute due times, epoch milliseconds (workflow time). */
  timers: Record<string, number>;
}

/** The input of a run that arrived by migration. */
export interface MigrationEnvelope<S> {
  diachronic: MigrationInfo;
  state: S;
}

/**
 * What a run would carry if it moved to `toVersionId` now, without moving: the upgrade dry run reads it
 * (the query's argument is the target version id) and hands it to the new version's upgrade function.
 */
export interface MigrationPreview {
  /** The workflow type the run would continue as: the one whose upgrade receives the envelope. */
  workflowType: string;
  envelope: MigrationEnvelope<unknown>;
}

export const migrationPreviewQuery = defineQuery<MigrationPreview, [string]>(MIGRATION_PREVIEW_QUERY_NAME);

/** The activity a new version's worker offers for the upgrade dry run (see `@diachronic/migrate/upgrade-check`). */
export const UPGRADE_CHECK_ACTIVITY = 'diachronic.v1.checkUpgrades';

/** Which old runs the new version's worker checks, and the version they would move to. */
export interface UpgradeCheckInput {
  toVersionId: string;
  workflows: Array<{ workflowId: string; runId: string }>;
}

/** A run whose state the new version's upgrade refused: what it threw and what the state looked like. */
export interface UpgradeCheckFailure {
  workflowId: string;
  runId: string;
  workflowType: string;
  /** The error the upgrade threw (its type and message). */
  error: string;
  /** The state's structure, without its values: `{ orderId: string, paymentRef: null, items: [{ sku: string }] }`. */
  stateShape: string;
}

/** Failures and unchecked runs an upgrade check names at most (it counts them all). */
export const UPGRADE_CHECK_EXAMPLES = 10;

export interface UpgradeCheckResult {
  /** Runs whose state went through their type's upgrade without an error. */
  passed: number;
  /** Runs whose upgrade threw, and the first UPGRADE_CHECK_EXAMPLES of them. */
  failed: number;
  failures: UpgradeCheckFailure[];
  /** Runs that could not be checked (no upgrade for their type, no answer to the preview query), and why. */
  unchecked: number;
  notChecked: Array<{ workflowId: string; runId: string; reason: string }>;
}
