/** Signals between the deployment workflow and its children; internal to the worker. */
import { defineSignal } from '@temporalio/workflow';
import type { Freeze, GateEvaluation, MigrationState, StepState } from '@diachronic/contract';

export type RolloutControl = 'pause' | 'resume' | 'check';
/** Deployment → rollout: pause or resume the schedule, or check the live percentage now. */
export const rolloutControlSignal = defineSignal<[RolloutControl]>('diachronic.internal.rolloutControl');
/** Rollout → deployment: a step was applied or the schedule paused / resumed. */
export const rolloutProgressSignal = defineSignal<[StepState]>('diachronic.internal.rolloutProgress');

/** Deployment → migration: sweep now (after an override, say) instead of at the next interval. */
export const sweepNowSignal = defineSignal('diachronic.internal.sweepNow');
/** Migration → deployment: the counts after a sweep. */
export const migrationProgressSignal = defineSignal<[MigrationState]>('diachronic.internal.migrationProgress');

/** Rollout → deployment: the health gate was evaluated before a step (the deployment keeps the result). */
export const gateEvaluatedSignal = defineSignal<[GateEvaluation]>('diachronic.internal.gateEvaluated');
/** Deployment → migration: hold the sweeps (a failed health gate whose policy pauses) or release them. */
export const migrationHoldSignal = defineSignal<[boolean]>('diachronic.internal.migrationHold');

/** Global freeze workflow → family: the global freeze now (null: none). */
export const globalFreezeSignal = defineSignal<[Freeze | null]>('diachronic.internal.globalFreeze');
/** Family → its running deployment: the freeze in force now (null: none); the deployment holds while one is. */
export const deploymentFreezeSignal = defineSignal<[Freeze | null]>('diachronic.internal.freeze');
