import { continueAsNew, sleep, workflowInfo } from '@temporalio/workflow';
import type { VersionRef } from '@diachronic/contract';
import { isVersionInUse, retireActivities, visibilityActivities } from './proxies';
import { failOnCodeError } from './failures';

export interface CleanupInput {
  version: VersionRef;
  /** Why the version goes: replaced by a newer one (nonmigratory family) or aborted. */
  reason: 'replaced' | 'aborted';
  pollMs: number;
  drainGuardMs: number;
}

export interface CleanupResult {
  deletedDeployments: string[];
}

/**
 * Waits, independently of later deployments, until nothing runs on an old version's task queue (seen
 * twice, a guard interval apart) and routing no longer uses it, then deletes its workers and archives its
 * flag. While routing still sends workflows to it (its successor was overridden below 100% or aborted), it
 * keeps waiting.
 */
export async function diachronicCleanup(input: CleanupInput): Promise<CleanupResult> {
  return failOnCodeError(() => cleanup(input));
}

async function cleanup(input: CleanupInput): Promise<CleanupResult> {
  const { taskQueue } = input.version;
  for (;;) {
    if ((await visibilityActivities.countRunningOnTaskQueue({ taskQueue })) === 0) {
      await sleep(input.drainGuardMs);
      if ((await visibilityActivities.countRunningOnTaskQueue({ taskQueue })) === 0) {
        try {
          return await retireActivities.retireVersion({ version: input.version });
        } catch (error) {
          if (!isVersionInUse(error)) throw error;
        }
      }
    }
    if (workflowInfo().continueAsNewSuggested) await continueAsNew<typeof diachronicCleanup>(input);
    await sleep(input.pollMs);
  }
}
