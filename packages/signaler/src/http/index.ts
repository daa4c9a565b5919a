/** The HTTP service, apart from the main entry so that interceptor users do not load Express. */
export { createSignalerApp, DEFAULT_BODY_LIMIT, type SignalerAppOptions } from './app';
export { runSignalerFromEnv } from './cli';
export { parseFamilies, readSignalerConfig, type SignalerConfig } from './config';
export { type ErrorBody, SignalerRequestError } from './errors';
export { MAX_BATCH_ITEMS } from './schema';
export { type RunningSignaler, startSignaler } from './server';
export {
  type BatchItemResult,
  type BatchResult,
  type HealthReport,
  SignalerService,
  type SignalerServiceOptions,
  type StartedWorkflow,
  type UpdateResult,
} from './service';
