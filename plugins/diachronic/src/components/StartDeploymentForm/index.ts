export { StartDeploymentForm, describeStart } from './StartDeploymentForm';
export type { StartDeploymentFormProps } from './StartDeploymentForm';
export { StartDeploymentButton } from './StartDeploymentButton';
export type { StartDeploymentButtonProps } from './StartDeploymentButton';
