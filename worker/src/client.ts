/** Asking for a deployment as a client does: for the worker's tests and benchmarks. */
import { Client, WithStartWorkflowOperation } from '@temporalio/client';
import { DeploymentRequest, RequestDeploymentResult, familyWorkflowStart } from '@diachronic/contract';
import { requestDeploymentUpdate } from '@diachronic/contract/temporal';

/**
 * Asks the family's workflow (started if it is not running) for a deployment; answers whether it
 * started, was queued, or duplicates one that is queued, running or done.
 */
export async function requestDeployment(
  client: Client,
  request: DeploymentRequest,
  { taskQueue }: { taskQueue?: string } = {},
): Promise<RequestDeploymentResult> {
  const { workflowType, ...start } = familyWorkflowStart(request.family, taskQueue);
  const startWorkflowOperation = new WithStartWorkflowOperation(workflowType, { ...start, args: [...start.args] });
  return client.workflow.executeUpdateWithStart(requestDeploymentUpdate, { args: [request], startWorkflowOperation });
}
