/** Deploy windows, evaluated here with the worker's time-zone data: workflow code never reads a zone. */
import { deployWindowState, WindowState } from '@diachronic/contract';

export function createWindowActivities() {
  return {
    /** Whether a deployment may take steps now under its windows, and when that changes. */
    async deployWindow({ windows }: { windows: string[] }): Promise<WindowState> {
      return deployWindowState(windows, Date.now());
    },
  };
}
