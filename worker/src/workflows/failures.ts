/** How Diachronic's workflows end on errors of their own code, and how a failure reads as a reason. */
import {
  ActivityFailure,
  ApplicationFailure,
  ChildWorkflowFailure,
  ContinueAsNew,
  isCancellation,
  TemporalFailure,
} from '@temporalio/workflow';

/**
 * Runs a workflow's body so that an error of its own code (a TypeError, a RangeError on odd data) fails
 * the workflow, naming the error, instead of failing its workflow tasks forever: a run stuck like that
 * keeps running, holds its family's queue and cannot be steered. Temporal's failures, cancellation and
 * continue-as-new pass through unchanged.
 */
export async function failOnCodeError<T>(body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof TemporalFailure || error instanceof ContinueAsNew || isCancellation(error)) throw error;
    const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw ApplicationFailure.create({ type: 'WorkflowCodeError', message, nonRetryable: true });
  }
}

/** A failure as an operator reads it: which child or activity failed, and the error at its root. */
export function failureReason(error: unknown): string {
  if (error instanceof ChildWorkflowFailure) return `${error.workflowType ?? 'child workflow'} failed: ${failureReason(error.cause)}`;
  if (error instanceof ActivityFailure) return `activity ${error.activityType} failed: ${failureReason(error.cause)}`;
  if (error instanceof Error) return error.message;
  return String(error);
}
