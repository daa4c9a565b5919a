export { UnleashAdminClient, UnleashApiError } from './admin-client';
export { VersionFlags } from './version-flags';
export type { VersionFlag } from './version-flags';
