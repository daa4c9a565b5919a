/**
 * The acknowledgement a migratable run gives Diachronic: on the migrate signal it sets the search
 * attribute `DiachronicMigrationRequested` to the target version, so that the next sweep sees it was told
 * and lists it no more. Diachronic asks for it (`acknowledge: true`) only where the namespace has the
 * attribute registered; without it, upserting would fail every workflow task of the run.
 */
import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';
import { patched, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { MigrateSignal } from './contract';

export const MIGRATION_REQUESTED_SEARCH_ATTRIBUTE = 'DiachronicMigrationRequested';

/** The version this run was told to migrate to (Keyword). */
export const migrationRequestedKey = defineSearchAttributeKey(MIGRATION_REQUESTED_SEARCH_ATTRIBUTE, SearchAttributeType.KEYWORD);

// Histories recorded before the acknowledgement existed have no upsert here: they replay without one.
const ACKNOWLEDGE_PATCH = 'diachronic-migrate-acknowledges';

/**
 * Records that this run was told to migrate to `signal.versionId`, when the signal asks for it. For
 * workflows that handle the migrate signal themselves; `migratable()` calls it for you.
 */
export function acknowledgeMigration(signal: MigrateSignal): void {
  if (signal.acknowledge !== true) return;
  if (workflowInfo().typedSearchAttributes.get(migrationRequestedKey) === signal.versionId) return;
  if (patched(ACKNOWLEDGE_PATCH)) upsertSearchAttributes([{ key: migrationRequestedKey, value: signal.versionId }]);
}

/**
 * Continue-as-new copies search attributes, so a run may start with its predecessor's acknowledgement,
 * although this run was never told anything: it clears it, so that the next sweep tells this run again.
 */
export function clearInheritedAcknowledgement(): void {
  if (workflowInfo().typedSearchAttributes.get(migrationRequestedKey) === undefined) return;
  if (patched(ACKNOWLEDGE_PATCH)) upsertSearchAttributes([{ key: migrationRequestedKey, value: null }]);
}
