/**
 * The order example family, for callers and tests: the workflow type, its messages and each version's
 * state. The workers are v1/main.ts and v2/main.ts.
 */
export * from './contract';
export { createOrderActivities } from './activities';
export type { Charge } from './activities';
export type { OrderStateV1 } from './v1/workflows';
export type { OrderStateV2 } from './v2/workflows';
