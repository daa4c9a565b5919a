import { isMigration, MigratableInput, MigrationInfo, migratable, receiveMigratedState } from '../index';
import { newProbe, ProbeInput, ProbeStateV1, ProbeStateV2, runProbe } from './probe';

/** Also what the upgrade dry run runs: it refuses an owner that v2 cannot take. */
export function upgradeProbe(old: ProbeStateV1 | ProbeStateV2, migration: MigrationInfo): ProbeStateV2 {
  if (old.version === 2) return old;
  if (old.owner.startsWith('unmigratable')) throw new RangeError(`owner ${old.owner} has no v2 equivalent`);
  const { owner, version: _none, ...rest } = old;
  return {
    ...rest,
    version: 2,
    ownedBy: owner,
    upgradedFrom: { versionId: migration.fromVersionId, migratedAt: migration.migratedAt },
  };
}

export async function probe(input: MigratableInput<ProbeInput, ProbeStateV1 | ProbeStateV2>): Promise<ProbeStateV2> {
  const state: ProbeStateV2 = isMigration(input)
    ? receiveMigratedState(input, { upgrade: upgradeProbe })
    : { ...newProbe(input), version: 2, ownedBy: input.owner };
  const migration = migratable({ input, exportState: () => state });
  const { timerMs } = state;
  // Deliberately restarts from now when declared fresh: the carried due time must win.
  const timer = timerMs === undefined ? undefined : migration.timer('deadline', () => Date.now() + timerMs);
  await runProbe(state, migration, timer);
  return state;
}
