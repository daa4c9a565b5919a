/**
 * Browser-safe parts shared by the Diachronic Backstage plugins: permissions, the catalog annotation,
 * the REST API's types and paths.
 *
 * @packageDocumentation
 */
export * from './annotations';
export * from './paths';
export * from './permissions';
export * from './types';
