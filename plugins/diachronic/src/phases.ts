import type { ControlAction, DeploymentPhase } from '@diachronic/backstage-plugin-diachronic-common';

/** Every phase with its label, in lifecycle order (typed against the contract, so none is missing). */
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
  superseded: 'Superseded',
};

export const allPhases = Object.keys(phaseLabels) as DeploymentPhase[];

// The contract's `terminalPhases` lives in a module that imports the Temporal SDK at runtime, so the browser
// cannot import it; the Record above keeps this list honest against the phase type.
const terminal: ReadonlySet<DeploymentPhase> = new Set(['completed', 'overridden', 'aborted', 'failed', 'superseded']);

export function isTerminal(phase: DeploymentPhase): boolean {
  return terminal.has(phase);
}

/**
 * The phases in which the workflow accepts each control (it validates them again and answers 409 with its
 * reason; the UI only explains up front why a button is disabled).
 */
export const controlPhases: Record<ControlAction, DeploymentPhase[]> = {
  promote: ['dark'],
  override: ['rolling_out', 'migrating'],
  pause: ['rolling_out'],
  resume: ['rolling_out'],
  abort: ['dark', 'rolling_out', 'migrating'],
};

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
    case 'superseded':
      return 'stopped';
    default:
      return 'active';
  }
}
