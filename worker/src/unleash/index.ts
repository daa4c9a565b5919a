export { UnleashAdminClient, UnleashApiError } from './admin-client';
export { ArchivedVersionError, VersionFlags } from './version-flags';
export type { VersionFlag } from './version-flags';
