import { ApplicationFailure } from '@temporalio/common';
import { VersionInUseError, VersionWorkers } from '../kubernetes/version-workers';
import { ArchivedVersionError, VersionFlags } from '../unleash/version-flags';
import { createVersionActivities } from './versions';
import type { FamilySchedules } from '../schedules/family-schedules';

const noSchedules = { targeting: async () => [], moveTo: async () => [] } as Pick<FamilySchedules, 'targeting' | 'moveTo'>;

/** Failure injection: which errors stop a deployment at once instead of being retried forever. */
describe('version activities turn final errors into non-retryable failures', () => {
  const version = { family: 'order', versionId: 'abc1234', seq: 1, taskQueue: 'order@abc1234', flag: 'diachronic.order.v000001.abc1234' };

  it('refuses to deploy an archived version again', async () => {
    const versionFlags = {
      ensureVersionFlag: async () => {
        throw new ArchivedVersionError('order', 'abc1234', version.flag);
      },
    } as unknown as VersionFlags;
    const activities = createVersionActivities({ versionFlags, versionWorkers: {} as VersionWorkers, schedules: noSchedules });
    const error = await activities.prepareVersion({ family: 'order', versionId: 'abc1234' }).catch(e => e);
    expect(error).toBeInstanceOf(ApplicationFailure);
    expect(error).toMatchObject({ type: 'ArchivedVersion', nonRetryable: true });
    expect(error.message).toBe(`version abc1234 of family order was archived (flag ${version.flag}); deploy a new version`);
  });

  it('keeps a version that routing still uses, and archives nothing', async () => {
    const archive = jest.fn();
    const versionFlags = { versionInUse: async () => true, archive } as unknown as VersionFlags;
    const versionWorkers = {
      deleteVersion: async () => {
        throw new VersionInUseError('order', 'abc1234', 'diachronic');
      },
    } as unknown as VersionWorkers;
    const activities = createVersionActivities({ versionFlags, versionWorkers, schedules: noSchedules });
    await expect(activities.retireVersion({ version })).rejects.toMatchObject({ type: 'VersionInUse', nonRetryable: true });
    expect(archive).not.toHaveBeenCalled();
  });

  it('keeps a version a schedule still starts workflows on, naming the schedules', async () => {
    const deleteVersion = jest.fn();
    const schedules = {
      ...noSchedules,
      targeting: async () => [
        { scheduleId: 'nightly-report', taskQueue: version.taskQueue },
        { scheduleId: 'hourly-sync', taskQueue: version.taskQueue },
      ],
    };
    const activities = createVersionActivities({ versionFlags: {} as VersionFlags, versionWorkers: { deleteVersion } as unknown as VersionWorkers, schedules });
    await expect(activities.retireVersion({ version })).rejects.toMatchObject({
      type: 'VersionInUse',
      nonRetryable: true,
      message: 'order@abc1234 is kept: schedules nightly-report, hourly-sync still start workflows there',
    });
    expect(deleteVersion).not.toHaveBeenCalled();
  });
});
