/** A deployment's phases, and which control actions each phase allows. */

/** `queued`: waiting in its family's queue behind the running deployment (no workflow of its own yet). */
export const activePhases = ['queued', 'preparing', 'dark', 'rolling_out', 'migrating', 'cleaning_up'] as const;
/**
 * `cancelled`: taken out of the queue before it started; `superseded`: taken out of the queue by a newer
 * request of a family whose queue policy is `latest`.
 */
export const terminalPhases = ['completed', 'overridden', 'aborted', 'failed', 'cancelled', 'superseded'] as const;
/** Every phase, in lifecycle order. */
export const deploymentPhases = [...activePhases, ...terminalPhases] as const;
/**
 * The phases a deployment workflow publishes (search attribute `DiachronicPhase`), which lists can filter
 * by; `queued`, `cancelled` and `superseded` belong to requests that have no workflow of their own.
 */
export const publishedPhases = [
  'preparing',
  'dark',
  'rolling_out',
  'migrating',
  'cleaning_up',
  'completed',
  'overridden',
  'aborted',
  'failed',
] as const satisfies readonly DeploymentPhase[];
export type ActivePhase = (typeof activePhases)[number];
export type TerminalPhase = (typeof terminalPhases)[number];
export type DeploymentPhase = ActivePhase | TerminalPhase;

export function isTerminalPhase(phase: DeploymentPhase): phase is TerminalPhase {
  return (terminalPhases as readonly string[]).includes(phase);
}

export const controlActions = ['promote', 'override', 'pause', 'resume', 'abort', 'cancel'] as const;
export type ControlAction = (typeof controlActions)[number];

/**
 * The phases in which the deployment workflow accepts each control. Its validators enforce them (and a
 * few finer conditions, such as "not already paused"); the UI uses them to explain a disabled button.
 */
export const controlPhases: Record<ControlAction, readonly ActivePhase[]> = {
  promote: ['dark'],
  override: ['rolling_out', 'migrating'],
  /** Holds the rollout's steps and the migration's sweeps (its waves). */
  pause: ['rolling_out', 'migrating'],
  /** Resumes a paused rollout and a held migration (paused by an operator or the health gate). */
  resume: ['rolling_out', 'migrating'],
  abort: ['dark', 'rolling_out', 'migrating'],
  /** Takes a queued request out of the queue: it never starts. */
  cancel: ['queued'],
};

export function controlAllowedIn(action: ControlAction, phase: DeploymentPhase): boolean {
  return (controlPhases[action] as readonly DeploymentPhase[]).includes(phase);
}
