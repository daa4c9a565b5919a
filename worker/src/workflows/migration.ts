import {
  ActivityFailure,
  ApplicationFailure,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  isCancellation,
  patched,
  setHandler,
  sleep,
  TimeoutFailure,
  workflowInfo,
} from '@temporalio/workflow';
import type {
  MigrationState,
  MigrationWavesPolicy,
  StragglerReport,
  UpgradeDryRunPolicy,
  UpgradeDryRunReport,
  VersionRef,
  WaveState,
} from '@diachronic/contract';
import {
  DEFAULT_STRAGGLER_AFTER_MS,
  DRY_RUN_EXAMPLES,
  dryRunOutcome,
  dryRunReason,
  waveCount,
  wavePercent,
  waveTarget,
} from '@diachronic/contract';
import { gateEvaluatedSignal, migrationHoldSignal, migrationProgressSignal, sweepNowSignal } from './messages';
import {
  isVersionInUse,
  retireActivities,
  stragglerActivities,
  sweepActivities,
  upgradeCheckActivities,
  upgradeSampleActivities,
  visibilityActivities,
} from './proxies';
import { failOnCodeError, failureReason } from './failures';
import { evaluateGate, GateInput } from './gate';

export interface MigrationInput {
  oldVersion: VersionRef;
  newVersion: VersionRef;
  parentWorkflowId: string;
  sweepIntervalMs: number;
  drainGuardMs: number;
  /** A workflow told this long ago that still runs on the old queue is a straggler (default 10 min). */
  stragglerAfterMs?: number;
  /** The upgrade dry run before the first migrate signal (absent: none). */
  dryRun?: UpgradeDryRunPolicy;
  /** Old workflows move in waves (absent: as routing allows). */
  waves?: MigrationWavesPolicy;
  /** The health gate, evaluated before every wave (given with waves only). */
  gate?: Omit<GateInput, 'deployment'>;
  /** When the first workflow was told (epoch ms, workflow time): carried across continue-as-new. */
  firstToldAt?: number;
  /** Carried across continue-as-new: the dry run's report and where the waves stand. */
  dryRunReport?: UpgradeDryRunReport;
  waveProgress?: WaveProgress;
  /** Carried by runs of the first releases, which remembered whom they told; new runs count from visibility. */
  remembered?: string[];
  signaledTotal?: number;
}

/** Where the waves stand: wave `index` (0 is the canary) is being gated, told, or baked. */
export interface WaveProgress {
  index: number;
  stage: 'gate' | 'telling' | 'baking';
  /** Epoch ms (workflow time) when the bake ends. */
  bakeUntil?: number;
  /** What routing let move at the last sweep (told ones included); unknown until the first sweep. */
  allowed?: number;
  off?: string;
}

// Sweeps that keep no list of whom they told (each counts the told from visibility): histories recorded
// before replay the list-carrying sweep.
const SWEEP_WITHOUT_IDS_PATCH = 'diachronic-sweep-without-ids';
// Looks for stragglers after the sweeps: histories recorded before have none.
const STRAGGLERS_PATCH = 'diachronic-stragglers';

/** Who stops a migration whose upgrade dry run failed: named so in the events and the reason. */
export const DRY_RUN_ACTOR = 'diachronic (upgrade dry run)';

export interface MigrationResult {
  signaled: number;
  deletedDeployments: string[];
  /** Set when the migration ended without telling anyone: the upgrade dry run failed, and why. */
  stopped?: string;
}

/**
 * Tells every workflow on the old task queue to migrate, exactly once, as routing sends its id to the new
 * version (and, with waves, no faster than the waves allow); then, once the new version takes all traffic
 * and nothing runs on the old queue (seen twice, a guard interval apart), deletes the old version's
 * workers and archives its flag. With a dry run, nobody is told before the new version's worker has
 * upgraded a sample of the old states without an error.
 */
export async function diachronicMigration(input: MigrationInput): Promise<MigrationResult> {
  return failOnCodeError(() => migration(input));
}

async function migration(input: MigrationInput): Promise<MigrationResult> {
  const { oldVersion, newVersion, waves } = input;
  const parent = getExternalWorkflowHandle(input.parentWorkflowId);
  let remembered = input.remembered ?? [];
  let signaledTotal = input.signaledTotal ?? 0;
  let firstToldAt = input.firstToldAt;
  let dryRunReport = input.dryRunReport;
  const wave: WaveProgress = input.waveProgress ?? { index: 0, stage: 'gate' };
  const stragglerAfterMs = input.stragglerAfterMs ?? DEFAULT_STRAGGLER_AFTER_MS;
  let stragglers: StragglerReport | undefined;
  let lastSweep: { running: number; at: string; newLivePercent: number; moved?: number } | undefined;
  /** Why the last attempt to retire the old version was refused (a schedule still starts there, say). */
  let retireRefused: string | undefined;
  const wake = { sweepNow: false, held: false };
  setHandler(sweepNowSignal, () => {
    wake.sweepNow = true;
  });
  setHandler(migrationHoldSignal, held => {
    wake.held = held;
  });

  const waveState = (): WaveState | undefined => {
    if (!waves) return undefined;
    const target = wave.allowed === undefined ? undefined : waveTarget(waves, wave.index, wave.allowed);
    return {
      index: wave.index + 1,
      count: waveCount(waves),
      percent: wavePercent(waves, wave.index),
      stage: wave.stage === 'gate' ? 'gating' : wave.stage,
      ...(target !== undefined && { target }),
      ...(wave.allowed !== undefined && { allowed: wave.allowed }),
      ...(wave.stage === 'baking' && wave.bakeUntil !== undefined && { nextAt: new Date(wave.bakeUntil).toISOString() }),
      ...(wave.off && { off: wave.off }),
    };
  };
  const report = (stage: MigrationState['stage']) => {
    const waveNow = waveState();
    return parent.signal(migrationProgressSignal, {
      signaled: signaledTotal,
      remaining: lastSweep?.running ?? dryRunReport?.running ?? 0,
      ...(lastSweep?.moved !== undefined && { moved: lastSweep.moved }),
      ...(lastSweep && { lastSweepAt: lastSweep.at }),
      stage,
      ...(stragglers && { stragglers }),
      ...(dryRunReport && { dryRun: dryRunReport }),
      ...(waveNow && { wave: waveNow }),
      ...(retireRefused && { retireRefused }),
    } satisfies MigrationState);
  };

  const sweepOnce = async (tellUpTo: number | undefined) => {
    if (patched(SWEEP_WITHOUT_IDS_PATCH)) {
      const sweep = await sweepActivities.sweepOldQueue({
        oldVersion,
        newVersion,
        ...(tellUpTo !== undefined && { tellUpTo }),
        ...(waves?.signalsPerSecond !== undefined && { signalsPerSecond: waves.signalsPerSecond }),
      });
      remembered = [];
      // A run told by an earlier sweep may not be counted yet (visibility lags): the count never goes back.
      signaledTotal = Math.max(signaledTotal, sweep.told);
      return sweep;
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

  /** The upgrade dry run: a sample of the old states through the new version's own upgrade functions. */
  async function upgradeDryRun(policy: UpgradeDryRunPolicy): Promise<UpgradeDryRunReport> {
    const sample = await upgradeSampleActivities.sampleOldWorkflows({ oldVersion, size: policy.sampleSize });
    const at = new Date().toISOString();
    const base = { at, running: sample.running, sampled: sample.workflows.length, passed: 0, failed: 0, unchecked: 0, failures: [], notChecked: [] };
    if (sample.workflows.length === 0) return { ...base, outcome: 'waiting' };
    let counts: Pick<UpgradeDryRunReport, 'passed' | 'failed' | 'unchecked' | 'failures' | 'notChecked'>;
    try {
      const checked = await upgradeCheckActivities(newVersion.taskQueue, policy.timeoutMs, policy.sampleSize)({
        toVersionId: newVersion.versionId,
        workflows: sample.workflows,
      });
      counts = {
        passed: checked.passed,
        failed: checked.failed,
        unchecked: checked.unchecked,
        failures: checked.failures.slice(0, DRY_RUN_EXAMPLES),
        notChecked: checked.notChecked.slice(0, DRY_RUN_EXAMPLES).map(({ workflowId, reason }) => ({ workflowId, reason })),
      };
    } catch (error) {
      if (isCancellation(error)) throw error;
      const reason = uncheckedBecause(error, newVersion.taskQueue, policy.timeoutMs);
      counts = { passed: 0, failed: 0, failures: [], unchecked: sample.workflows.length, notChecked: [{ workflowId: '*', reason }] };
    }
    const outcome = dryRunOutcome(counts);
    const found = { ...base, ...counts, outcome };
    const reason = dryRunReason(found, newVersion.taskQueue);
    return { ...found, ...(reason && { reason }) };
  }

  /**
   * How many may have been told by the end of this sweep under the waves: none more while a wave bakes,
   * the gate fails or routing's share is not measured yet (0); the wave's target; undefined in the last
   * wave (no limit but routing).
   */
  async function waveCap(policy: MigrationWavesPolicy, livePercent: number): Promise<number | undefined> {
    if (wave.off) return undefined;
    if (wave.stage === 'baking') {
      if (Date.now() < wave.bakeUntil!) return 0;
      wave.index = Math.min(wave.index + 1, waveCount(policy) - 1);
      wave.stage = 'gate';
    }
    if (wave.stage === 'gate') {
      await report('sweeping');
      if (input.gate) {
        const evaluation = await evaluateGate(
          { ...input.gate, deployment: { workflowId: input.parentWorkflowId, phase: 'migrating', livePercent } },
          'before wave',
        );
        // The deployment aborts, or holds this migration until an operator resumes it; then the gate is asked again.
        await parent.signal(gateEvaluatedSignal, evaluation);
        if (!evaluation.passed) {
          wake.held = true;
          return 0;
        }
      }
      wave.stage = 'telling';
      await report('sweeping');
    }
    if (wave.allowed === undefined) return 0;
    return waveTarget(policy, wave.index, wave.allowed);
  }

  /** After a sweep: what routing allows now, and whether the wave reached its target (then it bakes). */
  function afterSweepInWaves(policy: MigrationWavesPolicy, sweep: { told: number; toldNow: number; routable: number; acknowledges: boolean }) {
    if (wave.off) return;
    if (!sweep.acknowledges) {
      wave.off = 'waves need the search attribute DiachronicMigrationRequested to count who was told; migrating as routing allows';
      return;
    }
    const measuring = wave.allowed === undefined;
    wave.allowed = sweep.told - sweep.toldNow + sweep.routable;
    if (wave.stage !== 'telling') return;
    const target = waveTarget(policy, wave.index, wave.allowed);
    if (target !== undefined && target > 0 && signaledTotal >= target) {
      wave.stage = 'baking';
      wave.bakeUntil = Date.now() + policy.bakeMs;
    } else if (measuring) {
      // Routing's share is known now: the canary need not wait for the next interval.
      wake.sweepNow = true;
    }
  }

  for (;;) {
    // Held by an operator's pause or a failed health gate: nobody more is told until resumed.
    if (wake.held) await condition(() => !wake.held);

    if (input.dryRun && (dryRunReport === undefined || dryRunReport.outcome === 'waiting')) {
      dryRunReport = await upgradeDryRun(input.dryRun);
      if (dryRunReport.outcome === 'failed') {
        await report('stopped');
        return { signaled: 0, deletedDeployments: [], stopped: dryRunReport.reason };
      }
    }
    // Nothing ran on the old queue to check yet: count, tell nobody.
    const dryRunWaits = dryRunReport?.outcome === 'waiting';
    const waveLimit = waves && !dryRunWaits ? await waveCap(waves, lastSweep?.newLivePercent ?? 0) : undefined;
    const sweep = await sweepOnce(dryRunWaits ? 0 : waveLimit);
    lastSweep = {
      running: sweep.running,
      at: new Date().toISOString(),
      newLivePercent: sweep.newLivePercent,
      ...('moved' in sweep && sweep.moved !== undefined && { moved: sweep.moved }),
    };
    if (waves && 'routable' in sweep && !dryRunWaits) afterSweepInWaves(waves, sweep);
    await lookForStragglers(sweep.running);
    await report('sweeping');

    if (sweep.running === 0 && sweep.newLivePercent === 100) {
      await report('draining');
      // Visibility lags, and signalers may still route a start by a stale flag cache: look again later.
      await sleep(input.drainGuardMs);
      const running = await visibilityActivities.countRunningOnTaskQueue({ taskQueue: oldVersion.taskQueue });
      if (running === 0) {
        lastSweep = { ...lastSweep, running: 0, at: new Date().toISOString() };
        await report('retiring');
        try {
          const retired = await retireActivities.retireVersion({ version: oldVersion });
          return { signaled: signaledTotal, deletedDeployments: retired.deletedDeployments };
        } catch (error) {
          // Someone lowered the new version's percentage after the drain check, or a schedule still starts
          // workflows on the old queue: keep migrating, and say why.
          if (!isVersionInUse(error)) throw error;
          retireRefused = (error as ActivityFailure).cause?.message;
        }
      }
    }

    if (workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof diachronicMigration>({
        ...input,
        remembered: remembered.length > 0 ? remembered : undefined,
        signaledTotal,
        ...(firstToldAt !== undefined && { firstToldAt }),
        ...(dryRunReport && { dryRunReport }),
        ...(waves && { waveProgress: wave }),
      });
    }
    const untilBaked = wave.stage === 'baking' && wave.bakeUntil !== undefined ? Math.max(1, wave.bakeUntil - Date.now()) : Infinity;
    await condition(() => wake.sweepNow, Math.min(input.sweepIntervalMs, untilBaked));
    wake.sweepNow = false;
  }
}

/** Why the new version's worker did not check the upgrade, in words a person can act on. */
function uncheckedBecause(error: unknown, taskQueue: string, timeoutMs: number): string {
  const cause = error instanceof ActivityFailure ? error.cause : error;
  if (cause instanceof TimeoutFailure) {
    return `no worker on ${taskQueue} took the upgrade check within ${Math.round(timeoutMs / 1000)} s (none runs, or it registers no activities)`;
  }
  if (cause instanceof ApplicationFailure && cause.type === 'NotFoundError') {
    return `the worker on ${taskQueue} does not offer the upgrade check (register upgradeCheckActivities from @diachronic/migrate/upgrade-check)`;
  }
  return `the upgrade check failed on ${taskQueue}: ${failureReason(error)}`;
}
