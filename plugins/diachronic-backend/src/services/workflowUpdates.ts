/** Updates sent with the start of the Diachronic workflow they address (a running one is reused). */
import { InputError } from '@backstage/errors';
import { WithStartWorkflowOperation, WorkflowUpdateFailedError } from '@temporalio/client';
import type { UpdateDefinition } from '@temporalio/common';
import { TemporalAccess } from './temporal';
import { applicationFailureType, unavailable } from './temporalErrors';

/** A workflow to start if it does not run yet (`familyWorkflowStart`, `freezeWorkflowStart`). */
export interface WorkflowStart {
  workflowType: string;
  workflowId: string;
  taskQueue: string;
  args: readonly unknown[];
  workflowIdConflictPolicy: 'USE_EXISTING';
}

/**
 * Sends `update` to the workflow, starting it first when it does not run. A request its validator refuses
 * as invalid is a 400 naming the problem; Temporal or the worker not answering is a 503 saying `what`.
 */
export async function updateWithStart<Ret, Args extends unknown[]>(
  temporal: TemporalAccess,
  { workflowType, ...start }: WorkflowStart,
  update: UpdateDefinition<Ret, Args>,
  args: Args,
  what: string,
): Promise<Ret> {
  const startWorkflowOperation = new WithStartWorkflowOperation(workflowType, { ...start, args: [...start.args] });
  try {
    return await temporal.withWorkerDeadline(() => temporal.client.workflow.executeUpdateWithStart(update, { args, startWorkflowOperation }));
  } catch (error) {
    if (error instanceof WorkflowUpdateFailedError && applicationFailureType(error.cause) === 'InvalidRequest') {
      throw new InputError(error.cause!.message);
    }
    throw unavailable(error, what, temporal.taskQueue) ?? error;
  }
}
