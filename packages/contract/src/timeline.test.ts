import type { TimelinePoint } from './state';
import { migrationTotals, withTimelinePoint } from './timeline';

const at = (minute: number) => new Date(Date.UTC(2026, 11, 5, 10, minute)).toISOString();
const point = (minute: number, livePercent: number, oldRunning?: number): TimelinePoint => ({
  at: at(minute),
  livePercent,
  ...(oldRunning !== undefined && { oldRunning }),
});

describe('withTimelinePoint', () => {
  it('appends a point only when the percentage or the old queue count changed', () => {
    let timeline: TimelinePoint[] = [];
    timeline = withTimelinePoint(timeline, point(0, 0));
    timeline = withTimelinePoint(timeline, point(1, 0));
    timeline = withTimelinePoint(timeline, point(2, 10));
    timeline = withTimelinePoint(timeline, point(3, 10, 40));
    timeline = withTimelinePoint(timeline, point(4, 10, 40));
    timeline = withTimelinePoint(timeline, point(5, 10, 35));
    expect(timeline).toEqual([point(0, 0), point(2, 10), point(3, 10, 40), point(5, 10, 35)]);
  });

  it('does not change the timeline it is given', () => {
    const timeline = [point(0, 0)];
    withTimelinePoint(timeline, point(1, 50));
    expect(timeline).toEqual([point(0, 0)]);
  });

  it('stays within its bound over a long drain, keeping every change of the percentage and both ends', () => {
    let timeline: TimelinePoint[] = [];
    const percentChanges = [0, 10, 25, 50, 100];
    percentChanges.forEach((percent, i) => {
      timeline = withTimelinePoint(timeline, point(i, percent), 20);
    });
    for (let sweep = 0; sweep < 500; sweep += 1) {
      timeline = withTimelinePoint(timeline, point(10 + sweep, 100, 1000 - sweep), 20);
      expect(timeline.length).toBeLessThanOrEqual(20);
    }
    expect(timeline[0]).toEqual(point(0, 0));
    expect(timeline[timeline.length - 1]).toEqual(point(509, 100, 501));
    // Each step of the percentage is still where it happened.
    for (const [i, percent] of percentChanges.entries()) expect(timeline).toContainEqual(point(i, percent));
    // The drain is thinned evenly: points remain across it, in time order.
    const drain = timeline.filter(p => p.oldRunning !== undefined);
    expect(drain.length).toBeGreaterThan(5);
    expect(drain.map(p => p.at)).toEqual([...drain.map(p => p.at)].sort());
  });

  it('stays within its bound when only the percentage changes', () => {
    let timeline: TimelinePoint[] = [];
    for (let i = 0; i < 100; i += 1) timeline = withTimelinePoint(timeline, point(i, i % 2 === 0 ? 10 : 20), 10);
    expect(timeline.length).toBeLessThanOrEqual(10);
    expect(timeline[0]).toEqual(point(0, 10));
    expect(timeline[timeline.length - 1]).toEqual(point(99, 20));
  });
});

describe('migrationTotals', () => {
  it('counts the total as moved plus remaining and the share moved of it', () => {
    expect(migrationTotals({ signaled: 34, remaining: 44, moved: 30, stage: 'sweeping' })).toEqual({
      signaled: 34,
      remaining: 44,
      moved: 30,
      total: 74,
      percentMoved: 40,
    });
    // Rounded down: 100% only once nothing remains.
    expect(migrationTotals({ signaled: 200, remaining: 1, moved: 199, stage: 'sweeping' }).percentMoved).toBe(99);
    expect(migrationTotals({ signaled: 12, remaining: 0, moved: 12, stage: 'retiring' }).percentMoved).toBe(100);
  });

  it('has no total where the migration cannot count who moved', () => {
    expect(migrationTotals({ signaled: 5, remaining: 7, stage: 'sweeping' })).toEqual({ signaled: 5, remaining: 7 });
  });
});
