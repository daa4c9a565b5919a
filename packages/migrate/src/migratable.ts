import {
  allHandlersFinished,
  condition,
  log,
  makeContinueAsNewFunc,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import {
  BLOCKED_BY_BUSY,
  BLOCKED_BY_HANDLERS,
  MigrateSignal,
  MigrationEnvelope,
  MigrationStatus,
  migrateSignal,
  migrationPreviewQuery,
  migrationStatusQuery,
} from './contract';
import { acknowledgeMigration, clearInheritedAcknowledgement } from './acknowledgement';
import { isMigration } from './envelope';

export interface MigratableOptions<S> {
  /**
   * The state the next version receives: called right before the workflow moves, and by the upgrade dry
   * run's query (`diachronic.v1.migrationPreview`), so it must only read the state, never change it.
   */
  exportState: () => S;
  /** This run's input: when it is a migration envelope, its timers carry on and its version is known. */
  input?: unknown;
  /** This run's version, recorded as `fromVersionId`; defaults to the version the run migrated to. */
  versionId?: string;
  /** The workflow type to continue as; defaults to this one. */
  workflowType?: string;
}

/** A named due time that survives migration: the new run waits only for what remains. */
export interface Timer {
  readonly name: string;
  /** Epoch milliseconds, workflow time. */
  readonly dueAt: number;
  remainingMs(): number;
  hasPassed(): boolean;
  /** Stops carrying the timer, so that its name can be declared again with a new due time. */
  clear(): void;
}

export interface Migration {
  /** A safe point: moves now if a migration is requested and nothing holds it, else returns. */
  checkpoint(): Promise<void>;
  /**
   * Waits until `done()` holds or `timeout` (milliseconds, or a timer) passes, and moves as soon as a
   * migration may happen meanwhile. Resolves to `done()`; never resolves when the workflow moves.
   */
  waitFor(done: () => boolean, timeout?: number | Timer): Promise<boolean>;
  /** Sleeps until the timer is due, moving meanwhile if asked. */
  sleepUntil(timer: Timer): Promise<void>;
  /** Runs `section` with migration held off, then checkpoints. For the workflow's main code only. */
  notNow<T>(reason: string, section: () => Promise<T>): Promise<T>;
  /** Holds migration off until the returned release is called; for handlers (releasing never moves). */
  hold(reason: string): () => void;
  /**
   * Declares a timer due at `dueAt` (epoch ms, workflow time), or returns the one already declared
   * under this name in this run or carried over from the run this one migrated from.
   */
  timer(name: string, dueAt: number | (() => number)): Timer;
  status(): MigrationStatus;
}

/**
 * Makes the current workflow migratable: call it once, early in the workflow function. It handles the
 * migrate signal and answers the status query; the workflow moves (continues as new on the target task
 * queue) only at the safe points it declares, once no hold is in force and all handlers have finished.
 */
export function migratable<S>(options: MigratableOptions<S>): Migration {
  const arrived = isMigration(options.input) ? options.input.diachronic : undefined;
  const versionId = options.versionId ?? arrived?.toVersionId;
  const timers = new Map(
    Object.entries(arrived?.timers ?? {}).filter(([, dueAt]) => typeof dueAt === 'number' && Number.isFinite(dueAt)),
  );
  const holds: Array<{ reason: string }> = [];
  let requested: MigrateSignal | null = null;
  let requestedAt: number | null = null;
  let moving: Promise<never> | undefined;
  let moved = false;
  let atSafePoint = 0;

  const movable = () => requested !== null && holds.length === 0;

  clearInheritedAcknowledgement();

  setHandler(migrateSignal, signal => {
    if (typeof signal?.taskQueue !== 'string' || typeof signal.versionId !== 'string') {
      log.warn('Ignoring a malformed migrate signal', { signal });
      return;
    }
    if (signal.taskQueue === workflowInfo().taskQueue) return;
    if (moved) return;
    acknowledgeMigration(signal);
    if (requested?.taskQueue === signal.taskQueue && requested.versionId === signal.versionId) return;
    requested = { taskQueue: signal.taskQueue, versionId: signal.versionId };
    requestedAt = Date.now();
  });

  const status = (): MigrationStatus => {
    const waiting = requested !== null && !moved;
    const blockedBy = waiting ? holds.map(held => held.reason) : [];
    if (waiting && !allHandlersFinished()) blockedBy.push(BLOCKED_BY_HANDLERS);
    if (waiting && holds.length === 0 && atSafePoint === 0) blockedBy.push(BLOCKED_BY_BUSY);
    return { requested, requestedAt, waiting, blockedBy };
  };
  setHandler(migrationStatusQuery, status);

  const envelopeFor = (toVersionId: string): MigrationEnvelope<S> => ({
    diachronic: { fromVersionId: versionId, toVersionId, migratedAt: Date.now(), timers: Object.fromEntries(timers) },
    state: options.exportState(),
  });
  setHandler(migrationPreviewQuery, toVersionId => ({
    workflowType: options.workflowType ?? workflowInfo().workflowType,
    envelope: envelopeFor(toVersionId),
  }));

  const move = (): Promise<never> => {
    moving ??= (async () => {
      atSafePoint += 1;
      // A handler may take a hold while the others finish: wait for both together.
      await condition(() => holds.length === 0 && allHandlersFinished());
      const target = requested!;
      const envelope = envelopeFor(target.versionId);
      log.info('Migrating', { taskQueue: target.taskQueue, versionId: target.versionId });
      moved = true;
      return makeContinueAsNewFunc<(input: MigrationEnvelope<S>) => Promise<unknown>>({
        taskQueue: target.taskQueue,
        workflowType: options.workflowType,
      })(envelope);
    })();
    return moving;
  };

  const checkpoint = async () => {
    if (movable()) await move();
  };

  const waitFor = async (done: () => boolean, timeout?: number | Timer) => {
    const timeoutMs = typeof timeout === 'object' ? timeout.remainingMs() : timeout;
    const wake = () => done() || movable();
    atSafePoint += 1;
    try {
      if (!wake()) {
        if (timeoutMs === undefined) await condition(wake);
        else if (timeoutMs > 0) await condition(wake, timeoutMs);
      }
      await checkpoint();
      return done();
    } finally {
      atSafePoint -= 1;
    }
  };

  const hold = (reason: string) => {
    const held = { reason };
    holds.push(held);
    return () => {
      const index = holds.indexOf(held);
      if (index >= 0) holds.splice(index, 1);
    };
  };

  return {
    checkpoint,
    waitFor,
    async sleepUntil(timer) {
      await waitFor(() => false, timer);
    },
    async notNow(reason, section) {
      const release = hold(reason);
      let result: Awaited<ReturnType<typeof section>>;
      try {
        result = await section();
      } finally {
        release();
      }
      // Not when the section failed: the workflow's own error handling comes first.
      await checkpoint();
      return result;
    },
    hold,
    timer(name, dueAt) {
      if (!timers.has(name)) {
        const due = typeof dueAt === 'function' ? dueAt() : dueAt;
        if (!Number.isFinite(due)) throw new TypeError(`timer ${name}: due time ${due} is not a number`);
        timers.set(name, due);
      }
      const due = timers.get(name)!;
      return {
        name,
        dueAt: due,
        remainingMs: () => Math.max(0, due - Date.now()),
        hasPassed: () => Date.now() >= due,
        clear: () => {
          if (timers.get(name) === due) timers.delete(name);
        },
      };
    },
    status,
  };
}
