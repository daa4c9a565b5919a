import { describeIssues } from './requests';
import { defaultSchedule, firstStepAbove, normalizeSchedule, rolloutEta, scheduleSchema } from './schedule';

const problemOf = (steps: unknown) => {
  const parsed = scheduleSchema.safeParse(steps);
  return parsed.success ? undefined : describeIssues(parsed.error, 'schedule');
};

describe('rollout schedules', () => {
  it('defaults to 10% every 60 s, ending at exactly 100', () => {
    const steps = normalizeSchedule();
    expect(steps.map(step => step.percent)).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
    expect(steps.every(step => step.pauseMs === 60_000)).toBe(true);
    expect(normalizeSchedule([])).toEqual(defaultSchedule());
  });

  it('appends a final 100% step when a schedule stops short', () => {
    expect(normalizeSchedule([{ percent: 5, pauseMs: 10 }, { percent: 50, pauseMs: 20 }])).toEqual([
      { percent: 5, pauseMs: 10 },
      { percent: 50, pauseMs: 20 },
      { percent: 100, pauseMs: 20 },
    ]);
  });

  it('names the step that is wrong, and the limit it breaks', () => {
    expect(problemOf([{ percent: 20, pauseMs: 1 }, { percent: 20, pauseMs: 1 }])).toBe(
      "schedule.1.percent: 20 does not rise above the previous step's 20",
    );
    expect(problemOf([{ percent: 0, pauseMs: 1 }])).toBe('schedule.0.percent: must be at least 1');
    expect(problemOf([{ percent: 12.5, pauseMs: 1 }])).toBe('schedule.0.percent: must be a whole percentage');
    expect(problemOf([{ percent: 10, pauseMs: -1 }])).toBe('schedule.0.pauseMs: must not be negative');
    expect(problemOf([{ percent: 10, pauseMs: 1e10 }])).toBe('schedule.0.pauseMs: must be at most 604800000 ms (7 days)');
    expect(problemOf([{ percent: 10, pauseMs: 1e16 }])).toContain('schedule.0.pauseMs: must be at most 604800000 ms (7 days)');
    expect(problemOf([{ percent: 10, pauseMs: 1, extra: true }])).toMatch(/^schedule\.0: Unrecognized key: "extra"/);
    expect(problemOf([])).toBe('schedule: must have at least one step');
    expect(problemOf(Array.from({ length: 101 }, (_, i) => ({ percent: 1, pauseMs: i })))).toBe('schedule: must have at most 100 steps');
    expect(() => normalizeSchedule([{ percent: 101, pauseMs: 0 }])).toThrow('invalid rollout schedule: step 1: percent must be at most 100');
  });

  it('continues a re-run rollout above the current percentage', () => {
    const steps = normalizeSchedule();
    expect(firstStepAbove(steps, 0)).toBe(0);
    expect(firstStepAbove(steps, 30)).toBe(3);
    expect(firstStepAbove(steps, 35)).toBe(3);
    expect(firstStepAbove(steps, 100)).toBe(steps.length);
  });

  it('estimates the end from the next step and the pauses after it', () => {
    const steps = [
      { percent: 10, pauseMs: 1000 },
      { percent: 50, pauseMs: 2000 },
      { percent: 100, pauseMs: 5000 },
    ];
    // Next step (50%) due at t=100, then its 2000 ms pause before the 100% step; the last pause never counts.
    expect(rolloutEta(steps, 1, 100)).toBe(2100);
    expect(rolloutEta(steps, 2, 100)).toBe(100);
    expect(rolloutEta(steps, 0, 0)).toBe(3000);
  });
});
