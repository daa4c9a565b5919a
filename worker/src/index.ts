export { createDiachronicWorker } from './worker';
export type { DiachronicWorker } from './worker';
export { workerConfigFromEnv } from './config';
export type { WorkerConfig } from './config';
export { runWorkerFromEnv } from './run';
export type { RunWorkerOptions } from './run';
