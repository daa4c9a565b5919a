import { InputError } from '@backstage/errors';
import {
  DeploymentOptions,
  DeploymentRequest,
  RequestDeploymentResult,
  deploymentRequestProblem,
  familyWorkflowStart,
} from '@diachronic/contract';
import { requestDeploymentUpdate } from '@diachronic/contract/temporal';
import { TemporalAccess } from './temporal';
import { updateWithStart } from './workflowUpdates';
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
    /** Told of each request the family workflow took (started or queued), e.g. to follow it for live updates. */
    private readonly onSent: (request: DeploymentRequest) => void = () => {},
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
    const result = await updateWithStart(
      this.temporal,
      familyWorkflowStart(request.family, this.temporal.taskQueue),
      requestDeploymentUpdate,
      [request],
      `deployment of ${request.family} ${request.versionId} not requested`,
    );
    if (result.outcome !== 'duplicate') this.onSent(request);
    return result;
  }
}
