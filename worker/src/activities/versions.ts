/** Activities over the version registry (Unleash flags) and the versions' workers (Kubernetes). */
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { Actor, VersionRef } from '@diachronic/contract';
import { VersionInUseError, VersionWorkers } from '../kubernetes/version-workers';
import { FamilySchedules } from '../schedules/family-schedules';
import { ArchivedVersionError, VersionFlag, VersionFlags } from '../unleash/version-flags';

export interface VersionActivityDeps {
  versionFlags: VersionFlags;
  versionWorkers: VersionWorkers;
  schedules: Pick<FamilySchedules, 'targeting' | 'moveTo'>;
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

const versionInUse = (message: string) => ApplicationFailure.create({ type: 'VersionInUse', message, nonRetryable: true });

export function createVersionActivities({ versionFlags, versionWorkers, schedules }: VersionActivityDeps) {
  const inUse = (family: string, versionId: string) => versionFlags.versionInUse(family, versionId);

  return {
    async prepareVersion({
      family,
      versionId,
      sha,
      rollback,
    }: {
      family: string;
      versionId: string;
      sha?: string;
      rollback?: boolean;
    }): Promise<PreparedVersion> {
      const { flag, created } = await versionFlags.ensureVersionFlag({ family, versionId, sha, rollback }).catch(error => {
        if (error instanceof ArchivedVersionError) {
          throw ApplicationFailure.create({ type: 'ArchivedVersion', message: error.message, nonRetryable: true });
        }
        throw error;
      });
      const previous = await versionFlags.previousVersion(family, flag.seq);
      return { version: ref(flag), livePercent: flag.livePercent, previous: previous && ref(previous), created };
    },

    /** Whether every flag of the version was archived: only such a version can be rolled back to. */
    async versionRetired({ family, versionId }: { family: string; versionId: string }) {
      return versionFlags.versionRetired(family, versionId);
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

    /**
     * Deletes the version's workers and archives its flag; refuses while routing can still send work there
     * or a schedule still starts workflows on its queue (naming them).
     */
    async retireVersion({ version }: { version: VersionRef }): Promise<{ deletedDeployments: string[] }> {
      const scheduled = await schedules.targeting(version.family, version.taskQueue);
      if (scheduled.length > 0) {
        const ids = scheduled.map(schedule => schedule.scheduleId).join(', ');
        throw versionInUse(`${version.taskQueue} is kept: schedule${scheduled.length === 1 ? '' : 's'} ${ids} still start${scheduled.length === 1 ? 's' : ''} workflows there`);
      }
      try {
        const { deleted } = await versionWorkers.deleteVersion(version.family, version.versionId, { inUse });
        await versionFlags.archive(version);
        return { deletedDeployments: deleted };
      } catch (error) {
        if (error instanceof VersionInUseError) throw versionInUse(error.message);
        throw error;
      }
    },

    /** Moves every schedule of the family to the version's queue (it takes all new starts now). */
    async moveSchedules({ version }: { version: VersionRef }) {
      const context = Context.current();
      const moved = await schedules.moveTo(version, () => context.heartbeat());
      return { moved: moved.map(({ scheduleId, taskQueue }) => ({ scheduleId, from: taskQueue })) };
    },
  };
}
