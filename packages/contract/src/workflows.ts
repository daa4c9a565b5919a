/** The Diachronic worker's own workflows: their task queue, types and ids. */

/** The task queue the Diachronic worker polls (configurable; this is the default). */
export const DIACHRONIC_TASK_QUEUE = 'diachronic-ci';

export const workflowTypes = {
  family: 'diachronicFamily',
  deployment: 'diachronicDeployment',
  rollout: 'diachronicRollout',
  migration: 'diachronicMigration',
  cleanup: 'diachronicCleanup',
  freeze: 'diachronicFreeze',
} as const;

export const workflowIds = {
  /** One per family: takes deployment requests and runs them one at a time. */
  family: (family: string) => `diachronic/${family}`,
  deployment: (family: string, versionId: string) => `diachronic/${family}/${versionId}`,
  rollout: (family: string, versionId: string) => `diachronic/${family}/${versionId}/rollout`,
  migration: (family: string, versionId: string) => `diachronic/${family}/${versionId}/migration`,
  /** One per old version, independent of later deployments. */
  cleanup: (family: string, oldVersionId: string) => `diachronic/${family}/${oldVersionId}/cleanup`,
  /**
   * One per Diachronic installation (the task queue its worker polls): the freeze of every family. Not a
   * family id: families cannot hold a `~`.
   */
  freeze: (taskQueue: string) => `diachronic/~freeze/${taskQueue}`,
};

/** The version a family's deployment workflow id names; undefined for the family's other workflows. */
export function deploymentVersionOf(family: string, workflowId: string): string | undefined {
  const prefix = `${workflowIds.family(family)}/`;
  const rest = workflowId.startsWith(prefix) ? workflowId.slice(prefix.length) : '';
  return rest && !rest.includes('/') ? rest : undefined;
}

/** How a client starts the global freeze workflow together with an update (update-with-start). */
export function freezeWorkflowStart(taskQueue: string = DIACHRONIC_TASK_QUEUE) {
  return {
    workflowType: workflowTypes.freeze,
    workflowId: workflowIds.freeze(taskQueue),
    taskQueue,
    args: [{}],
    workflowIdConflictPolicy: 'USE_EXISTING',
  } as const;
}

/**
 * How a client starts a family's workflow together with its deployment request (update-with-start): the
 * running one is reused, so the request reaches the family's queue either way.
 */
export function familyWorkflowStart(family: string, taskQueue: string = DIACHRONIC_TASK_QUEUE) {
  return {
    workflowType: workflowTypes.family,
    workflowId: workflowIds.family(family),
    taskQueue,
    args: [{ family }],
    workflowIdConflictPolicy: 'USE_EXISTING',
  } as const;
}
