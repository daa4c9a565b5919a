/**
 * Make a Temporal workflow migratable by Diachronic: see README.md. Workflow-safe: it imports only
 * @temporalio/workflow and @temporalio/common.
 */
export * from './contract';
export { acknowledgeMigration, MIGRATION_REQUESTED_SEARCH_ATTRIBUTE, migrationRequestedKey } from './acknowledgement';
export { isMigration, receiveMigratedState } from './envelope';
export type { MigratableInput, ReceiveOptions } from './envelope';
export { migratable } from './migratable';
export type { MigratableOptions, Migration, Timer } from './migratable';
