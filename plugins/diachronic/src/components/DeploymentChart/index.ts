export { DeploymentChart } from './DeploymentChart';
