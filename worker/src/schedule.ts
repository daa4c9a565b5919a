/** Rollout schedule math: pure, deterministic, shared by the rollout workflow and the backend's validation. */
import type { RolloutStep } from './contract';

export const DEFAULT_STEP_PERCENT = 10;
export const DEFAULT_STEP_PAUSE_MS = 60_000;

export function defaultSchedule(): RolloutStep[] {
  return Array.from({ length: 100 / DEFAULT_STEP_PERCENT }, (_, i) => ({
    percent: (i + 1) * DEFAULT_STEP_PERCENT,
    pauseMs: DEFAULT_STEP_PAUSE_MS,
  }));
}

/** Why a schedule is unusable, or undefined when it is fine. */
export function scheduleProblem(steps: RolloutStep[]): string | undefined {
  if (steps.length === 0) return 'schedule has no steps';
  if (steps.length > 100) return `schedule has ${steps.length} steps; at most 100 are allowed`;
  let previous = 0;
  for (const [i, step] of steps.entries()) {
    if (!Number.isInteger(step.percent) || step.percent < 1 || step.percent > 100) {
      return `step ${i + 1}: percent ${step.percent} is not an integer from 1 to 100`;
    }
    if (step.percent <= previous) {
      return `step ${i + 1}: percent ${step.percent} does not rise above the previous step's ${previous}`;
    }
    if (!Number.isFinite(step.pauseMs) || step.pauseMs < 0) {
      return `step ${i + 1}: pauseMs ${step.pauseMs} is not a non-negative number`;
    }
    previous = step.percent;
  }
  return undefined;
}

/**
 * The schedule a rollout follows: the requested one (or the default), always ending at exactly 100.
 * A schedule whose last step is below 100 gets a final 100% step with the last step's pause.
 */
export function normalizeSchedule(steps?: RolloutStep[]): RolloutStep[] {
  const base = steps && steps.length > 0 ? steps : defaultSchedule();
  const problem = scheduleProblem(base);
  if (problem) throw new Error(`invalid rollout schedule: ${problem}`);
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
