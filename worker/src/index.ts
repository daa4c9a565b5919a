export * from './contract';
export { requestDeployment } from './client';
export { createDiachronicWorker } from './worker';
export { workerConfigFromEnv } from './config';
export { normalizeSchedule, scheduleProblem } from './schedule';
export { deploymentRequestProblem } from './requests';
