import { DeploymentPhase, deploymentPhases } from '@diachronic/backstage-plugin-diachronic-common';

/** Every phase with its label (typed against the contract, so none is missing). */
export const phaseLabels: Record<DeploymentPhase, string> = {
  preparing: 'Preparing',
  dark: 'Dark',
  rolling_out: 'Rolling out',
  migrating: 'Migrating',
  cleaning_up: 'Cleaning up',
  completed: 'Completed',
  overridden: 'Overridden',
  aborted: 'Aborted',
  failed: 'Failed',
};

/** In lifecycle order. */
export const allPhases: readonly DeploymentPhase[] = deploymentPhases;

export type PhaseTone = 'active' | 'waiting' | 'ok' | 'stopped' | 'error';

export function phaseTone(phase: DeploymentPhase): PhaseTone {
  switch (phase) {
    case 'dark':
      return 'waiting';
    case 'completed':
      return 'ok';
    case 'failed':
      return 'error';
    case 'overridden':
    case 'aborted':
      return 'stopped';
    default:
      return 'active';
  }
}
