import { InputError } from '@backstage/errors';
import { WorkflowUpdateFailedError } from '@temporalio/client';
import { deploymentRequestProblem } from '@diachronic/ci/requests';
import { requestDeployment } from '@diachronic/ci/client';
import { DeploymentRequest, RequestDeploymentResult, RolloutStep } from '@diachronic/ci/contract';
import { DiachronicConfig } from '../config';
import { TemporalAccess } from './temporal';
import { applicationFailureType, unavailable } from './temporalErrors';

/** What a caller (a person or a GitHub delivery) asks for; the backend's defaults fill the rest. */
export interface DeploymentAsk {
  family: string;
  versionId: string;
  sha?: string;
  environment?: string;
  dark?: boolean;
  migratory?: boolean;
  schedule?: RolloutStep[];
  requestedBy: DeploymentRequest['requestedBy'];
  source: DeploymentRequest['source'];
}

/**
 * Hands deployment requests to the family's workflow, which starts, queues or answers duplicate.
 * Callers check who may ask; this only builds and validates the request.
 */
export class DeploymentRequests {
  constructor(
    private readonly temporal: TemporalAccess,
    private readonly config: DiachronicConfig,
  ) {}

  build(ask: DeploymentAsk): DeploymentRequest {
    const defaults = this.config.deploymentDefaults;
    const request: DeploymentRequest = {
      family: ask.family,
      versionId: ask.versionId,
      ...(ask.sha && { sha: ask.sha }),
      ...(ask.environment && { environment: ask.environment }),
      options: {
        dark: ask.dark ?? false,
        migratory: ask.migratory ?? defaults.migratory,
        ...(ask.schedule && { schedule: ask.schedule }),
        ...(defaults.sweepIntervalMs !== undefined && { sweepIntervalMs: defaults.sweepIntervalMs }),
        ...(defaults.drainGuardMs !== undefined && { drainGuardMs: defaults.drainGuardMs }),
        ...(defaults.cleanupPollMs !== undefined && { cleanupPollMs: defaults.cleanupPollMs }),
      },
      requestedBy: ask.requestedBy,
      source: ask.source,
    };
    // The same check the family workflow's validator makes, so a bad request fails here with a 400.
    const problem = deploymentRequestProblem(request);
    if (problem) throw new InputError(problem);
    return request;
  }

  async send(request: DeploymentRequest): Promise<RequestDeploymentResult> {
    const { taskQueue } = this.config.temporal;
    try {
      return await this.temporal.withWorkerDeadline(() =>
        requestDeployment(this.temporal.client, request, { taskQueue }),
      );
    } catch (error) {
      if (error instanceof WorkflowUpdateFailedError && applicationFailureType(error.cause) === 'InvalidRequest') {
        throw new InputError(error.cause!.message);
      }
      throw (
        unavailable(error, `deployment of ${request.family} ${request.versionId} not requested`, taskQueue) ?? error
      );
    }
  }
}
