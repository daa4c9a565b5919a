import { condition, continueAsNew, getExternalWorkflowHandle, patched, setHandler, sleep, workflowInfo } from '@temporalio/workflow';
import type { MigrationState, VersionRef } from '@diachronic/contract';
import { migrationHoldSignal, migrationProgressSignal, sweepNowSignal } from './messages';
import { isVersionInUse, retireActivities, sweepActivities, visibilityActivities } from './proxies';
import { failOnCodeError } from './failures';

export interface MigrationInput {
  oldVersion: VersionRef;
  newVersion: VersionRef;
  parentWorkflowId: string;
  sweepIntervalMs: number;
  drainGuardMs: number;
  /** Carried by runs of the first releases, which remembered whom they told; new runs count from visibility. */
  remembered?: string[];
  signaledTotal?: number;
}

// Sweeps that keep no list of whom they told (each counts the told from visibility): histories recorded
// before replay the list-carrying sweep.
const SWEEP_WITHOUT_IDS_PATCH = 'diachronic-sweep-without-ids';

export interface MigrationResult {
  signaled: number;
  deletedDeployments: string[];
}

/**
 * Tells every workflow on the old task queue to migrate, exactly once, as routing sends its id to the new
 * version; then, once the new version takes all traffic and nothing runs on the old queue (seen twice,
 * a guard interval apart), deletes the old version's workers and archives its flag.
 */
export async function diachronicMigration(input: MigrationInput): Promise<MigrationResult> {
  return failOnCodeError(() => migration(input));
}

async function migration(input: MigrationInput): Promise<MigrationResult> {
  const { oldVersion, newVersion } = input;
  const parent = getExternalWorkflowHandle(input.parentWorkflowId);
  let remembered = input.remembered ?? [];
  let signaledTotal = input.signaledTotal ?? 0;
  const wake = { sweepNow: false, held: false };
  setHandler(sweepNowSignal, () => {
    wake.sweepNow = true;
  });
  setHandler(migrationHoldSignal, held => {
    wake.held = held;
  });

  const report = (state: MigrationState) => parent.signal(migrationProgressSignal, state);

  const sweepOnce = async () => {
    if (patched(SWEEP_WITHOUT_IDS_PATCH)) {
      const { told, running, newLivePercent } = await sweepActivities.sweepOldQueue({ oldVersion, newVersion });
      remembered = [];
      signaledTotal = told;
      return { running, newLivePercent };
    }
    const sweep = await sweepActivities.sweepOldTaskQueue({ oldVersion, newVersion, remembered });
    remembered = [...sweep.stillRunningRemembered, ...sweep.signaled];
    signaledTotal += sweep.signaled.length;
    return sweep;
  };

  for (;;) {
    // Held by a failed health gate: nobody more is told until an operator resumes.
    if (wake.held) await condition(() => !wake.held);
    const sweep = await sweepOnce();
    await report({ signaled: signaledTotal, remaining: sweep.running, lastSweepAt: new Date().toISOString(), stage: 'sweeping' });

    if (sweep.running === 0 && sweep.newLivePercent === 100) {
      await report({ signaled: signaledTotal, remaining: 0, lastSweepAt: new Date().toISOString(), stage: 'draining' });
      // Visibility lags, and signalers may still route a start by a stale flag cache: look again later.
      await sleep(input.drainGuardMs);
      const running = await visibilityActivities.countRunningOnTaskQueue({ taskQueue: oldVersion.taskQueue });
      if (running === 0) {
        await report({ signaled: signaledTotal, remaining: 0, lastSweepAt: new Date().toISOString(), stage: 'retiring' });
        try {
          const retired = await retireActivities.retireVersion({ version: oldVersion });
          return { signaled: signaledTotal, deletedDeployments: retired.deletedDeployments };
        } catch (error) {
          // Someone lowered the new version's percentage after the drain check: keep migrating.
          if (!isVersionInUse(error)) throw error;
        }
      }
    }

    if (workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof diachronicMigration>({ ...input, remembered: remembered.length > 0 ? remembered : undefined, signaledTotal });
    }
    await condition(() => wake.sweepNow, input.sweepIntervalMs);
    wake.sweepNow = false;
  }
}
