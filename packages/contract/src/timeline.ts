/** A deployment's timeline (kept bounded inside its workflow) and its migration's totals, as the UI shows them. */
import type { MigrationState, TimelinePoint } from './state';

/** Points a deployment's timeline keeps at most: a few kilobytes in every state query. */
export const TIMELINE_POINTS = 240;

const sameValues = (a: TimelinePoint, b: TimelinePoint) => a.livePercent === b.livePercent && a.oldRunning === b.oldRunning;

/**
 * The timeline with the deployment's values at `point.at`, appended when they changed. When it is full,
 * every second point inside it that did not change the live percentage is dropped (the drain curve
 * loses resolution evenly); the first and last points and every change of the percentage stay, unless
 * there are more of those than fit, when every second inner point goes.
 */
export function withTimelinePoint(timeline: readonly TimelinePoint[], point: TimelinePoint, max = TIMELINE_POINTS): TimelinePoint[] {
  const last = timeline[timeline.length - 1];
  if (last && sameValues(last, point)) return [...timeline];
  const points = [...timeline, point];
  if (points.length <= max) return points;
  const percentChanged = (i: number) => i === 0 || i === points.length - 1 || points[i].livePercent !== points[i - 1].livePercent;
  let dropNext = true;
  const thinned = points.filter((_, i) => {
    if (percentChanged(i)) return true;
    dropNext = !dropNext;
    return dropNext;
  });
  if (thinned.length <= max) return thinned;
  return thinned.filter((_, i) => i === 0 || i === thinned.length - 1 || i % 2 === 0);
}

/** A migration's counts as an operator reads them: told, moved, still on the old queue, of how many. */
export interface MigrationTotals {
  signaled: number;
  remaining: number;
  /** Absent where the migration cannot count who moved. */
  moved?: number;
  /** What the migration has had to move: those that moved plus those still on the old queue. */
  total?: number;
  /** Of the total, the share that moved (0–100, rounded down; 100 only when nothing remains). */
  percentMoved?: number;
}

export function migrationTotals({ signaled, remaining, moved }: MigrationState): MigrationTotals {
  if (moved === undefined) return { signaled, remaining };
  const total = moved + remaining;
  const percentMoved = total === 0 ? 100 : Math.floor((moved * 100) / total);
  return { signaled, remaining, moved, total, percentMoved };
}
