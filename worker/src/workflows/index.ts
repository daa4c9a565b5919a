export { diachronicFamily } from './family';
export { diachronicDeployment } from './deployment';
export { diachronicRollout } from './rollout';
export { diachronicMigration } from './migration';
export { diachronicCleanup } from './cleanup';
export { diachronicFreeze } from './freeze';
