export { StartDeploymentForm, describeStart } from './StartDeploymentForm';
export type { StartDeploymentFormProps } from './StartDeploymentForm';
