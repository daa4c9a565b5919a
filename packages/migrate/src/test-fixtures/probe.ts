/**
 * Test-only: a small migratable workflow in two versions (v1.ts, v2.ts export the same workflow type
 * `probe`), driven by the tests through commands, with everything they assert on recorded in its state.
 */
import {
  allHandlersFinished,
  condition,
  defineQuery,
  defineSignal,
  defineUpdate,
  setHandler,
  sleep,
  workflowInfo,
} from '@temporalio/workflow';
import type { Migration, Timer } from '../migratable';

export type ProbeCommand =
  | { kind: 'hold' }
  | { kind: 'release' }
  | { kind: 'busy'; steps: number; stepMs: number }
  /** Lets the running `slowUpdate` handlers finish. */
  | { kind: 'endUpdates' }
  | { kind: 'finish' };

export interface ProbeInput {
  owner: string;
  /** Declares the timer `deadline`, due this long after the start. */
  timerMs?: number;
}

interface BusySteps {
  started: number;
  finished: number;
}

export interface ProbeCore {
  startedAt: number;
  timerMs?: number;
  /** Each run, oldest first, with the busy steps as they were when it began and its timer's due time. */
  runs: Array<{ taskQueue: string; startedAt: number; busy: BusySteps; timerDueAt?: number }>;
  inbox: ProbeCommand[];
  busy: BusySteps & { remaining: number; stepMs: number };
  held?: { at: number; releasedAt?: number };
  timerFiredAt?: number;
  updatesDone: number;
}

export interface ProbeStateV1 extends ProbeCore {
  version?: undefined;
  owner: string;
}

export interface ProbeStateV2 extends ProbeCore {
  version: 2;
  /** `owner` in v1. */
  ownedBy: string;
  upgradedFrom?: { versionId?: string; migratedAt: number };
}

export const HOLD_REASON = 'held by the test';

export const probeCommand = defineSignal<[ProbeCommand]>('probe.command');
export const probeStateQuery = defineQuery<ProbeStateV1 | ProbeStateV2>('probe.state');
/** Sleeps for the given milliseconds, then counts itself done. */
/** An update whose handler runs until the command `endUpdates`. */
export const slowUpdate = defineUpdate<number, []>('probe.slowUpdate');

export function newProbe(input: ProbeInput): ProbeCore {
  return {
    startedAt: Date.now(),
    timerMs: input.timerMs,
    runs: [],
    inbox: [],
    busy: { started: 0, finished: 0, remaining: 0, stepMs: 0 },
    updatesDone: 0,
  };
}

export async function runProbe(state: ProbeStateV1 | ProbeStateV2, migration: Migration, timer?: Timer) {
  const { started, finished } = state.busy;
  state.runs.push({
    taskQueue: workflowInfo().taskQueue,
    startedAt: Date.now(),
    busy: { started, finished },
    timerDueAt: timer?.dueAt,
  });
  setHandler(probeStateQuery, () => state);
  let updatesMayEnd = false;
  setHandler(probeCommand, command => {
    if (command.kind === 'endUpdates') updatesMayEnd = true;
    else state.inbox.push(command);
  });
  setHandler(slowUpdate, async () => {
    await condition(() => updatesMayEnd);
    state.updatesDone += 1;
    return state.updatesDone;
  });

  let deadline = state.timerFiredAt === undefined ? timer : undefined;
  for (;;) {
    while (state.busy.remaining > 0) {
      state.busy.started += 1;
      await sleep(state.busy.stepMs);
      state.busy.finished += 1;
      state.busy.remaining -= 1;
      await migration.checkpoint();
    }
    if (!(await migration.waitFor(() => state.inbox.length > 0, deadline))) {
      state.timerFiredAt = Date.now();
      deadline = undefined;
      continue;
    }
    const command = state.inbox.shift()!;
    if (command.kind === 'finish') break;
    if (command.kind === 'busy') {
      state.busy.remaining = command.steps;
      state.busy.stepMs = command.stepMs;
    }
    if (command.kind === 'hold') {
      await migration.notNow(HOLD_REASON, async () => {
        const held: NonNullable<ProbeCore['held']> = { at: Date.now() };
        state.held = held;
        await condition(() => state.inbox.some(next => next.kind === 'release'));
        state.inbox = state.inbox.filter(next => next.kind !== 'release');
        held.releasedAt = Date.now();
      });
    }
  }
  await condition(allHandlersFinished);
}
