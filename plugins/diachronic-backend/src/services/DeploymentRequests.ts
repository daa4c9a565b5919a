import { InputError } from '@backstage/errors';
import { WithStartWorkflowOperation, WorkflowUpdateFailedError } from '@temporalio/client';
import {
  DeploymentOptions,
  DeploymentRequest,
  RequestDeploymentResult,
  deploymentRequestProblem,
  familyWorkflowStart,
} from '@diachronic/contract';
import { requestDeploymentUpdate } from '@diachronic/contract/temporal';
import { TemporalAccess } from './temporal';
import { applicationFailureType, unavailable } from './temporalErrors';
import { DeploymentPolicies, given } from './deploymentPolicy';

/** A request as a caller (a person or a GitHub delivery) makes it: options it leaves out get the defaults. */
export type DeploymentAsk = Omit<DeploymentRequest, 'options'> & { options: Partial<DeploymentOptions> };

/**
 * Hands deployment requests to the family's workflow, which starts, queues or answers duplicate.
 * Callers check who may ask; this only builds and validates the request.
 */
export class DeploymentRequests {
  constructor(
    private readonly temporal: TemporalAccess,
    private readonly policies: DeploymentPolicies,
  ) {}

  build({ options, ...ask }: DeploymentAsk): DeploymentRequest {
    const request = {
      ...given(ask),
      options: this.policies.optionsFor(ask.family, options),
    } as DeploymentRequest;
    // The same check the family workflow's validator makes, so a bad request fails here with a 400.
    const problem = deploymentRequestProblem(request);
    if (problem) throw new InputError(problem);
    return request;
  }

  async send(request: DeploymentRequest): Promise<RequestDeploymentResult> {
    const { workflowType, ...start } = familyWorkflowStart(request.family, this.temporal.taskQueue);
    const startWorkflowOperation = new WithStartWorkflowOperation(workflowType, { ...start, args: [...start.args] });
    try {
      return await this.temporal.withWorkerDeadline(() =>
        this.temporal.client.workflow.executeUpdateWithStart(requestDeploymentUpdate, {
          args: [request],
          startWorkflowOperation,
        }),
      );
    } catch (error) {
      if (error instanceof WorkflowUpdateFailedError && applicationFailureType(error.cause) === 'InvalidRequest') {
        throw new InputError(error.cause!.message);
      }
      throw unavailable(error, `deployment of ${request.family} ${request.versionId} not requested`, this.temporal.taskQueue) ?? error;
    }
  }
}
