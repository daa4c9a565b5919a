/**
 * The Temporal messages of Diachronic's workflows (queries and updates) and its search attribute keys, for
 * the worker, the backend and the signaler. Needs `@temporalio/common` only: no worker, no client.
 */
import {
  defineSearchAttributeKey,
  QueryDefinition,
  SearchAttributeType,
  UpdateDefinition,
} from '@temporalio/common';
import type { Actor, DeploymentRequest } from './requests';
import type {
  CancelQueuedInput,
  DeploymentState,
  FamilyState,
  Freeze,
  FreezeInput,
  OverrideInput,
  RequestDeploymentResult,
} from './state';

// What @temporalio/workflow's defineQuery/defineUpdate return, without importing workflow code here.
const query = <Ret>(name: string) => ({ type: 'query', name }) as QueryDefinition<Ret, []>;
const update = <Ret, Args extends unknown[]>(name: string) => ({ type: 'update', name }) as UpdateDefinition<Ret, Args>;

/** Family workflow: ask for a deployment; answers whether it started, queued, or is a duplicate. */
export const requestDeploymentUpdate = update<RequestDeploymentResult, [DeploymentRequest]>('diachronic.requestDeployment');
export const familyStateQuery = query<FamilyState>('diachronic.familyState');
/** Family workflow: take a queued request out of the queue; answers the family's state after. */
export const cancelQueuedUpdate = update<FamilyState, [CancelQueuedInput]>('diachronic.cancelQueued');
/** Family workflow: freeze the family (its own freeze; a later one replaces it); answers the family's state. */
export const freezeFamilyUpdate = update<FamilyState, [FreezeInput]>('diachronic.freeze');
/** Family workflow: end the family's own freeze. */
export const unfreezeFamilyUpdate = update<FamilyState, [{ who: string; why?: string }]>('diachronic.unfreeze');

/** The global freeze workflow (`workflowIds.freeze`): freeze every family, or end that; its state by query. */
export const freezeAllUpdate = update<GlobalFreezeState, [FreezeInput]>('diachronic.freezeAll');
export const unfreezeAllUpdate = update<GlobalFreezeState, [{ who: string; why?: string }]>('diachronic.unfreezeAll');
export const globalFreezeQuery = query<GlobalFreezeState>('diachronic.globalFreeze');

/** What the global freeze workflow holds. */
export interface GlobalFreezeState {
  freeze?: Freeze;
}

export const deploymentStateQuery = query<DeploymentState>('diachronic.deploymentState');
export const promoteUpdate = update<DeploymentState, [Actor]>('diachronic.promote');
export const overrideUpdate = update<DeploymentState, [OverrideInput]>('diachronic.override');
export const pauseUpdate = update<DeploymentState, [Actor]>('diachronic.pause');
export const resumeUpdate = update<DeploymentState, [Actor]>('diachronic.resume');
export const abortUpdate = update<DeploymentState, [Actor]>('diachronic.abort');

const keyword = (name: string) => defineSearchAttributeKey(name, SearchAttributeType.KEYWORD);

/**
 * Every search attribute Diachronic reads or writes. A namespace needs them registered: the package's
 * search-attributes.json lists them for `temporal operator search-attribute create`.
 */
export const searchAttributes = {
  family: keyword('DiachronicFamily'),
  versionId: keyword('DiachronicVersionId'),
  previousVersionId: keyword('DiachronicPreviousVersionId'),
  phase: keyword('DiachronicPhase'),
  livePercent: defineSearchAttributeKey('DiachronicLivePercent', SearchAttributeType.INT),
  queueLength: defineSearchAttributeKey('DiachronicQueueLength', SearchAttributeType.INT),
  /** Stamped by the signaler on each workflow it starts: the version routing chose. */
  routedVersionId: keyword('DiachronicRoutedVersionId'),
  /** Set by the caller of the signaler: the start was test traffic (routes to dark versions too). */
  isTest: defineSearchAttributeKey('DiachronicIsTest', SearchAttributeType.BOOL),
  /** Set by a migratable run (`@diachronic/migrate`) when told to migrate: the version it was told to move to. */
  migrationRequested: keyword('DiachronicMigrationRequested'),
};

/**
 * Memo fields of a deployment workflow, which visibility lists return with each row (no registration
 * needed). `gateFailure` (a GateFailureMemo): the health gate's latest failure while no later evaluation has passed.
 */
export const deploymentMemo = { gateFailure: 'DiachronicGateFailure' } as const;

/** Memo fields of a family workflow: `freeze` (a Freeze, or null), the freeze in force when it last changed. */
export const familyMemo = { freeze: 'DiachronicFreeze' } as const;
