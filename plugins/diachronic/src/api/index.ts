export { diachronicApiRef } from './DiachronicApi';
export type { DiachronicApi } from './DiachronicApi';
export { DiachronicClient } from './DiachronicClient';
