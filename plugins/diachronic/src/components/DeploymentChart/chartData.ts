import type { DeploymentEvent, DeploymentState } from '@diachronic/backstage-plugin-diachronic-common';

export interface ChartPoint {
  /** Epoch ms. */
  t: number;
  livePercent: number;
  oldRunning?: number;
}

export type MarkerTone = 'ok' | 'hold' | 'stop' | 'change';

export interface ChartMarker {
  t: number;
  label: string;
  /** Who did it and why, for the marker's description. */
  title: string;
  tone: MarkerTone;
}

/** The events a chart marks, with how each reads at a glance. */
const markedActions: Record<string, MarkerTone> = {
  promote: 'ok',
  resume: 'ok',
  'window open': 'ok',
  unfrozen: 'ok',
  pause: 'hold',
  hold: 'hold',
  frozen: 'hold',
  'waiting for window': 'hold',
  override: 'change',
  wave: 'change',
  abort: 'stop',
};

const describe = (event: DeploymentEvent) =>
  [`${event.action} by ${event.who}`, event.detail, event.why && `why: ${event.why}`].filter(Boolean).join(' · ');

/**
 * What the deployment's chart draws: its timeline, carried on to `until` (its end, or now while it runs) so
 * the last value shows as held; and a marker per pause, resume, promote, override, wave, freeze, window,
 * abort and failed health gate evaluation. Empty points for a deployment older than the timeline.
 */
export function chartData(deployment: DeploymentState, now: number): { points: ChartPoint[]; markers: ChartMarker[] } {
  const timeline = deployment.timeline ?? [];
  const points: ChartPoint[] = timeline.map(point => ({
    t: Date.parse(point.at),
    livePercent: point.livePercent,
    ...(point.oldRunning !== undefined && { oldRunning: point.oldRunning }),
  }));
  const last = points[points.length - 1];
  const until = deployment.endedAt ? Date.parse(deployment.endedAt) : now;
  if (last && until > last.t) points.push({ ...last, t: until });

  const markers: ChartMarker[] = deployment.events
    .filter(event => Object.hasOwn(markedActions, event.action))
    .map(event => ({ t: Date.parse(event.at), label: event.action, title: describe(event), tone: markedActions[event.action] }));
  for (const evaluation of deployment.gate?.evaluations ?? []) {
    if (evaluation.passed) continue;
    markers.push({ t: Date.parse(evaluation.at), label: 'gate failed', title: `health gate failed${evaluation.reason ? `: ${evaluation.reason}` : ""}`, tone: 'stop' });
  }
  markers.sort((a, b) => a.t - b.t);
  return { points, markers };
}
