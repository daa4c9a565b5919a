import type { MigrationEnvelope, MigrationInfo } from './contract';

/** A migratable workflow's input: a fresh start, or the envelope of a run that migrated here. */
export type MigratableInput<Start, Old> = Start | MigrationEnvelope<Old>;

/**
 * Whether this run arrived by migration (else it is a fresh start). On an input typed
 * `MigratableInput<Start, Old>` it narrows to `MigrationEnvelope<Old>`, and to `Start` otherwise.
 */
export function isMigration(input: unknown): input is MigrationEnvelope<unknown> {
  if (typeof input !== 'object' || input === null || !('diachronic' in input) || !('state' in input)) {
    return false;
  }
  const info = input.diachronic as Partial<MigrationInfo> | null;
  return (
    typeof info === 'object' &&
    info !== null &&
    typeof info.toVersionId === 'string' &&
    typeof info.migratedAt === 'number' &&
    typeof info.timers === 'object' &&
    info.timers !== null
  );
}

export interface ReceiveOptions<Old, S> {
  /**
   * Turns what the previous version exported into this version's state. It also receives states of
   * this very version (a redeploy of the same code migrates too), so discriminate, e.g. on a `version`
   * field.
   */
  upgrade: (old: Old, migration: MigrationInfo) => S;
}

/** The state a migrated run continues with: the old run's state, upgraded when an upgrade is given. */
export function receiveMigratedState<S>(envelope: MigrationEnvelope<S>): S;
export function receiveMigratedState<Old, S>(envelope: MigrationEnvelope<Old>, options: ReceiveOptions<Old, S>): S;
export function receiveMigratedState<Old, S>(
  envelope: MigrationEnvelope<Old>,
  options?: ReceiveOptions<Old, S>,
): Old | S {
  return options ? options.upgrade(envelope.state, envelope.diachronic) : envelope.state;
}
