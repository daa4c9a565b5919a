/**
 * The Diachronic contract: names, phases, requests and state as plain data and schemas. Browser-safe and
 * workflow-safe: it imports nothing of Temporal, Backstage or Node. Temporal's message definitions and
 * search attribute keys are in `@diachronic/contract/temporal`.
 *
 * @packageDocumentation
 */
export * from './drain';
export * from './health';
export * from './migrationPolicy';
export * from './naming';
export * from './phases';
export * from './requests';
export * from './schedule';
export * from './split';
export * from './state';
export * from './timeline';
export * from './windows';
export * from './workflows';
