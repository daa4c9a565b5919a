import { condition, getExternalWorkflowHandle, patched, setHandler } from '@temporalio/workflow';
import type { GateEvaluation, RolloutStep, StepState, VersionRef } from '@diachronic/contract';
import { firstStepAbove, rolloutEta } from '@diachronic/contract';
import { gateEvaluatedSignal, rolloutControlSignal, rolloutProgressSignal } from './messages';
import { flagActivities } from './proxies';
import { failOnCodeError } from './failures';
import { evaluateGate, GateInput } from './gate';

export interface RolloutInput {
  version: VersionRef;
  /** Normalized: rising percentages, the last exactly 100. */
  schedule: RolloutStep[];
  /** The live percentage when the rollout starts; a re-run deployment continues above it. */
  startPercent: number;
  /** The deployment to report progress to. */
  parentWorkflowId: string;
  /** The health gate, evaluated before every step (absent: no gate). */
  gate?: Omit<GateInput, 'deployment'>;
}

/** A change of the live percentage that was not the rollout's own, from Unleash's event log. */
export interface ForeignChange {
  by: string;
  at: string;
  from: number;
  to: number;
}

export type RolloutResult =
  | { outcome: 'completed'; percent: 100 }
  | {
      outcome: 'overridden';
      expected: number;
      seen: number;
      changedBy?: string;
      changedAt?: string;
      /** Every change since the rollout's last write, oldest first (absent in runs older than the event-log check). */
      changes?: ForeignChange[];
    }
  /** The health gate failed before a step and its policy aborts: the deployment aborts. */
  | { outcome: 'gate_failed'; evaluation: GateEvaluation };

/**
 * Raises the version's live percentage step by step. Before every change it checks Unleash's event log for
 * changes since its own last write: any, even one a second change undid (A→B→A), means someone else
 * steers, and it stops and reports them instead of fighting. Writes are compare-and-set, so a change
 * between check and write also wins.
 */
export async function diachronicRollout(input: RolloutInput): Promise<RolloutResult> {
  return failOnCodeError(() => rollout(input));
}

async function rollout(input: RolloutInput): Promise<RolloutResult> {
  const { version, schedule } = input;
  const parent = getExternalWorkflowHandle(input.parentWorkflowId);
  let lastSet = input.startPercent;
  let index = firstStepAbove(schedule, lastSet);
  const control = { paused: false, checkRequested: false };
  let nextAt: number | undefined;
  // Runs started before the event-log check compare the live percentage with the last value set.
  const fromEventLog = patched('diachronic-overrides-from-event-log');
  /** The event of the rollout's own last write, when the event log showed it. */
  let ownEventId: number | undefined;

  setHandler(rolloutControlSignal, action => {
    if (action === 'pause') control.paused = true;
    else if (action === 'resume') control.paused = false;
    else control.checkRequested = true;
  });

  const report = () =>
    parent.signal(rolloutProgressSignal, {
      index,
      count: schedule.length,
      percent: lastSet,
      paused: control.paused,
      nextAt: nextAt === undefined ? undefined : new Date(nextAt).toISOString(),
      eta: nextAt === undefined ? undefined : new Date(rolloutEta(schedule, index, nextAt)).toISOString(),
    } satisfies StepState);

  async function overriddenBy(): Promise<RolloutResult | undefined> {
    if (fromEventLog && ownEventId !== undefined) {
      const { percent, changes } = await flagActivities.readLiveChanges({ flag: version.flag, afterEventId: ownEventId });
      if (changes.length === 0) return undefined;
      const last = changes[changes.length - 1];
      return {
        outcome: 'overridden',
        expected: lastSet,
        seen: percent,
        changedBy: last.by,
        changedAt: last.at,
        changes: changes.map(({ by, at, from, to }) => ({ by, at, from, to })),
      };
    }
    const live = await flagActivities.readLivePercent({ flag: version.flag });
    if (live.percent === lastSet) return undefined;
    return { outcome: 'overridden', expected: lastSet, seen: live.percent, changedBy: live.changedBy, changedAt: live.changedAt };
  }

  /**
   * The health gate before a step. A failure ends the rollout when the policy aborts; when it pauses, the
   * rollout holds until an operator resumes it and then asks the gate again.
   */
  async function passGate(gate: NonNullable<RolloutInput['gate']>): Promise<RolloutResult | undefined> {
    for (;;) {
      const evaluation: GateEvaluation = await evaluateGate(
        { ...gate, deployment: { workflowId: input.parentWorkflowId, phase: 'rolling_out', livePercent: lastSet } },
        'before step',
      );
      await parent.signal(gateEvaluatedSignal, evaluation);
      if (evaluation.passed) return undefined;
      if (gate.policy.onFailure === 'abort') return { outcome: 'gate_failed', evaluation };
      control.paused = true;
      nextAt = undefined;
      await report();
      while (control.paused) {
        await condition(() => !control.paused || control.checkRequested);
        if (control.checkRequested) {
          control.checkRequested = false;
          const changed = await overriddenBy();
          if (changed) return changed;
        }
      }
    }
  }

  while (index < schedule.length) {
    const step = schedule[index];
    if (input.gate) {
      const stopped = await passGate(input.gate);
      if (stopped) return stopped;
    }
    const overridden = await overriddenBy();
    if (overridden) return overridden;
    const write = await flagActivities.setLivePercent({ flag: version.flag, expected: lastSet, percent: step.percent });
    if (!write.ok) {
      const live = await flagActivities.readLivePercent({ flag: version.flag });
      return { outcome: 'overridden', expected: lastSet, seen: write.seen, changedBy: live.changedBy, changedAt: live.changedAt };
    }
    lastSet = step.percent;
    if (fromEventLog) ownEventId = write.eventId;
    index += 1;
    if (lastSet === 100) break;

    // Hold this step for its pause; time spent paused does not count.
    let remaining = step.pauseMs;
    while (remaining > 0) {
      if (control.paused) {
        nextAt = undefined;
        await report();
        await condition(() => !control.paused || control.checkRequested);
      }
      if (control.checkRequested) {
        control.checkRequested = false;
        const changed = await overriddenBy();
        if (changed) return changed;
        continue;
      }
      if (control.paused) continue;
      const waitStart = Date.now();
      nextAt = waitStart + remaining;
      await report();
      await condition(() => control.paused || control.checkRequested, remaining);
      remaining -= Date.now() - waitStart;
    }
  }
  nextAt = undefined;
  await report();
  return { outcome: 'completed', percent: 100 };
}
