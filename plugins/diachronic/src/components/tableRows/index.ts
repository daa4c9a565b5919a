export { useStableRows } from './useStableRows';
export type { Keyed } from './useStableRows';
