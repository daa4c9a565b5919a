/**
 * Browser-safe parts shared by the Diachronic Backstage plugins: the contract (phases, requests, state),
 * permissions, the catalog annotation, the REST API's paths, bodies and answers, and the signal channels.
 *
 * @packageDocumentation
 */
export * from '@diachronic/contract';
export * from './annotations';
export * from './bodies';
export * from './paths';
export * from './permissions';
export * from './runningDetail';
export * from './signals';
export * from './types';
