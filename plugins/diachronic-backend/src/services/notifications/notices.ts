/** Which changes of a deployment its owners are told of: pure, from two looks at its state. */
import type { DeploymentState } from '@diachronic/contract';

export const noticeKinds = ['dark', 'overridden', 'aborted', 'failed', 'completed', 'stragglers'] as const;
export type NoticeKind = (typeof noticeKinds)[number];

/** What was seen of a deployment at the last look. */
export interface Seen {
  phase: DeploymentState['phase'];
  overrides: number;
  stragglers: number;
}

export interface Notice {
  kind: NoticeKind;
  title: string;
  description: string;
  severity: 'critical' | 'high' | 'normal' | 'low';
  /** Unique per change: the same notice sent again (another backend replica) updates the first. */
  scope: string;
}

export function seenOf(state: DeploymentState): Seen {
  return {
    phase: state.phase,
    overrides: state.events.filter(event => event.action === 'override').length,
    stragglers: state.migration?.stragglers?.stragglers.length ?? 0,
  };
}

/**
 * The notices a change from `before` to `state` calls for. Without `before` (the first look at a deployment
 * this backend follows), only the phase it is in now is news: it is the change that made it look.
 */
export function noticesFor(family: string, state: DeploymentState, before: Seen | undefined): Notice[] {
  const now = seenOf(state);
  const versionId = state.request.versionId;
  const name = `${family} ${versionId}`;
  const scope = (kind: string) => `diachronic:${family}:${versionId}:${kind}`;
  const notices: Notice[] = [];
  const entered = (phase: DeploymentState['phase']) => now.phase === phase && before?.phase !== phase;

  if (entered('dark')) {
    notices.push({
      kind: 'dark',
      title: `${name} waits in dark for promote`,
      description: `Only test traffic reaches ${versionId}; promote it to start the rollout.`,
      severity: 'normal',
      scope: scope('dark'),
    });
  }
  const overrides = state.events.filter(event => event.action === 'override');
  for (let i = before?.overrides ?? overrides.length; i < overrides.length; i++) {
    const event = overrides[i];
    notices.push({
      kind: 'overridden',
      title: `${name} overridden by ${event.who}${event.detail ? `: ${event.detail}` : ''}`,
      description: event.why ?? 'no reason given',
      severity: 'high',
      scope: scope(`override-${i + 1}`),
    });
  }
  if (entered('aborted')) {
    notices.push({ kind: 'aborted', title: `${name} aborted`, description: state.reason ?? 'no reason recorded', severity: 'high', scope: scope('aborted') });
  }
  if (entered('failed')) {
    notices.push({ kind: 'failed', title: `${name} failed`, description: state.reason ?? 'no reason recorded', severity: 'critical', scope: scope('failed') });
  }
  // A deployment that ends `overridden` was ended by the override, whose own notice told of it.
  if (entered('completed')) {
    notices.push({
      kind: 'completed',
      title: `${name} completed`,
      description: state.reason ?? `${versionId} serves ${state.livePercent}% of new workflows.`,
      severity: 'low',
      scope: scope('completed'),
    });
  }
  if (before !== undefined && before.stragglers === 0 && now.stragglers > 0) {
    const report = state.migration!.stragglers!;
    notices.push({
      kind: 'stragglers',
      title: `${name}: workflows told to migrate still run on the old version`,
      description: `${report.toldStillRunning} told more than ${Math.round(report.olderThanMs / 60_000)} min ago still run there; first: ${report.stragglers
        .slice(0, 3)
        .map(straggler => straggler.workflowId)
        .join(', ')}`,
      severity: 'high',
      scope: scope('stragglers'),
    });
  }
  return notices;
}
