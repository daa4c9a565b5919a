/** The Diachronic worker's own workflows: their task queue, types and ids. */

/** The task queue the Diachronic worker polls (configurable; this is the default). */
export const DIACHRONIC_TASK_QUEUE = 'diachronic-ci';

export const workflowTypes = {
  family: 'diachronicFamily',
  deployment: 'diachronicDeployment',
  rollout: 'diachronicRollout',
  migration: 'diachronicMigration',
  cleanup: 'diachronicCleanup',
} as const;

export const workflowIds = {
  /** One per family: takes deployment requests and runs them one at a time. */
  family: (family: string) => `diachronic/${family}`,
  deployment: (family: string, versionId: string) => `diachronic/${family}/${versionId}`,
  rollout: (family: string, versionId: string) => `diachronic/${family}/${versionId}/rollout`,
  migration: (family: string, versionId: string) => `diachronic/${family}/${versionId}/migration`,
  /** One per old version, independent of later deployments. */
  cleanup: (family: string, oldVersionId: string) => `diachronic/${family}/${oldVersionId}/cleanup`,
};

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
