export { DeploymentsPage } from './DeploymentsPage';
export type { DeploymentsPageProps } from './DeploymentsPage';
export { DeploymentsTable } from './DeploymentsTable';
export { DeploymentFilters } from './DeploymentFilters';
