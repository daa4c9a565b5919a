/**
 * How ended deployments ended: their reason and the versions they moved between. A closed run never
 * changes, so each is read from Temporal once (its close event) and kept, not read again on every poll.
 */
import { LoggerService } from '@backstage/backend-plugin-api';
import { TerminatedFailure, WorkflowFailedError } from '@temporalio/client';
import type { DeploymentState, VersionRef } from '@diachronic/contract';
import type { DeploymentSummary } from '@diachronic/backstage-plugin-diachronic-common';
import { TemporalAccess } from './temporal';

export interface DeploymentOutcome {
  /** Why it ended, when not simply completed. */
  reason?: string;
  version?: VersionRef;
  previous?: VersionRef | null;
}

/** Runs whose outcome is kept; the oldest is forgotten first (a family view shows the last 20 of each family). */
const DEFAULT_CAPACITY = 10_000;

function failureReason(error: WorkflowFailedError): string {
  const message = error.cause?.message ?? error.message;
  return error.cause instanceof TerminatedFailure ? `terminated: ${message}` : message;
}

export class EndedDeployments {
  private readonly outcomes = new Map<string, Promise<DeploymentOutcome | undefined>>();

  constructor(
    private readonly temporal: TemporalAccess,
    private readonly logger: LoggerService,
    private readonly capacity = DEFAULT_CAPACITY,
  ) {}

  /** The outcome of an ended run; undefined for a running one, or when Temporal could not say. */
  outcomeOf(summary: DeploymentSummary): Promise<DeploymentOutcome | undefined> {
    if (summary.status === 'running') return Promise.resolve(undefined);
    const known = this.outcomes.get(summary.runId);
    if (known) return known;
    const outcome = this.read(summary);
    this.outcomes.set(summary.runId, outcome);
    // A failed read is not kept: the next poll asks again.
    void outcome.then(value => value === undefined && this.outcomes.delete(summary.runId));
    if (this.outcomes.size > this.capacity) this.outcomes.delete(this.outcomes.keys().next().value!);
    return outcome;
  }

  private async read({ workflowId, runId }: DeploymentSummary): Promise<DeploymentOutcome | undefined> {
    const handle = this.temporal.client.workflow.getHandle(workflowId, runId, { followRuns: false });
    try {
      const { reason, version, previous }: DeploymentState = await handle.result();
      return { ...(reason && { reason }), ...(version && { version }), ...(previous !== undefined && { previous }) };
    } catch (error) {
      if (error instanceof WorkflowFailedError) return { reason: failureReason(error) };
      this.logger.warn(`Diachronic: could not read how ${workflowId} ended`, error instanceof Error ? error : undefined);
      return undefined;
    }
  }
}
