import {
  isGrpcServiceError,
  ServiceError,
  WorkflowExecutionAlreadyStartedError,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from '@temporalio/client';
import { ZodError } from 'zod';
import { NoLiveVersionError } from '../interceptor';

/** The body of every error answer. `field` names the offending request field, when there is one. */
export interface ErrorBody {
  error: { message: string; code: string; field?: string };
}

export interface ErrorResponse {
  status: number;
  body: ErrorBody;
}

/** A request the service refuses before calling Temporal. */
export class SignalerRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'SignalerRequestError';
  }
}

export function invalidInput(error: ZodError, fieldPrefix = ''): SignalerRequestError {
  const issue = error.issues[0];
  const path = [...(issue.code === 'unrecognized_keys' ? [...issue.path, issue.keys[0]] : issue.path)];
  // The whole body (or a whole batch item) when the issue is with it rather than with one of its fields.
  const field = `${fieldPrefix}${path.join('.')}`.replace(/\.$/, '') || 'body';
  const message =
    issue.code === 'unrecognized_keys'
      ? `unknown field ${field}`
      : `${field ? `${field}: ` : ''}${issue.message}`;
  return new SignalerRequestError(400, 'invalid_input', message, field);
}

// gRPC status codes (@grpc/grpc-js `status`), which the client wraps in ServiceError.
const GRPC_INVALID_ARGUMENT = 3;
const GRPC_DEADLINE_EXCEEDED = 4;
const GRPC_UNAVAILABLE = 14;

function serviceErrorResponse(error: ServiceError): ErrorResponse {
  const cause = error.cause;
  const code = isGrpcServiceError(cause) ? cause.code : undefined;
  const detail = isGrpcServiceError(cause) ? cause.details : error.message;
  if (code === GRPC_INVALID_ARGUMENT) {
    return { status: 400, body: { error: { code: 'rejected_by_temporal', message: `Temporal refused the request: ${detail}` } } };
  }
  const unavailable = code === GRPC_UNAVAILABLE || code === GRPC_DEADLINE_EXCEEDED;
  return {
    status: unavailable ? 503 : 502,
    body: { error: { code: 'temporal_error', message: `${error.message}: ${detail}` } },
  };
}

/** The HTTP answer for an error thrown by the service: one mapping for single requests and batch items. */
export function toErrorResponse(error: unknown): ErrorResponse {
  const answer = (status: number, code: string, message: string, field?: string): ErrorResponse => ({
    status,
    body: { error: { message, code, ...(field !== undefined && { field }) } },
  });
  if (error instanceof SignalerRequestError) return answer(error.status, error.code, error.message, error.field);
  // Nothing routes the id now; a deployment or a flag change may fix that, so it is a state conflict.
  if (error instanceof NoLiveVersionError) return answer(409, 'no_live_version', error.message);
  if (error instanceof WorkflowExecutionAlreadyStartedError) {
    return answer(409, 'already_started', `workflow ${JSON.stringify(error.workflowId)} is already running`, 'workflowId');
  }
  if (error instanceof WorkflowNotFoundError) {
    return answer(404, 'workflow_not_found', `workflow ${JSON.stringify(error.workflowId)} not found`, 'workflowId');
  }
  if (error instanceof WorkflowUpdateFailedError) {
    return answer(422, 'update_failed', `the update failed: ${error.cause?.message ?? error.message}`);
  }
  if (error instanceof WorkflowUpdateRPCTimeoutOrCancelledError) {
    return answer(504, 'update_timeout', 'no update result in time: is a worker polling the workflow\'s task queue?');
  }
  if (error instanceof ServiceError) return serviceErrorResponse(error);
  return answer(500, 'internal', 'internal error');
}
