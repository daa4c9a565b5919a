/**
 * The plugin's tests and benchmark run against the real services (`npm run services`) and a real
 * Diachronic worker in this process, on a task queue of their own (`@diachronic/test-utils/backend-plugin`,
 * shared with the CLI's tests).
 */
import { uniqueFamily as uniqueFamilyName, uniqueVersionId } from '@diachronic/test-utils';

export { terminateRunning, uniqueVersionId, waitFor } from '@diachronic/test-utils';
export {
  annotatedEntity,
  pluginConfig,
  realServices,
  startDiachronicWorker,
} from '@diachronic/test-utils/backend-plugin';
export type { RealServices, RunningWorker } from '@diachronic/test-utils/backend-plugin';

/** A family name no other run uses, with a dot and a dash as real families may have. */
export function uniqueFamily(base = 'order'): string {
  return uniqueFamilyName('b', base);
}

/** A full commit sha whose first 7 digits no other run uses. */
export function uniqueSha(): string {
  return `${uniqueVersionId().slice(-7)}${'0'.repeat(33)}`;
}
