import { DeploymentPhase, publishedPhases } from '@diachronic/backstage-plugin-diachronic-common';

/** Every phase with its label (typed against the contract, so none is missing). */
export const phaseLabels: Record<DeploymentPhase, string> = {
  queued: 'Queued',
  preparing: 'Preparing',
  dark: 'Dark',
  rolling_out: 'Rolling out',
  migrating: 'Migrating',
  cleaning_up: 'Cleaning up',
  completed: 'Completed',
  overridden: 'Overridden',
  aborted: 'Aborted',
  failed: 'Failed',
  cancelled: 'Cancelled',
  superseded: 'Superseded',
};

/** The phases a deployment can be listed in, in lifecycle order (the Deployments page filters by them). */
export const listedPhases: readonly DeploymentPhase[] = publishedPhases;

export type PhaseTone = 'active' | 'waiting' | 'ok' | 'stopped' | 'error';

export function phaseTone(phase: DeploymentPhase): PhaseTone {
  switch (phase) {
    case 'queued':
    case 'dark':
      return 'waiting';
    case 'completed':
      return 'ok';
    case 'failed':
      return 'error';
    case 'overridden':
    case 'aborted':
    case 'cancelled':
    case 'superseded':
      return 'stopped';
    default:
      return 'active';
  }
}
