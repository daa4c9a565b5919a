/**
 * What Diachronic and a migratable workflow agree on: the migrate signal, the status query and the
 * envelope a migrated run receives as its input. Safe to import anywhere (worker, backend, workflows).
 */
import { defineQuery, defineSignal } from '@temporalio/workflow';

export const MIGRATE_SIGNAL_NAME = 'diachronic.v1.migrate';
export const MIGRATION_STATUS_QUERY_NAME = 'diachronic.v1.migrationStatus';

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
