/** Rollout schedules: their schema and the step math. Pure and deterministic: the rollout workflow uses it. */
import { z } from 'zod';

export const DEFAULT_STEP_PERCENT = 10;
export const DEFAULT_STEP_PAUSE_MS = 60_000;
export const MAX_SCHEDULE_STEPS = 100;
/** The longest a step may hold: a week. Longer is a mistake, and Temporal timers and dates have limits. */
export const MAX_STEP_PAUSE_MS = 7 * 24 * 60 * 60 * 1000;

export const rolloutStepSchema = z.strictObject({
  /** Live percentage to set, 1–100. */
  percent: z.number().int('must be a whole percentage').min(1, 'must be at least 1').max(100, 'must be at most 100'),
  /** How long to hold this percentage before the next step, in milliseconds. */
  pauseMs: z
    .number()
    .int('must be a whole number of milliseconds')
    .min(0, 'must not be negative')
    .max(MAX_STEP_PAUSE_MS, `must be at most ${MAX_STEP_PAUSE_MS} ms (7 days)`),
});
export type RolloutStep = z.infer<typeof rolloutStepSchema>;

/** 1 to 100 steps whose percentages rise. */
export const scheduleSchema = z
  .array(rolloutStepSchema)
  .min(1, 'must have at least one step')
  .max(MAX_SCHEDULE_STEPS, `must have at most ${MAX_SCHEDULE_STEPS} steps`)
  .superRefine((steps, ctx) => {
    for (let i = 1; i < steps.length; i++) {
      if (steps[i].percent <= steps[i - 1].percent) {
        ctx.addIssue({
          code: 'custom',
          path: [i, 'percent'],
          message: `${steps[i].percent} does not rise above the previous step's ${steps[i - 1].percent}`,
        });
        return;
      }
    }
  });

export function defaultSchedule(): RolloutStep[] {
  return Array.from({ length: 100 / DEFAULT_STEP_PERCENT }, (_, i) => ({
    percent: (i + 1) * DEFAULT_STEP_PERCENT,
    pauseMs: DEFAULT_STEP_PAUSE_MS,
  }));
}

/**
 * The schedule a rollout follows: the requested one (or the default), always ending at exactly 100.
 * A schedule whose last step is below 100 gets a final 100% step with the last step's pause.
 */
export function normalizeSchedule(steps?: RolloutStep[]): RolloutStep[] {
  const base = steps && steps.length > 0 ? steps : defaultSchedule();
  const parsed = scheduleSchema.safeParse(base);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(`invalid rollout schedule: step ${Number(issue.path[0]) + 1}: ${String(issue.path[1] ?? '')} ${issue.message}`);
  }
  const last = base[base.length - 1];
  return last.percent === 100 ? base : [...base, { percent: 100, pauseMs: last.pauseMs }];
}

/** Index of the first step that raises traffic above `currentPercent` (steps.length when none does). */
export function firstStepAbove(steps: RolloutStep[], currentPercent: number): number {
  const index = steps.findIndex(step => step.percent > currentPercent);
  return index === -1 ? steps.length : index;
}

/**
 * When the rollout reaches 100% if nothing intervenes: the next step is due at `nextAt`, then each later
 * step follows after the pause of the step before it.
 */
export function rolloutEta(steps: RolloutStep[], nextIndex: number, nextAt: number): number {
  let at = nextAt;
  for (let i = nextIndex; i < steps.length - 1; i++) at += steps[i].pauseMs;
  return at;
}
