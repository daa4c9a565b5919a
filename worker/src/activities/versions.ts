/** Activities over the version registry (Unleash flags) and the versions' workers (Kubernetes). */
import { ApplicationFailure } from '@temporalio/common';
import type { Actor, VersionRef } from '@diachronic/contract';
import { VersionInUseError, VersionWorkers } from '../kubernetes/version-workers';
import { ArchivedVersionError, VersionFlag, VersionFlags } from '../unleash/version-flags';

export interface VersionActivityDeps {
  versionFlags: VersionFlags;
  versionWorkers: VersionWorkers;
}

export interface PreparedVersion {
  version: VersionRef;
  /** The live percentage the flag has now: 0 for a new flag, kept as it was for a re-run. */
  livePercent: number;
  /** The newest non-archived, non-aborted version with a lower seq; null for an initial deployment. */
  previous: VersionRef | null;
  created: boolean;
}

const ref = ({ family, versionId, seq, taskQueue, flag }: VersionFlag): VersionRef => ({ family, versionId, seq, taskQueue, flag });

export function createVersionActivities({ versionFlags, versionWorkers }: VersionActivityDeps) {
  const inUse = (family: string, versionId: string) => versionFlags.versionInUse(family, versionId);

  return {
    async prepareVersion({ family, versionId, sha }: { family: string; versionId: string; sha?: string }): Promise<PreparedVersion> {
      const { flag, created } = await versionFlags.ensureVersionFlag({ family, versionId, sha }).catch(error => {
        if (error instanceof ArchivedVersionError) {
          throw ApplicationFailure.create({ type: 'ArchivedVersion', message: error.message, nonRetryable: true });
        }
        throw error;
      });
      const previous = await versionFlags.previousVersion(family, flag.seq);
      return { version: ref(flag), livePercent: flag.livePercent, previous: previous && ref(previous), created };
    },

    async readLivePercent({ flag }: { flag: string }) {
      return versionFlags.readLivePercent({ flag });
    },

    /** Every change of the live percentage since the event `afterEventId`: the rollout's override check. */
    async readLiveChanges({ flag, afterEventId }: { flag: string; afterEventId: number }) {
      return versionFlags.readLiveChanges({ flag }, afterEventId);
    },

    /** Compare-and-set when `expected` is given (the rollout), unconditional otherwise (an operator). */
    async setLivePercent({ flag, expected, percent }: { flag: string; expected: number | undefined; percent: number }) {
      return versionFlags.setLivePercent({ flag }, { expected, percent });
    },

    async abortVersion({ flag, actor }: { flag: string; actor: Actor }): Promise<void> {
      await versionFlags.markAborted({ flag }, actor);
    },

    /** Deletes the version's workers and archives its flag; refuses while routing can still send work there. */
    async retireVersion({ version }: { version: VersionRef }): Promise<{ deletedDeployments: string[] }> {
      try {
        const { deleted } = await versionWorkers.deleteVersion(version.family, version.versionId, { inUse });
        await versionFlags.archive(version);
        return { deletedDeployments: deleted };
      } catch (error) {
        if (error instanceof VersionInUseError) {
          throw ApplicationFailure.create({ type: 'VersionInUse', message: error.message, nonRetryable: true });
        }
        throw error;
      }
    },
  };
}
