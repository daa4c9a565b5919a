/** Turns Temporal client errors into the @backstage/errors the framework answers with. */
import { ServiceUnavailableError } from '@backstage/errors';
import {
  ApplicationFailure,
  ServiceError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
  isGrpcDeadlineError,
  isGrpcServiceError,
} from '@temporalio/client';

const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_FAILED_PRECONDITION = 9;
const GRPC_UNAVAILABLE = 14;

function grpcCause(error: unknown): { code: number; details: string } | undefined {
  const cause = error instanceof ServiceError || error instanceof WorkflowUpdateRPCTimeoutOrCancelledError ? error.cause : error;
  return isGrpcServiceError(cause) ? { code: cause.code, details: cause.details } : undefined;
}

/**
 * A 503 naming what did not answer when the worker (no poller, no answer in time) or Temporal itself
 * (unreachable, or a call that failed otherwise) is the reason of a failure; undefined for any other error.
 */
export function unavailable(error: unknown, what: string, taskQueue: string): ServiceUnavailableError | undefined {
  const grpc = grpcCause(error);
  if (error instanceof WorkflowUpdateRPCTimeoutOrCancelledError || isGrpcDeadlineError(error) || grpc?.code === GRPC_DEADLINE_EXCEEDED) {
    return new ServiceUnavailableError(`${what}: the Diachronic worker on task queue ${taskQueue} did not answer in time`);
  }
  if (grpc?.code === GRPC_FAILED_PRECONDITION) {
    return new ServiceUnavailableError(`${what}: the Diachronic worker on task queue ${taskQueue} did not answer (${grpc.details})`);
  }
  if (grpc?.code === GRPC_UNAVAILABLE) {
    return new ServiceUnavailableError(`${what}: Temporal is unavailable (${grpc.details})`);
  }
  // Any other failed call to Temporal (a busy server, a call the SDK could not make): a 503 with what
  // Temporal said, never a 500.
  if (error instanceof ServiceError) {
    const detail = grpc ? `gRPC ${grpc.code}: ${grpc.details}` : (error.cause as Error | undefined)?.message ?? error.message;
    return new ServiceUnavailableError(`${what}: the Diachronic worker on task queue ${taskQueue} did not answer (Temporal: ${detail})`);
  }
  return undefined;
}

/** The failure type a workflow's update validator or handler refused with, e.g. `ActionRefused`. */
export function applicationFailureType(error: Error | undefined): string | undefined {
  return error instanceof ApplicationFailure ? (error.type ?? undefined) : undefined;
}
