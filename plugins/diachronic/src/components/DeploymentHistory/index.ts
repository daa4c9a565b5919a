export { DeploymentHistory } from './DeploymentHistory';
export type { DeploymentHistoryProps } from './DeploymentHistory';
export { DeploymentEvents } from './DeploymentEvents';
export { EventsTimeline } from './EventsTimeline';
