import { isMigration, MigratableInput, migratable, receiveMigratedState } from '../index';
import { newProbe, ProbeInput, ProbeStateV1, runProbe } from './probe';

export async function probe(input: MigratableInput<ProbeInput, ProbeStateV1>): Promise<ProbeStateV1> {
  const state: ProbeStateV1 = isMigration(input)
    ? receiveMigratedState(input)
    : { ...newProbe(input), owner: input.owner };
  const migration = migratable({ input, exportState: () => state });
  const { timerMs } = state;
  const timer = timerMs === undefined ? undefined : migration.timer('deadline', state.startedAt + timerMs);
  await runProbe(state, migration, timer);
  return state;
}
