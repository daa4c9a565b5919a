export { useEntityFamilies, isFamiliesLive } from './useEntityFamilies';
export { useDeployments } from './useDeployments';
export { usePolledAsync } from './usePolledAsync';
export type { PolledAsyncState, PollingOptions } from './usePolledAsync';
export { useControlPermissions, useDeploymentControl } from './useDeploymentControls';
export type { ControlInput, ControlPermissions } from './useDeploymentControls';
export { useDeploymentState } from './useDeploymentState';
export { useDialogSubmit } from './useDialogSubmit';
