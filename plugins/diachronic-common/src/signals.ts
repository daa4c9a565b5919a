/**
 * The Backstage signal channels the backend pushes deployments' changes on. A message says only what
 * changed, never the state: each browser loads it again with its own permissions.
 */

/** A family's deployments or queue changed: the Rollout tabs showing the family load it again. */
export const familySignalChannel = (family: string) => `diachronic:family:${family}`;

/** Some family's latest deployment changed: the Deployments page loads its list again. */
export const deploymentsSignalChannel = 'diachronic:deployments';

/** What every Diachronic signal carries. */
export type DiachronicChangeSignal = {
  family: string;
  /** The workflow whose history changed (a deployment, or the family's own). */
  workflowId: string;
};
