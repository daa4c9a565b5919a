import {
  ApplicationFailure,
  CancellationScope,
  CancelledFailure,
  ChildWorkflowCancellationType,
  ChildWorkflowHandle,
  ParentClosePolicy,
  WorkflowIdReusePolicy,
  allHandlersFinished,
  condition,
  isCancellation,
  patched,
  setHandler,
  sleep,
  startChild,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import {
  Actor,
  ActivePhase,
  DEFAULT_CLEANUP_POLL_MS,
  DEFAULT_DRAIN_GUARD_MS,
  DEFAULT_SWEEP_INTERVAL_MS,
  DeploymentEvent,
  DeploymentPhase,
  DeploymentRequest,
  DeploymentState,
  Freeze,
  GateEvaluation,
  gateFailureMemoAfter,
  isTerminalPhase,
  keepEvaluations,
  MigrationState,
  resolveHealthGate,
  resolveMigrationWaves,
  resolveUpgradeDryRun,
  withTimelinePoint,
  workflowIds,
} from '@diachronic/contract';
import {
  abortUpdate,
  deploymentMemo,
  deploymentStateQuery,
  overrideUpdate,
  pauseUpdate,
  promoteUpdate,
  resumeUpdate,
  searchAttributes,
} from '@diachronic/contract/temporal';
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { normalizeSchedule } from '@diachronic/contract';
import { diachronicCleanup } from './cleanup';
import { failureReason } from './failures';
import { evaluateGate, GATE_ACTOR } from './gate';
import {
  deploymentFreezeSignal,
  gateEvaluatedSignal,
  migrationHoldSignal,
  migrationProgressSignal,
  rolloutControlSignal,
  rolloutProgressSignal,
  sweepNowSignal,
} from './messages';
import { diachronicMigration, DRY_RUN_ACTOR } from './migration';
import { freezeText, inForce, untilThaw } from './freezes';
import { flagActivities, scheduleActivities, stopActivities, windowActivities } from './proxies';
import { diachronicRollout, RolloutResult } from './rollout';

/** How long an abort lets the rollout and migration stop by themselves before it terminates them. */
export const ABORT_GRACE_MS = 5_000;

const now = () => new Date().toISOString();

/** Who holds a deployment outside its deploy windows: named so in the events. */
const WINDOW_ACTOR = 'diachronic (deploy window)';
const DAY_MS = 24 * 60 * 60 * 1000;

// Schedules of the family move to the new version's queue once it takes 100%; runs from before move none.
const SCHEDULES_FOLLOW_PATCH = 'diachronic-schedules-follow';
// A pause also holds the migration's sweeps (and resume releases them); runs from before pause the rollout only.
const PAUSE_HOLDS_MIGRATION_PATCH = 'diachronic-pause-holds-migration';

const waveText = (wave: NonNullable<MigrationState['wave']>) =>
  `wave ${wave.index}/${wave.count}: ${wave.percent}% of the old workflows routing lets move ${
    wave.target !== undefined ? `(${wave.target} told by its end)` : '(all of them)'
  }`;

function refuse(action: string, why: string): never {
  throw ApplicationFailure.create({ type: 'ActionRefused', message: `${action} refused: ${why}`, nonRetryable: true });
}

/** Runs async update handlers one at a time, in arrival order. */
function serialized() {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(fn: () => Promise<T>): Promise<T> => {
    const run = tail.then(fn);
    tail = run.catch(() => undefined);
    return run;
  };
}

/**
 * One deployment of one version of a family: prepare the flag, wait in dark until promoted, roll out
 * (child), migrate old workflows (child, migratory families) or hand the old version to a cleanup
 * workflow (nonmigratory), and take the operators' controls as updates.
 */
export async function diachronicDeployment(request: DeploymentRequest): Promise<DeploymentState> {
  const { family, versionId, options } = request;
  const selfId = workflowInfo().workflowId;
  const schedule = normalizeSchedule(options.schedule);
  const drainGuardMs = options.drainGuardMs ?? DEFAULT_DRAIN_GUARD_MS;
  const gatePolicy = resolveHealthGate(options.gate);
  const dryRunPolicy = resolveUpgradeDryRun(options.upgradeDryRun);
  const wavesPolicy = resolveMigrationWaves(options.waves);
  const state: DeploymentState = {
    request,
    phase: 'preparing',
    livePercent: 0,
    startedAt: now(),
    events: [],
    ...(gatePolicy && { gate: { policy: gatePolicy, evaluations: [] } }),
  };
  const control: {
    promoted: boolean;
    aborting: boolean;
    rolloutRunning: boolean;
    migrationRunning: boolean;
    /** The migration's sweeps are held: by an operator's pause, a failed health gate whose policy pauses, or a closed window. */
    migrationHeld: boolean;
    /** Paused by an operator or the health gate, until a resume (a closed window holds besides, by itself). */
    paused: boolean;
    /** Outside the deploy windows: steps and waves hold until one opens. */
    windowClosed: boolean;
    /** The windows were looked at once (or there are none): the first step may be taken when open. */
    windowKnown: boolean;
    /** The freeze in force, as the family tells it: steps and waves hold until it ends. */
    frozen?: Freeze;
    override?: { who: string; why?: string; percent: number };
  } = {
    promoted: false,
    aborting: false,
    rolloutRunning: false,
    migrationRunning: false,
    migrationHeld: false,
    paused: false,
    windowClosed: false,
    windowKnown: !(options.windows && options.windows.length > 0),
  };
  let rollout: ChildWorkflowHandle<typeof diachronicRollout> | undefined;
  /**
   * Runs started before this was patched wait for a cancelled child to acknowledge; newer ones do not, so
   * that an abort ends even when a child is stuck (failing its workflow tasks), and stop the children
   * themselves: see the abort below.
   */
  let abortNeverWaits = false;
  let migration: ChildWorkflowHandle<typeof diachronicMigration> | undefined;
  /** Set before each child's start: an abort may come while a start is still in flight. */
  const starting = { rollout: false, migration: false };
  const work = new CancellationScope();
  const exclusive = serialized();

  const record = (actor: Actor, action: string, detail?: string) => {
    const event: DeploymentEvent = { at: now(), who: actor.who, action, why: actor.why, detail };
    state.events.push(event);
  };
  /** A point on the timeline when the live percentage or the old queue's count changed. */
  const markTimeline = () => {
    const oldRunning = state.migration?.remaining;
    state.timeline = withTimelinePoint(state.timeline ?? [], {
      at: now(),
      livePercent: state.livePercent,
      ...(oldRunning !== undefined && { oldRunning }),
    });
  };
  const publish = () => {
    upsertSearchAttributes([
      { key: searchAttributes.phase, value: state.phase },
      { key: searchAttributes.livePercent, value: state.livePercent },
    ]);
    markTimeline();
  };
  const enter = (phase: DeploymentPhase, reason?: string) => {
    state.phase = phase;
    if (reason !== undefined) state.reason = reason;
    if (isTerminalPhase(phase)) state.endedAt = now();
    publish();
  };
  const requirePhase = (action: string, allowed: ActivePhase[]) => {
    if (control.aborting) refuse(action, 'the deployment is being aborted');
    if (!(allowed as DeploymentPhase[]).includes(state.phase)) {
      refuse(action, `not possible while the deployment is ${state.phase}; possible when ${allowed.join(' or ')}`);
    }
  };

  /**
   * Asks the migration to sweep now rather than at its interval. Only a hint: a migration that has ended
   * (the upgrade dry run stopped it) or is ending needs none.
   */
  const sweepNow = async () => {
    if (!migration || !control.migrationRunning) return;
    await migration.signal(sweepNowSignal).catch(() => undefined);
  };

  setHandler(deploymentStateQuery, () => state);
  /** A person acting during a freeze goes around it: recorded as such. */
  const breakGlass = () => (control.frozen ? `break-glass during a freeze: ${freezeText(control.frozen)}` : undefined);
  setHandler(rolloutProgressSignal, async step => {
    const raised = step.percent > state.livePercent;
    state.step = step;
    state.livePercent = step.percent;
    publish();
    // More workflow ids route to the new version now: tell their old runs without waiting for the interval.
    if (raised) await sweepNow();
  });
  /** Whether the memo shows a gate failure: it changes only when an evaluation's result does. */
  let gateFailureShown = false;
  const keepEvaluation = (evaluation: GateEvaluation) => {
    if (state.gate) state.gate.evaluations = keepEvaluations(state.gate.evaluations, evaluation);
    const failure = gateFailureMemoAfter(gateFailureShown, evaluation);
    // Histories from before the memo replay without its upserts.
    if (failure === undefined || !patched('diachronic-gate-failure-memo')) return;
    gateFailureShown = failure !== null;
    upsertMemo({ [deploymentMemo.gateFailure]: failure });
  };
  setHandler(
    promoteUpdate,
    async actor => {
      control.promoted = true;
      record(actor, 'promote', breakGlass());
      return state;
    },
    { validator: (_actor: Actor) => requirePhase('promote', ['dark']) },
  );

  setHandler(
    overrideUpdate,
    ({ percent, ...actor }) =>
      exclusive(async () => {
        await flagActivities.setLivePercent({ flag: state.version!.flag, expected: undefined, percent });
        state.livePercent = percent;
        // The rollout stops itself now: no next step is coming.
        if (state.step) state.step = { ...state.step, nextAt: undefined, eta: undefined };
        control.override = { who: actor.who, why: actor.why, percent };
        record(actor, 'override', `live set to ${percent}%${control.frozen ? `; ${breakGlass()}` : ''}`);
        publish();
        // The rollout sees the change at once and stops itself; the migration sweeps at the new percentage.
        if (control.rolloutRunning) await rollout?.signal(rolloutControlSignal, 'check');
        await sweepNow();
        return state;
      }),
    {
      validator: ({ percent }) => {
        if (!Number.isInteger(percent) || percent < 0 || percent > 100) {
          refuse('override', `percent must be an integer from 0 to 100, got ${percent}`);
        }
        requirePhase('override', ['rolling_out', 'migrating']);
      },
    },
  );

  const windowOpensText = () => (state.waitingForWindow?.opensAt ? ` at ${state.waitingForWindow.opensAt}` : '');
  /** What holds the deployment besides a person's pause (a closed window, a freeze), in words; undefined: nothing. */
  const heldBy = (): string | undefined => {
    if (control.frozen) return `the freeze ends (${freezeText(control.frozen)})`;
    if (control.windowClosed) return `the deploy window opens${windowOpensText()}`;
    return undefined;
  };

  /** What a pause stops: the rollout's steps, and (from the release that patched it) the migration's sweeps. */
  const pausable = (pausesMigration: boolean) => ({
    rollout: state.phase === 'rolling_out' && control.rolloutRunning && !state.step?.paused,
    migration: pausesMigration && control.migrationRunning && !control.migrationHeld,
  });

  /** Holds what runs and is not held yet: the rollout keeps its step, the migration tells nobody more. */
  const holdChildren = async (what: ReturnType<typeof pausable>) => {
    if (what.rollout) {
      await rollout!.signal(rolloutControlSignal, 'pause');
      if (state.step) state.step = { ...state.step, paused: true, nextAt: undefined, eta: undefined };
    }
    if (what.migration) {
      await migration!.signal(migrationHoldSignal, true);
      // After the signal, in one go: a query never sees the hold without its event.
      control.migrationHeld = true;
      if (state.migration) state.migration = { ...state.migration, held: true };
    }
  };

  /** Lets the rollout take steps and the migration tell workflows again; answers whether the rollout was paused. */
  const releaseChildren = async (): Promise<boolean> => {
    const rolloutPaused = state.phase === 'rolling_out' && control.rolloutRunning && state.step?.paused === true;
    if (rolloutPaused) {
      await rollout!.signal(rolloutControlSignal, 'resume');
      if (state.step) state.step = { ...state.step, paused: false };
    }
    if (control.migrationHeld && control.migrationRunning) {
      await migration!.signal(migrationHoldSignal, false);
      control.migrationHeld = false;
      if (state.migration) state.migration = { ...state.migration, held: undefined };
    }
    return rolloutPaused;
  };

  /** Pauses what runs: the rollout holds its step, the migration tells nobody more. By an operator or the gate. */
  const pauseAll = async (actor: Actor, pausesMigration: boolean) => {
    const what = pausable(pausesMigration);
    control.paused = true;
    await holdChildren(what);
    if (!what.rollout && !what.migration) {
      // Held already by a closed window or a freeze: the pause outlasts them, until a resume.
      const holding = heldBy();
      if (holding) record(actor, 'pause', `steps and waves stay held after ${holding}, until resumed`);
      return;
    }
    if (!what.migration) record(actor, 'pause');
    else if (what.rollout) record(actor, 'pause', 'the rollout holds its step; the migration tells no more workflows');
    // The gate names a hold of the migration alone as such, as runs before the pause-holds-migration release did.
    else record(actor, actor.who === GATE_ACTOR ? 'hold' : 'pause', 'the migration tells no more workflows until resumed');
  };

  setHandler(
    pauseUpdate,
    actor => exclusive(async () => {
      await pauseAll(actor, patched(PAUSE_HOLDS_MIGRATION_PATCH));
      return state;
    }),
    {
      validator: (_actor: Actor) => {
        requirePhase('pause', ['rolling_out', 'migrating']);
        const what = pausable(true);
        if (heldBy() && !control.paused && (control.rolloutRunning || control.migrationRunning)) return;
        if (what.rollout || what.migration) return;
        if (state.phase === 'rolling_out' && state.step?.paused) refuse('pause', 'the rollout is already paused');
        refuse('pause', control.migrationHeld ? 'the migration is already held' : 'neither a rollout nor a migration is running');
      },
    },
  );

  setHandler(
    resumeUpdate,
    actor =>
      exclusive(async () => {
        control.paused = false;
        const holding = heldBy();
        if (holding) {
          record(actor, 'resume', `steps and waves hold until ${holding}`);
          return state;
        }
        const rolloutPaused = await releaseChildren();
        record(actor, 'resume', rolloutPaused ? undefined : 'the migration sweeps again');
        return state;
      }),
    {
      validator: (_actor: Actor) => {
        requirePhase('resume', ['rolling_out', 'migrating']);
        const holding = heldBy();
        if (holding) {
          if (!control.paused) refuse('resume', `nothing is paused: the deployment waits until ${holding}`);
          return;
        }
        const rolloutPaused = state.phase === 'rolling_out' && control.rolloutRunning && state.step?.paused === true;
        if (!rolloutPaused && !(control.migrationHeld && control.migrationRunning)) {
          refuse('resume', state.phase === 'migrating' ? 'the migration is not held' : 'the rollout is not paused');
        }
      },
    },
  );

  /** Why the deployment still holds after one reason ended, if it does. */
  const stillHeld = () => {
    if (control.paused) return 'the deployment stays paused until resumed';
    const holding = heldBy();
    return holding ? `steps and waves hold until ${holding}` : undefined;
  };

  /** A deploy window closed or opened: the rollout and migration hold, or go on unless paused besides. */
  const windowChanged = (open: boolean, changesAt: string | undefined) =>
    exclusive(async () => {
      if (control.aborting || open === !control.windowClosed) return;
      control.windowClosed = !open;
      if (!open) {
        if (!control.frozen) await holdChildren(pausable(true));
        // After the signals, in one go: a query never sees the wait without the hold and its event.
        state.waitingForWindow = changesAt ? { opensAt: changesAt } : {};
        record({ who: WINDOW_ACTOR }, 'waiting for window', `steps and waves hold until the deploy window opens${windowOpensText()}`);
        return;
      }
      if (!control.paused && !control.frozen) await releaseChildren();
      state.waitingForWindow = undefined;
      record({ who: WINDOW_ACTOR }, 'window open', stillHeld() ?? 'steps and waves go on');
    });

  /** Thaws a freeze with an end when it comes (replaced with each freeze). */
  let thaw = new CancellationScope();

  /** The family's freeze began or ended: the rollout and migration hold, or go on unless held besides. */
  const freezeChanged = (freeze: Freeze | null) =>
    exclusive(async () => {
      const frozen = inForce(freeze) ? freeze : undefined;
      if (control.aborting || JSON.stringify(frozen) === JSON.stringify(control.frozen)) return;
      const was = control.frozen;
      control.frozen = frozen;
      thaw.cancel();
      if (frozen) {
        const at = untilThaw(frozen);
        if (at !== undefined) {
          thaw = new CancellationScope();
          // The family tells of a thaw by an unfreeze; a freeze with an end thaws here by itself.
          thaw.run(() => sleep(at)).then(() => freezeChanged(null), () => undefined);
        }
        if (!was) await holdChildren(pausable(true));
        state.frozen = frozen;
        record({ who: frozen.who, why: frozen.why }, 'frozen', `steps and waves hold: ${freezeText(frozen)}`);
        return;
      }
      if (!control.paused && !control.windowClosed) await releaseChildren();
      state.frozen = undefined;
      record({ who: 'diachronic' }, 'unfrozen', stillHeld() ?? 'steps and waves go on');
    });
  setHandler(deploymentFreezeSignal, freeze => freezeChanged(freeze));

  /** Follows the deploy windows while rolling out and migrating: asks when the state next changes, sleeps until then. */
  async function watchWindows(windows: string[]) {
    for (;;) {
      const { open, changesAt } = await windowActivities.deployWindow({ windows });
      await windowChanged(open, changesAt);
      control.windowKnown = true;
      const untilChange = changesAt === undefined ? DAY_MS : Math.max(1000, Date.parse(changesAt) - Date.now());
      await sleep(Math.min(untilChange, DAY_MS));
    }
  }

  /** Live 0%, dark off, the rollout and migration stop; nothing is deleted. By an operator or the health gate. */
  const abortDeployment = (actor: Actor) =>
    exclusive(async () => {
      if (control.aborting) return state;
      control.aborting = true;
      record(actor, 'abort');
      work.cancel();
      // The health gate aborts from inside the work it cancels.
      await CancellationScope.nonCancellable(() => flagActivities.abortVersion({ flag: state.version!.flag, actor }));
      state.livePercent = 0;
      publish();
      return state;
    });

  /** A failed health gate: abort, or (policy `pause`) pause the rollout and hold the migration's sweeps. */
  const gateFailed = (evaluation: GateEvaluation) => {
    const actor = { who: GATE_ACTOR, why: evaluation.reason };
    if (gatePolicy?.onFailure !== 'pause') return abortDeployment(actor);
    return exclusive(async () => {
      if (control.aborting) return;
      // Runs from before the patch paused the rollout, or else held a migrating deployment's sweeps.
      if (patched(PAUSE_HOLDS_MIGRATION_PATCH)) await pauseAll(actor, true);
      else await pauseAll(actor, state.phase === 'migrating');
    });
  };

  setHandler(gateEvaluatedSignal, async evaluation => {
    keepEvaluation(evaluation);
    if (evaluation.passed) return;
    // Before a wave the migration held itself; the deployment aborts or pauses the rest.
    if (evaluation.trigger === 'before wave') await gateFailed(evaluation);
    // The rollout paused itself before a step.
    else if (gatePolicy?.onFailure === 'pause') record({ who: GATE_ACTOR, why: evaluation.reason }, 'pause');
  });

  let waveRecorded = 0;
  setHandler(migrationProgressSignal, async progress => {
    const before = state.migration;
    state.migration = control.migrationHeld ? { ...progress, held: true } : progress;
    markTimeline();
    if (progress.stage === 'retiring' && state.phase === 'migrating') enter('cleaning_up');
    if (progress.dryRun && progress.dryRun.outcome !== 'waiting' && before?.dryRun?.at !== progress.dryRun.at) {
      await dryRunChecked(progress.dryRun);
    }
    // A wave is recorded once it is told, with its size once the migration knows it (the last has none).
    const wave = progress.wave;
    if (wave && !wave.off && wave.stage === 'telling' && wave.index > waveRecorded && (wave.target !== undefined || wave.index === wave.count)) {
      waveRecorded = wave.index;
      record({ who: 'diachronic' }, 'wave', waveText(wave));
    }
  });

  /** The upgrade dry run's result: recorded; a failure stops the migration, or aborts by policy. */
  async function dryRunChecked(dryRun: NonNullable<MigrationState['dryRun']>) {
    if (dryRun.outcome === 'passed') {
      record({ who: DRY_RUN_ACTOR }, 'upgrade checked', `${dryRun.passed} of ${dryRun.sampled} sampled old workflows upgrade without an error`);
      return;
    }
    if (dryRun.outcome === 'not checked') {
      record({ who: DRY_RUN_ACTOR }, 'upgrade not checked', dryRun.reason);
      return;
    }
    if (dryRunPolicy?.onFailure === 'abort') {
      await abortDeployment({ who: DRY_RUN_ACTOR, why: dryRun.reason });
      return;
    }
    record({ who: DRY_RUN_ACTOR, why: dryRun.reason }, 'migration stopped', 'no old workflow was told to migrate; new starts roll out, and the old version is removed once it has drained');
  }

  /** The health gate on its interval while rolling out and migrating (the rollout also asks before each step). */
  async function watchHealth() {
    for (;;) {
      await sleep(gatePolicy!.intervalMs);
      if (control.aborting || (state.phase !== 'rolling_out' && state.phase !== 'migrating')) continue;
      const evaluation = await evaluateGate(
        {
          policy: gatePolicy!,
          version: state.version!,
          since: state.startedAt,
          deployment: { workflowId: selfId, phase: state.phase, livePercent: state.livePercent },
        },
        'interval',
      );
      keepEvaluation(evaluation);
      if (!evaluation.passed) await gateFailed(evaluation);
    }
  }

  setHandler(
    abortUpdate,
    actor => abortDeployment(actor),
    {
      validator: (_actor: Actor) => {
        requirePhase('abort', ['dark', 'rolling_out', 'migrating']);
        if (!state.version) refuse('abort', 'the version flag is not prepared yet');
      },
    },
  );

  record(request.requestedBy, 'request', `${request.source.kind === 'github' ? 'GitHub deployment' : 'manual request'} of ${versionId}`);
  upsertSearchAttributes([
    { key: searchAttributes.family, value: family },
    { key: searchAttributes.versionId, value: versionId },
  ]);
  publish();

  let rolloutResult: RolloutResult | undefined;
  // An override to 100% is a fast-forward: the deployment ends completed, not overridden.
  let fastForwarded = false;
  try {
    const running = work.run(async () => {
      const prepared = await flagActivities.prepareVersion({
        family,
        versionId,
        sha: request.sha,
        ...(request.rollback && { rollback: true }),
      });
      state.version = prepared.version;
      state.previous = prepared.previous;
      state.livePercent = prepared.livePercent;
      record(
        { who: 'diachronic' },
        prepared.created ? 'flag created' : 'flag reused',
        `${prepared.version.flag} (seq ${prepared.version.seq}${request.rollback ? `, a rollback to ${versionId}` : ''}); previous version: ${prepared.previous?.versionId ?? 'none'}`,
      );
      if (prepared.previous) {
        upsertSearchAttributes([{ key: searchAttributes.previousVersionId, value: prepared.previous.versionId }]);
      }
      publish();

      if (!prepared.previous) {
        // Initial deployment: nothing to roll out from, migrate or clean up.
        const write = await flagActivities.setLivePercent({ flag: prepared.version.flag, expected: undefined, percent: 100 });
        if (!write.ok) throw new Error(`could not set ${prepared.version.flag} to 100%`);
        state.livePercent = 100;
        record({ who: 'diachronic' }, 'initial deployment', 'live set to 100%');
        return;
      }

      if (options.dark && prepared.livePercent === 0) {
        enter('dark');
        await condition(() => control.promoted);
      }

      enter('rolling_out');
      // Ends with the work (abort) or when the rollout and migration are done (stopWatching).
      const watch = new CancellationScope();
      const watching = gatePolicy
        ? watch.run(watchHealth).catch(async error => {
            // A gate that cannot judge must not let the deployment go on unguarded.
            if (!isCancellation(error)) {
              await abortDeployment({ who: GATE_ACTOR, why: `the health gate could not be evaluated: ${failureReason(error)}` });
            }
          })
        : undefined;
      const windows = options.windows ?? [];
      const followingWindows =
        windows.length > 0
          ? watch.run(() => watchWindows(windows)).catch(async error => {
              // Windows that cannot be read must not let the deployment take steps at any time.
              if (!isCancellation(error)) {
                await abortDeployment({ who: WINDOW_ACTOR, why: `the deploy windows could not be evaluated: ${failureReason(error)}` });
              }
            })
          : undefined;
      const stopWatching = async () => {
        watch.cancel();
        await Promise.all([watching, followingWindows]);
      };
      // The first step waits for a window, as every later one does.
      await condition(() => control.windowKnown && !control.windowClosed && !control.frozen);
      abortNeverWaits = patched('diachronic-abort-never-waits');
      // Passed only when set: an explicit undefined is not the SDK's default.
      const cancellation = abortNeverWaits ? { cancellationType: ChildWorkflowCancellationType.TRY_CANCEL } : {};
      starting.rollout = true;
      rollout = await startChild(diachronicRollout, {
        workflowId: workflowIds.rollout(family, versionId),
        args: [
          {
            version: prepared.version,
            schedule,
            startPercent: state.livePercent,
            parentWorkflowId: selfId,
            ...(gatePolicy && { gate: { policy: gatePolicy, version: prepared.version, since: state.startedAt } }),
          },
        ],
        workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
        ...cancellation,
      });
      control.rolloutRunning = true;
      if (options.migratory) {
        starting.migration = true;
        migration = await startChild(diachronicMigration, {
          workflowId: workflowIds.migration(family, versionId),
          args: [
            {
              oldVersion: prepared.previous,
              newVersion: prepared.version,
              parentWorkflowId: selfId,
              sweepIntervalMs: options.sweepIntervalMs ?? DEFAULT_SWEEP_INTERVAL_MS,
              drainGuardMs,
              ...(options.stragglerAfterMs !== undefined && { stragglerAfterMs: options.stragglerAfterMs }),
              ...(dryRunPolicy && { dryRun: dryRunPolicy }),
              ...(wavesPolicy && { waves: wavesPolicy }),
              ...(wavesPolicy && gatePolicy && { gate: { policy: gatePolicy, version: prepared.version, since: state.startedAt } }),
            },
          ],
          workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
          ...cancellation,
        });
        control.migrationRunning = true;
        const migrationEnded = () => {
          control.migrationRunning = false;
        };
        migration.result().then(migrationEnded, migrationEnded);
      }

      rolloutResult = await rollout.result();
      control.rolloutRunning = false;
      if (rolloutResult.outcome === 'gate_failed') {
        // Cancels this work: the abort below ends the deployment.
        await abortDeployment({ who: GATE_ACTOR, why: rolloutResult.evaluation.reason });
        await condition(() => false);
      }
      if (rolloutResult.outcome === 'overridden') {
        state.livePercent = rolloutResult.seen;
        if (state.step) state.step = { ...state.step, nextAt: undefined, eta: undefined };
        // An override through Diachronic writes the flag with Diachronic's own Unleash token: Unleash's event
        // log names that token, so the person who asked is named instead.
        const overrideBy = (to: number, recorded?: string) =>
          control.override?.percent === to ? control.override.who : recorded;
        const changedBy = overrideBy(rolloutResult.seen, rolloutResult.changedBy);
        const by = changedBy ? ` by ${changedBy}` : '';
        const changes = rolloutResult.changes?.map(
          change => `by ${overrideBy(change.to, change.by)} from ${change.from}% to ${change.to}% at ${change.at}`,
        );
        record(
          { who: changedBy ?? 'unknown' },
          'rollout stopped',
          changes && changes.length > 0
            ? `live percentage changed ${changes.join(', then ')}; the rollout stopped itself`
            : `live percentage changed${by} from ${rolloutResult.expected}% to ${rolloutResult.seen}%; the rollout stopped itself`,
        );
        fastForwarded = rolloutResult.seen === 100 && patched('diachronic-fast-forward-completes');
        if (fastForwarded) {
          const why = control.override?.percent === 100 ? control.override.why : undefined;
          state.reason = `fast-forwarded to 100%${by}${why ? `: ${why}` : ''}`;
        } else {
          state.reason = `overridden${by}: ${rolloutResult.seen}%`;
        }
      } else {
        record({ who: 'diachronic' }, 'rollout completed', 'live at 100%');
      }

      // The new version takes every new start: schedules of the family start there too from now on.
      if (state.livePercent === 100 && patched(SCHEDULES_FOLLOW_PATCH)) {
        const { moved } = await scheduleActivities.moveSchedules({ version: prepared.version });
        if (moved.length > 0) {
          const which = moved.map(entry => `${entry.scheduleId} (from ${entry.from})`).join(', ');
          record({ who: 'diachronic' }, 'schedules moved', `${which} now start workflows on ${prepared.version.taskQueue}`);
        }
      }

      if (migration) {
        if (state.migration?.stage !== 'stopped') enter('migrating');
        const migrated = await migration.result();
        await stopWatching();
        if (migrated.stopped !== undefined) {
          // The dry run failed: the old workflows finish on the old version, which is removed once drained.
          if (!state.reason) state.reason = `the migration was stopped by the upgrade dry run: ${migrated.stopped}`;
          await startCleanup(prepared.previous, 'replaced');
        } else {
          record(
            { who: 'diachronic' },
            'old version retired',
            `${migrated.signaled} workflows told to migrate; deleted ${migrated.deletedDeployments.join(', ') || 'no Deployments'}; archived ${prepared.previous.flag}`,
          );
        }
      } else {
        await stopWatching();
        await startCleanup(prepared.previous, 'replaced');
      }
    });
    // A child whose start was in flight when the abort cancelled the work never hears of the cancel, and
    // awaiting it would wait for as long as that child runs: an abort ends the work at once (the
    // children are stopped below).
    if (patched('diachronic-abort-ends-pending-work')) {
      running.catch(() => undefined);
      await Promise.race([
        running,
        condition(() => control.aborting).then(() => {
          throw new CancelledFailure('the deployment was aborted');
        }),
      ]);
    } else {
      await running;
    }
  } catch (error) {
    if (control.aborting && isCancellation(error)) {
      if (abortNeverWaits) {
        // The children were asked to cancel; one that has not stopped after the grace period is terminated.
        const children = [
          ...(starting.rollout ? [workflowIds.rollout(family, versionId)] : []),
          ...(starting.migration ? [workflowIds.migration(family, versionId)] : []),
        ];
        const { terminated } = await stopActivities.stopWorkflows({
          workflowIds: children,
          graceMs: ABORT_GRACE_MS,
          reason: `the deployment of ${family} ${versionId} was aborted`,
        });
        for (const workflowId of terminated) {
          record({ who: 'diachronic' }, 'child terminated', `${workflowId} did not stop within ${ABORT_GRACE_MS / 1000} s of the abort`);
        }
      }
      // Workflows already on the new version keep running there; its worker stays until they are done.
      await condition(allHandlersFinished);
      await startCleanup(state.version!, 'aborted');
      const abort = [...state.events].reverse().find(event => event.action === 'abort');
      enter('aborted', `aborted by ${abort?.who}${abort?.why ? `: ${abort.why}` : ''}`);
      return state;
    }
    enter('failed', failureReason(error));
    await condition(allHandlersFinished);
    throw ApplicationFailure.create({ type: 'DeploymentFailed', message: state.reason, cause: error as Error });
  }

  if (rolloutResult?.outcome === 'overridden' && !fastForwarded) enter('overridden', state.reason);
  else enter('completed');
  await condition(allHandlersFinished);
  return state;

  async function startCleanup(version: NonNullable<DeploymentState['version']>, reason: 'replaced' | 'aborted') {
    try {
      await startChild(diachronicCleanup, {
        workflowId: workflowIds.cleanup(family, version.versionId),
        args: [{ version, reason, pollMs: options.cleanupPollMs ?? DEFAULT_CLEANUP_POLL_MS, drainGuardMs }],
        parentClosePolicy: ParentClosePolicy.ABANDON,
        workflowIdReusePolicy: WorkflowIdReusePolicy.ALLOW_DUPLICATE,
      });
      record({ who: 'diachronic' }, 'cleanup scheduled', `${version.taskQueue} is removed when nothing runs on it`);
    } catch (error) {
      // A cleanup of that version is already waiting; it will do the job.
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
  }
}
