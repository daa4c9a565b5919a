/** The activities as workflows call them: timeouts and retries in one place. */
import { ActivityFailure, ApplicationFailure, proxyActivities } from '@temporalio/workflow';
import { UPGRADE_CHECK_ACTIVITY, UpgradeCheckInput, UpgradeCheckResult } from '@diachronic/migrate';
import type { Activities } from '../activities';

// Unleash, Kubernetes or Temporal being down for a while must delay a deployment, never fail it:
// retry without limit, backing off to a retry every 10 s.
const retryUntilBack = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '10 seconds' } as const;

export const flagActivities = proxyActivities<
  Pick<Activities, 'prepareVersion' | 'readLivePercent' | 'readLiveChanges' | 'setLivePercent' | 'abortVersion' | 'versionRetired'>
>({
  startToCloseTimeout: '30 seconds',
  retry: { ...retryUntilBack, nonRetryableErrorTypes: ['ArchivedVersion'] },
});

export const retireActivities = proxyActivities<Pick<Activities, 'retireVersion'>>({
  startToCloseTimeout: '2 minutes',
  retry: { ...retryUntilBack, nonRetryableErrorTypes: ['VersionInUse'] },
});

/** Describes every schedule of the namespace: heartbeats, and gets as long as many schedules need. */
export const scheduleActivities = proxyActivities<Pick<Activities, 'moveSchedules'>>({
  startToCloseTimeout: '10 minutes',
  heartbeatTimeout: '30 seconds',
  retry: retryUntilBack,
});

/** retireVersion refused: routing still sends workflows to that version. */
export function isVersionInUse(error: unknown): boolean {
  return error instanceof ActivityFailure && error.cause instanceof ApplicationFailure && error.cause.type === 'VersionInUse';
}

export const visibilityActivities = proxyActivities<Pick<Activities, 'countRunningOnTaskQueue' | 'describeDeployment'>>({
  startToCloseTimeout: '30 seconds',
  retry: retryUntilBack,
});

export const sweepActivities = proxyActivities<Pick<Activities, 'sweepOldQueue' | 'sweepOldTaskQueue'>>({
  startToCloseTimeout: '30 minutes',
  // The sweep heartbeats every second while it signals; a dead worker's sweep is retried quickly.
  heartbeatTimeout: '10 seconds',
  retry: retryUntilBack,
});

export const healthActivities = proxyActivities<Pick<Activities, 'evaluateHealth'>>({
  // A webhook may take up to a minute; a few visibility calls and describes besides.
  startToCloseTimeout: '2 minutes',
  retry: retryUntilBack,
});

export const stopActivities = proxyActivities<Pick<Activities, 'stopWorkflows'>>({
  startToCloseTimeout: '2 minutes',
  heartbeatTimeout: '10 seconds',
  retry: retryUntilBack,
});

export const upgradeSampleActivities = proxyActivities<Pick<Activities, 'sampleOldWorkflows'>>({
  startToCloseTimeout: '2 minutes',
  retry: retryUntilBack,
});

/**
 * The upgrade check, run by the new version's own worker on its task queue (`@diachronic/migrate/upgrade-check`).
 * A worker that lacks it fails the task at once (NotFoundError); one that polls no activities lets it wait
 * until `timeoutMs`: either way the check is not done, and the dry run says so.
 */
export function upgradeCheckActivities(taskQueue: string, timeoutMs: number, sampleSize: number) {
  return proxyActivities<{ [UPGRADE_CHECK_ACTIVITY]: (input: UpgradeCheckInput) => Promise<UpgradeCheckResult> }>({
    taskQueue,
    scheduleToStartTimeout: timeoutMs,
    // Each sampled run's state is read with a query of at most 10 s.
    startToCloseTimeout: Math.max(timeoutMs, sampleSize * 10_000 + 10_000),
    heartbeatTimeout: '30 seconds',
    retry: { ...retryUntilBack, maximumAttempts: 3, nonRetryableErrorTypes: ['NotFoundError'] },
  })[UPGRADE_CHECK_ACTIVITY];
}

export const freezeActivities = proxyActivities<Pick<Activities, 'broadcastGlobalFreeze' | 'readGlobalFreeze'>>({
  startToCloseTimeout: '5 minutes',
  heartbeatTimeout: '30 seconds',
  retry: retryUntilBack,
});

export const windowActivities = proxyActivities<Pick<Activities, 'deployWindow'>>({
  startToCloseTimeout: '30 seconds',
  retry: retryUntilBack,
});

/** A look for stragglers is information only: a failed one is skipped until the next sweep. */
export const stragglerActivities = proxyActivities<Pick<Activities, 'findStragglers'>>({
  startToCloseTimeout: '2 minutes',
  retry: { ...retryUntilBack, maximumAttempts: 2 },
});
