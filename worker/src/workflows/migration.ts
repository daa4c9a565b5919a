import {
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  isCancellation,
  patched,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { MigrationState, StragglerReport, VersionRef } from '@diachronic/contract';
import { migrationHoldSignal, migrationProgressSignal, sweepNowSignal } from './messages';
import { isVersionInUse, retireActivities, stragglerActivities, sweepActivities, visibilityActivities } from './proxies';
import { failOnCodeError } from './failures';

export interface MigrationInput {
  oldVersion: VersionRef;
  newVersion: VersionRef;
  parentWorkflowId: string;
  sweepIntervalMs: number;
  drainGuardMs: number;
  /** A workflow told this long ago that still runs on the old queue is a straggler (default 10 min). */
  stragglerAfterMs?: number;
  /** When the first workflow was told (epoch ms, workflow time): carried across continue-as-new. */
  firstToldAt?: number;
  /** Carried by runs of the first releases, which remembered whom they told; new runs count from visibility. */
  remembered?: string[];
  signaledTotal?: number;
}

// Sweeps that keep no list of whom they told (each counts the told from visibility): histories recorded
// before replay the list-carrying sweep.
const SWEEP_WITHOUT_IDS_PATCH = 'diachronic-sweep-without-ids';
// Looks for stragglers after the sweeps: histories recorded before have none.
const STRAGGLERS_PATCH = 'diachronic-stragglers';

export const DEFAULT_STRAGGLER_AFTER_MS = 10 * 60_000;

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
  let firstToldAt = input.firstToldAt;
  const stragglerAfterMs = input.stragglerAfterMs ?? DEFAULT_STRAGGLER_AFTER_MS;
  let stragglers: StragglerReport | undefined;
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

  /** Once the first told workflow is stragglerAfterMs old, after each sweep while any still run there. */
  const lookForStragglers = async (running: number) => {
    if (signaledTotal > 0) firstToldAt ??= Date.now();
    if (running === 0) stragglers = undefined;
    if (running === 0 || firstToldAt === undefined || Date.now() - firstToldAt < stragglerAfterMs) return;
    if (!patched(STRAGGLERS_PATCH)) return;
    try {
      stragglers = await stragglerActivities.findStragglers({ oldVersion, newVersion, olderThanMs: stragglerAfterMs });
    } catch (error) {
      if (isCancellation(error)) throw error;
      // Information only: the previous report stands until the next sweep looks again.
    }
  };

  for (;;) {
    // Held by a failed health gate: nobody more is told until an operator resumes.
    if (wake.held) await condition(() => !wake.held);
    const sweep = await sweepOnce();
    await lookForStragglers(sweep.running);
    await report({
      signaled: signaledTotal,
      remaining: sweep.running,
      lastSweepAt: new Date().toISOString(),
      stage: 'sweeping',
      ...(stragglers && { stragglers }),
    });

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
      await continueAsNew<typeof diachronicMigration>({
        ...input,
        remembered: remembered.length > 0 ? remembered : undefined,
        signaledTotal,
        ...(firstToldAt !== undefined && { firstToldAt }),
      });
    }
    await condition(() => wake.sweepNow, input.sweepIntervalMs);
    wake.sweepNow = false;
  }
}
