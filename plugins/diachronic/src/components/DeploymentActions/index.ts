export { DeploymentActions, controlBlocker } from './DeploymentActions';
export type { DeploymentActionsProps } from './DeploymentActions';
