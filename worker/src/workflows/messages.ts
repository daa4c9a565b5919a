/** Signals between the deployment workflow and its children; internal to the worker. */
import { defineSignal } from '@temporalio/workflow';
import type { MigrationState, StepState } from '@diachronic/contract';

export type RolloutControl = 'pause' | 'resume' | 'check';
/** Deployment → rollout: pause or resume the schedule, or check the live percentage now. */
export const rolloutControlSignal = defineSignal<[RolloutControl]>('diachronic.internal.rolloutControl');
/** Rollout → deployment: a step was applied or the schedule paused / resumed. */
export const rolloutProgressSignal = defineSignal<[StepState]>('diachronic.internal.rolloutProgress');

/** Deployment → migration: sweep now (after an override, say) instead of at the next interval. */
export const sweepNowSignal = defineSignal('diachronic.internal.sweepNow');
/** Migration → deployment: the counts after a sweep. */
export const migrationProgressSignal = defineSignal<[MigrationState]>('diachronic.internal.migrationProgress');
