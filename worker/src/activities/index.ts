/** All activities of the Diachronic worker, built from the clients they use (real or fake in tests). */
import { createFreezeActivities } from './freezes';
import { createHealthActivities, HealthActivityDeps } from './health';
import { createSweepActivities, SweepActivityDeps } from './sweep';
import { createTemporalActivities, TemporalActivityDeps } from './temporal';
import { createUpgradeSampleActivities } from './upgradeSample';
import { createWindowActivities } from './windows';
import { createVersionActivities, VersionActivityDeps } from './versions';

export type ActivityDeps = TemporalActivityDeps & SweepActivityDeps & VersionActivityDeps & HealthActivityDeps;

export function createActivities(deps: ActivityDeps) {
  return {
    ...createVersionActivities(deps),
    ...createTemporalActivities(deps),
    ...createSweepActivities(deps),
    ...createHealthActivities(deps),
    ...createUpgradeSampleActivities(deps),
    ...createWindowActivities(),
    ...createFreezeActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
