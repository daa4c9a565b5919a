/**
 * How a migration moves old workflows, beyond "as routing allows": the upgrade dry run before the first
 * migrate signal, and waves (a canary, a bake, the health gate, then growing waves) with a rate limit.
 * Schemas for requests and configuration, the policies with their defaults, and the pure math and
 * reasons the migration workflow, the backend and the UI share.
 */
import { z } from 'zod';
import { cutText } from './health';

const HOUR_MS = 60 * 60 * 1000;

export const DEFAULT_DRY_RUN_SAMPLE = 20;
export const MAX_DRY_RUN_SAMPLE = 100;
export const DEFAULT_DRY_RUN_TIMEOUT_MS = 60_000;

export const dryRunOnFailureSchema = z.enum(['stop-migration', 'abort']);
export type DryRunOnFailure = z.infer<typeof dryRunOnFailureSchema>;

/** The upgrade dry run as a request or the configuration gives it: every field optional. */
export const upgradeDryRunSchema = z.strictObject({
  /** Whether the dry run runs before the first migrate signal (default true when given). */
  enabled: z.boolean().optional(),
  /** Old workflows whose states are checked: the oldest half and the newest half of the old queue. */
  sampleSize: z
    .number()
    .int('must be a whole number')
    .min(1, 'must be at least 1')
    .max(MAX_DRY_RUN_SAMPLE, `must be at most ${MAX_DRY_RUN_SAMPLE}`)
    .optional(),
  /** How long the new version's worker has to take and finish the check before it counts as not checked. */
  timeoutMs: z
    .number()
    .int('must be a whole number of milliseconds')
    .min(1000, 'must be at least 1000 ms')
    .max(HOUR_MS, `must be at most ${HOUR_MS} ms (an hour)`)
    .optional(),
  /** A failed check stops the migration (new starts still roll out), or aborts the whole deployment. */
  onFailure: dryRunOnFailureSchema.optional(),
});
export type UpgradeDryRun = z.infer<typeof upgradeDryRunSchema>;

export interface UpgradeDryRunPolicy {
  sampleSize: number;
  timeoutMs: number;
  onFailure: DryRunOnFailure;
}

export function resolveUpgradeDryRun(dryRun: UpgradeDryRun | undefined): UpgradeDryRunPolicy | undefined {
  if (!dryRun || dryRun.enabled === false) return undefined;
  return {
    sampleSize: dryRun.sampleSize ?? DEFAULT_DRY_RUN_SAMPLE,
    timeoutMs: dryRun.timeoutMs ?? DEFAULT_DRY_RUN_TIMEOUT_MS,
    onFailure: dryRun.onFailure ?? 'stop-migration',
  };
}

/** One old workflow the dry run could not upgrade: the error and its state's structure (never its values). */
export interface DryRunFailure {
  workflowId: string;
  runId: string;
  workflowType: string;
  error: string;
  stateShape: string;
}

/**
 * What the dry run found. `waiting`: no workflow ran on the old queue yet (nothing to sample; no signal is
 * sent until one runs and is checked). `not checked`: the new version's worker does not offer the check,
 * or none of the sample could be checked; the migration goes on, and says so.
 */
export interface UpgradeDryRunReport {
  /** ISO time of the check. */
  at: string;
  outcome: 'passed' | 'failed' | 'not checked' | 'waiting';
  /** Workflows running on the old queue, and how many of them were sampled. */
  running: number;
  sampled: number;
  passed: number;
  failed: number;
  unchecked: number;
  /** Up to DRY_RUN_EXAMPLES of each. */
  failures: DryRunFailure[];
  notChecked: Array<{ workflowId: string; reason: string }>;
  /** What a person reads: what failed and where, or why nothing was checked. */
  reason?: string;
}

export const DRY_RUN_EXAMPLES = 10;
const REASON_CHARS = 2000;

/** The reason of a dry run's outcome, naming the workflows, the errors and the states' shapes. */
export function dryRunReason(report: Omit<UpgradeDryRunReport, 'reason'>, newTaskQueue: string): string | undefined {
  const { failed, sampled, running } = report;
  if (report.outcome === 'failed') {
    const examples = report.failures
      .map(failure => `${failure.workflowId} (${failure.workflowType}): ${failure.error}; state ${failure.stateShape}`)
      .join('; ');
    return cutText(
      `the upgrade of ${newTaskQueue} failed on ${failed} of ${sampled} sampled workflows (of ${running} on the old queue): ${examples}`,
      REASON_CHARS,
    );
  }
  if (report.outcome === 'not checked') {
    const why = report.notChecked[0]?.reason ?? 'no sampled workflow could be checked';
    return cutText(`the upgrade was not checked (${report.unchecked} of ${sampled} sampled workflows): ${why}`, REASON_CHARS);
  }
  return undefined;
}

/** The outcome of a check that ran: any failure fails it; none checked at all is not a pass. */
export function dryRunOutcome(counts: { passed: number; failed: number }): 'passed' | 'failed' | 'not checked' {
  if (counts.failed > 0) return 'failed';
  return counts.passed > 0 ? 'passed' : 'not checked';
}

export const DEFAULT_CANARY_PERCENT = 1;
export const DEFAULT_CANARY_MIN = 1;
export const DEFAULT_CANARY_MAX = 50;
export const DEFAULT_WAVE_PERCENTS = [10, 25, 50, 100];
export const DEFAULT_WAVE_BAKE_MS = 2 * 60_000;
export const MAX_WAVES = 20;

const percentOfAllowed = z.number().gt(0, 'must be above 0').max(100, 'must be at most 100');

/** Migration waves as a request or the configuration gives them: every field optional. */
export const migrationWavesSchema = z.strictObject({
  /** Whether old workflows move in waves (default true when given). */
  enabled: z.boolean().optional(),
  /** The canary wave: this % of the old workflows routing lets move, at least canaryMin, at most canaryMax. */
  canaryPercent: percentOfAllowed.optional(),
  canaryMin: z.number().int('must be a whole number').min(1, 'must be at least 1').max(100_000, 'must be at most 100000').optional(),
  canaryMax: z.number().int('must be a whole number').min(1, 'must be at least 1').max(1_000_000, 'must be at most 1000000').optional(),
  /** The waves after the canary, each in % of what routing allows, rising; 100 is added when missing. */
  percents: z
    .array(percentOfAllowed)
    .min(1, 'must have at least one wave')
    .max(MAX_WAVES, `must have at most ${MAX_WAVES} waves`)
    .superRefine((percents, ctx) => {
      for (let i = 1; i < percents.length; i++) {
        if (percents[i] <= percents[i - 1]) {
          ctx.addIssue({ code: 'custom', path: [i], message: `${percents[i]} does not rise above the previous wave's ${percents[i - 1]}` });
          return;
        }
      }
    })
    .optional(),
  /** After each wave, how long the moved workflows run on the new version before the gate and the next wave. */
  bakeMs: z
    .number()
    .int('must be a whole number of milliseconds')
    .min(0, 'must not be negative')
    .max(24 * HOUR_MS, `must be at most ${24 * HOUR_MS} ms (a day)`)
    .optional(),
  /** Migrate signals per second at most, in every wave (default: no limit). */
  signalsPerSecond: z.number().gt(0, 'must be above 0').max(10_000, 'must be at most 10000').optional(),
}).refine(waves => (waves.canaryMin ?? DEFAULT_CANARY_MIN) <= (waves.canaryMax ?? DEFAULT_CANARY_MAX), {
  path: ['canaryMax'],
  message: 'must not be below canaryMin',
});
export type MigrationWaves = z.infer<typeof migrationWavesSchema>;

export interface MigrationWavesPolicy {
  canaryPercent: number;
  canaryMin: number;
  canaryMax: number;
  /** Rising, the last exactly 100. */
  percents: number[];
  bakeMs: number;
  signalsPerSecond?: number;
}

export function resolveMigrationWaves(waves: MigrationWaves | undefined): MigrationWavesPolicy | undefined {
  if (!waves || waves.enabled === false) return undefined;
  const percents = waves.percents ?? DEFAULT_WAVE_PERCENTS;
  return {
    canaryPercent: waves.canaryPercent ?? DEFAULT_CANARY_PERCENT,
    canaryMin: waves.canaryMin ?? DEFAULT_CANARY_MIN,
    canaryMax: waves.canaryMax ?? DEFAULT_CANARY_MAX,
    percents: percents[percents.length - 1] === 100 ? percents : [...percents, 100],
    bakeMs: waves.bakeMs ?? DEFAULT_WAVE_BAKE_MS,
    ...(waves.signalsPerSecond !== undefined && { signalsPerSecond: waves.signalsPerSecond }),
  };
}

/** Waves in all: the canary and those after it. */
export const waveCount = (policy: MigrationWavesPolicy) => 1 + policy.percents.length;

/**
 * How many old workflows should have been told by the end of wave `index` (0 is the canary) when routing
 * lets `allowed` of them move: undefined for a wave at 100% (no limit but routing). Never below the
 * previous wave's target, never above `allowed`.
 */
export function waveTarget(policy: MigrationWavesPolicy, index: number, allowed: number): number | undefined {
  const canary = Math.min(allowed, Math.min(policy.canaryMax, Math.max(policy.canaryMin, Math.ceil((allowed * policy.canaryPercent) / 100))));
  if (index === 0) return canary;
  const percent = policy.percents[Math.min(index, policy.percents.length) - 1];
  if (percent >= 100) return undefined;
  return Math.min(allowed, Math.max(canary, Math.ceil((allowed * percent) / 100)));
}

/** The percentage a wave stands for, for people: the canary's own or the wave's. */
export const wavePercent = (policy: MigrationWavesPolicy, index: number) =>
  index === 0 ? policy.canaryPercent : policy.percents[Math.min(index, policy.percents.length) - 1];

/** Where the waves stand, as the migration reports them. */
export interface WaveState {
  /** 1-based: 1 is the canary. */
  index: number;
  count: number;
  /** Of what routing allows (the canary's percentage for wave 1). */
  percent: number;
  /**
   * gating: the health gate decides whether the wave starts; telling: signaling up to the wave's target;
   * baking: the moved workflows run on the new version before the next wave.
   */
  stage: 'gating' | 'telling' | 'baking';
  /** Told by the end of this wave (cumulative); absent for the last wave (no limit but routing). */
  target?: number;
  /** Old workflows routing lets move now (told ones included), as the last sweep counted them. */
  allowed?: number;
  /** When the bake ends and the next wave may start (ISO), while baking. */
  nextAt?: string;
  /** Why waves do not apply (the namespace cannot count who was told). */
  off?: string;
}
