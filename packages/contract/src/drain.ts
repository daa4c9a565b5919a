/**
 * When an old version's task queue will be empty, forecast from what visibility counts now: the workflows
 * running there, and those that left (closed, continued-as-new included) and arrived (started) over a
 * recent window. Net departures per minute over the window, projected linearly; "unknown" rather than a
 * guess when too few left or as many arrive as leave.
 */

/** The window departures are counted over. */
export const DRAIN_WINDOW_MS = 10 * 60_000;
/** Fewer departures than this in the window: no forecast. */
export const DRAIN_MIN_DEPARTURES = 5;

export interface DrainCounts {
  running: number;
  /** Closed in the window (migrated runs close as continued-as-new). */
  left: number;
  /** Started in the window (new starts routed there, or migrated in). */
  arrived: number;
}

export interface DrainForecast extends DrainCounts {
  /** ISO time of the counts. */
  at: string;
  windowMs: number;
  /** Net departures per minute over the window (may be negative). */
  leavingPerMinute: number;
  /** When the queue is forecast to be empty (ISO); absent when unknown. */
  emptyAt?: string;
  /** Why there is no forecast. */
  unknown?: string;
}

export function forecastDrain(counts: DrainCounts, nowMs: number, windowMs = DRAIN_WINDOW_MS): DrainForecast {
  const net = counts.left - counts.arrived;
  const leavingPerMinute = Math.round((net / windowMs) * 60_000 * 10) / 10;
  const base = { ...counts, at: new Date(nowMs).toISOString(), windowMs, leavingPerMinute };
  if (counts.running === 0) return { ...base, emptyAt: base.at };
  const minutes = Math.round(windowMs / 60_000);
  if (counts.left < DRAIN_MIN_DEPARTURES) {
    return { ...base, unknown: `too little data: ${counts.left} left in the last ${minutes} min (at least ${DRAIN_MIN_DEPARTURES} needed)` };
  }
  if (net <= 0) return { ...base, unknown: `not draining: ${counts.arrived} arrived and ${counts.left} left in the last ${minutes} min` };
  return { ...base, emptyAt: new Date(nowMs + Math.ceil((counts.running * windowMs) / net)).toISOString() };
}
