export { useStableRows } from './useStableRows';
export type { Keyed } from './useStableRows';
export { DetailPanel } from './DetailPanel';
