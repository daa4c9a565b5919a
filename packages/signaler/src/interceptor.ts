import { assertFamily, VersionRef } from '@diachronic/contract';
import type { Router } from '@diachronic/routing';
import {
  Client,
  CompiledScheduleAction,
  CompiledWorkflowOptions,
  ConnectionLike,
  ScheduleClientInterceptor,
  WorkflowClientInterceptor,
} from '@temporalio/client';
import type { SearchAttributePair, TypedSearchAttributes } from '@temporalio/common';
import { diachronicSearchAttributes } from './search-attributes';

/** What the interceptor needs of a Router; tests and benchmarks may pass their own. */
export type WorkflowRouter = Pick<Router, 'route' | 'versions'>;

/** Diachronic-managed workflow types and their families, e.g. `{ order: 'order' }`. */
export type ManagedWorkflowTypes = Readonly<Record<string, string>>;

export interface RoutingInterceptorOptions {
  router: WorkflowRouter;
  families: ManagedWorkflowTypes;
}

/** A start of a managed workflow type for which routing found no version to send it to. */
export class NoLiveVersionError extends Error {
  readonly family: string;
  readonly workflowId: string;
  readonly workflowType: string;
  readonly isTest: boolean;

  constructor({ family, workflowId, workflowType, isTest, knownVersions }: {
    family: string;
    workflowId: string;
    workflowType: string;
    isTest: boolean;
    knownVersions: number;
  }) {
    const reason =
      knownVersions === 0
        ? `the router knows no version of family ${family} (no Diachronic flag for it in Unleash yet)`
        : `none of the ${knownVersions} versions of family ${family} enables this id (isTest: ${isTest})`;
    super(`no live version of family ${family} for workflow ${workflowType} id ${JSON.stringify(workflowId)}: ${reason}`);
    this.name = 'NoLiveVersionError';
    this.family = family;
    this.workflowId = workflowId;
    this.workflowType = workflowType;
    this.isTest = isTest;
  }
}

/** What routing reads of a start: a workflow start's options or a schedule's action. */
interface StartToRoute {
  workflowId: string;
  typedSearchAttributes?: SearchAttributePair[] | TypedSearchAttributes;
  // eslint-disable-next-line @typescript-eslint/no-deprecated -- read only, to refuse DiachronicIsTest there
  searchAttributes?: CompiledWorkflowOptions['searchAttributes'];
}

function typedPairs(start: Pick<StartToRoute, 'typedSearchAttributes'>): SearchAttributePair[] {
  const typed = start.typedSearchAttributes;
  if (typed === undefined) return [];
  return Array.isArray(typed) ? typed : typed.getAll();
}

/** The one place isTest comes from: the typed search attribute DiachronicIsTest (absent means false). */
function isTestStart(start: StartToRoute, pairs: SearchAttributePair[]): boolean {
  const { workflowId } = start;
  const name = diachronicSearchAttributes.isTest.name;
  // Deprecated untyped attributes would reach the workflow without routing it as test traffic.
  // eslint-disable-next-line @typescript-eslint/no-deprecated
  if (start.searchAttributes && name in start.searchAttributes) {
    throw new TypeError(
      `workflow ${JSON.stringify(workflowId)}: set ${name} in typedSearchAttributes ` +
        '(diachronicSearchAttributes.isTest), not in the deprecated searchAttributes',
    );
  }
  const pair = pairs.find(p => p.key.name === name);
  if (pair === undefined) return false;
  if (typeof pair.value !== 'boolean') {
    throw new TypeError(`workflow ${JSON.stringify(workflowId)}: ${name} must be a boolean (key type BOOL)`);
  }
  return pair.value;
}

/**
 * Where a start of a managed workflow type goes: the task queue `route` picks, and the start's search
 * attributes with DiachronicRoutedVersionId set to the version. Undefined for a type that is not managed.
 */
function routeStart(
  { router, familyOf }: { router: WorkflowRouter; familyOf: ReadonlyMap<string, string> },
  workflowType: string,
  start: StartToRoute,
): { family: string; taskQueue: string; typedSearchAttributes: SearchAttributePair[] } | undefined {
  const family = familyOf.get(workflowType);
  if (family === undefined) return undefined;
  const { workflowId } = start;
  const pairs = typedPairs(start);
  const isTest = isTestStart(start, pairs);
  const decision: VersionRef | undefined = router.route(family, workflowId, { isTest });
  if (!decision) {
    const knownVersions = router.versions(family).length;
    throw new NoLiveVersionError({ family, workflowId, workflowType, isTest, knownVersions });
  }
  const routedVersionId = diachronicSearchAttributes.routedVersionId;
  return {
    family,
    taskQueue: decision.taskQueue,
    typedSearchAttributes: [
      ...pairs.filter(p => p.key.name !== routedVersionId.name),
      { key: routedVersionId, value: decision.versionId },
    ],
  };
}

/** The managed workflow types as a Map (so that a type such as "constructor" finds no prototype member), checked. */
function managedTypes(families: ManagedWorkflowTypes): ReadonlyMap<string, string> {
  const familyOf = new Map(Object.entries(families));
  for (const family of familyOf.values()) assertFamily(family);
  return familyOf;
}

/**
 * A client interceptor that starts Diachronic-managed workflow types on the task queue `route` picks
 * (start, signal-with-start and update-with-start). It replaces the caller's `taskQueue`, so callers of
 * managed types may pass any placeholder, and stamps the chosen version as DiachronicRoutedVersionId.
 * Flags are evaluated locally: no remote call per start. Other workflow types pass through untouched.
 */
export function createRoutingInterceptor({ router, families }: RoutingInterceptorOptions): WorkflowClientInterceptor {
  const routing = { router, familyOf: managedTypes(families) };

  function routeNewWorkflow(workflowType: string, options: CompiledWorkflowOptions): CompiledWorkflowOptions {
    const routed = routeStart(routing, workflowType, options);
    return routed ? { ...options, taskQueue: routed.taskQueue, typedSearchAttributes: routed.typedSearchAttributes } : options;
  }

  return {
    async startWithDetails(input, next) {
      return next({ ...input, options: routeNewWorkflow(input.workflowType, input.options) });
    },
    async signalWithStart(input, next) {
      return next({ ...input, options: routeNewWorkflow(input.workflowType, input.options) });
    },
    async startUpdateWithStart(input, next) {
      return next({
        ...input,
        workflowStartOptions: routeNewWorkflow(input.workflowType, input.workflowStartOptions),
      });
    },
  };
}

/**
 * A schedule's action, routed as a start with the action's workflow id: on that version's task queue and
 * stamped with it. For `ScheduleHandle.update`: `handle.update(s => ({ ...s, action: routeScheduleAction(…) }))`.
 * Diachronic moves the schedules of a family to each new version once it takes 100% of new starts.
 */
export function routeScheduleAction(
  { router, families }: RoutingInterceptorOptions,
  action: CompiledScheduleAction,
): CompiledScheduleAction {
  const routed = routeStart({ router, familyOf: managedTypes(families) }, action.workflowType, action);
  return routed ? { ...action, taskQueue: routed.taskQueue, typedSearchAttributes: routed.typedSearchAttributes } : action;
}

/**
 * Creates schedules of managed workflow types routed (see routeScheduleAction), and marks them as the
 * family's with the schedule's own search attribute DiachronicFamily: that is how a deployment finds them.
 */
export function createScheduleRoutingInterceptor({ router, families }: RoutingInterceptorOptions): ScheduleClientInterceptor {
  const familyOf = managedTypes(families);
  return {
    async create(input, next) {
      const { action } = input.options;
      const routed = routeStart({ router, familyOf }, action.workflowType, action);
      if (!routed) return next(input);
      const familyKey = diachronicSearchAttributes.family;
      const scheduleAttributes = typedPairs(input.options).filter(p => p.key.name !== familyKey.name);
      return next({
        ...input,
        options: {
          ...input.options,
          action: { ...action, taskQueue: routed.taskQueue, typedSearchAttributes: routed.typedSearchAttributes },
          typedSearchAttributes: [...scheduleAttributes, { key: familyKey, value: routed.family }],
        },
      });
    },
  };
}

export interface RoutingClientOptions extends RoutingInterceptorOptions {
  connection: ConnectionLike;
  namespace?: string;
}

/** A Temporal client whose workflow starts and schedule creations go through the routing interceptors. */
export function createRoutingClient({ connection, router, families, namespace }: RoutingClientOptions): Client {
  return new Client({
    connection,
    namespace,
    interceptors: {
      workflow: [createRoutingInterceptor({ router, families })],
      schedule: [createScheduleRoutingInterceptor({ router, families })],
    },
  });
}
