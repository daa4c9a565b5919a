/** The queries the backend asks Diachronic's workflows, with their errors turned into HTTP ones. */
import { NotFoundError } from '@backstage/errors';
import { WorkflowNotFoundError } from '@temporalio/client';
import { DeploymentState, FamilyState, workflowIds } from '@diachronic/contract';
import { deploymentStateQuery, familyStateQuery } from '@diachronic/contract/temporal';
import { TemporalAccess } from './temporal';
import { unavailable } from './temporalErrors';

/** One deployment's live state; 404 when there is no such deployment, 503 when its worker does not answer. */
export async function queryDeploymentState(
  temporal: TemporalAccess,
  family: string,
  versionId: string,
): Promise<DeploymentState> {
  const handle = temporal.client.workflow.getHandle(workflowIds.deployment(family, versionId));
  try {
    return await temporal.withWorkerDeadline(() => handle.query(deploymentStateQuery));
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) throw new NotFoundError(`no deployment of ${family} ${versionId}`);
    throw unavailable(error, `state of the deployment of ${family} ${versionId}`, temporal.taskQueue) ?? error;
  }
}

/** The family workflow's state: its running deployment and queue; empty when the family never had a request. */
export async function queryFamilyState(temporal: TemporalAccess, family: string): Promise<FamilyState> {
  const handle = temporal.client.workflow.getHandle(workflowIds.family(family));
  try {
    return await temporal.withWorkerDeadline(() => handle.query(familyStateQuery));
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) return { family, queue: [] };
    throw error;
  }
}
