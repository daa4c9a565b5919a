/** Client-side helpers over the contract, for the backend plugin and tests. */
import { Client, WithStartWorkflowOperation } from '@temporalio/client';
import {
  DIACHRONIC_TASK_QUEUE,
  DeploymentRequest,
  RequestDeploymentResult,
  requestDeploymentUpdate,
  workflowIds,
  workflowTypes,
} from './contract';

/**
 * Asks the family's workflow (started if it is not running) for a deployment; answers whether it
 * started, was queued, or duplicates one that is queued, running or done.
 */
export async function requestDeployment(
  client: Client,
  request: DeploymentRequest,
  { taskQueue = DIACHRONIC_TASK_QUEUE }: { taskQueue?: string } = {},
): Promise<RequestDeploymentResult> {
  const startWorkflowOperation = new WithStartWorkflowOperation(workflowTypes.family, {
    workflowId: workflowIds.family(request.family),
    taskQueue,
    args: [{ family: request.family }],
    workflowIdConflictPolicy: 'USE_EXISTING',
  });
  return client.workflow.executeUpdateWithStart(requestDeploymentUpdate, { args: [request], startWorkflowOperation });
}
