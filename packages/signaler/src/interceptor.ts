import { assertFamily, VersionRef } from '@diachronic/contract';
import type { Router } from '@diachronic/routing';
import { Client, CompiledWorkflowOptions, ConnectionLike, WorkflowClientInterceptor } from '@temporalio/client';
import type { SearchAttributePair } from '@temporalio/common';
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

function typedPairs(options: CompiledWorkflowOptions): SearchAttributePair[] {
  const typed = options.typedSearchAttributes;
  if (typed === undefined) return [];
  return Array.isArray(typed) ? typed : typed.getAll();
}

/** The one place isTest comes from: the typed search attribute DiachronicIsTest (absent means false). */
function isTestStart(workflowId: string, options: CompiledWorkflowOptions, pairs: SearchAttributePair[]): boolean {
  const name = diachronicSearchAttributes.isTest.name;
  // Deprecated untyped attributes would reach the workflow without routing it as test traffic.
  // eslint-disable-next-line @typescript-eslint/no-deprecated
  if (options.searchAttributes && name in options.searchAttributes) {
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
 * A client interceptor that starts Diachronic-managed workflow types on the task queue `route` picks
 * (start, signal-with-start and update-with-start). It replaces the caller's `taskQueue`, so callers of
 * managed types may pass any placeholder, and stamps the chosen version as DiachronicRoutedVersionId.
 * Flags are evaluated locally: no remote call per start. Other workflow types pass through untouched.
 */
export function createRoutingInterceptor({ router, families }: RoutingInterceptorOptions): WorkflowClientInterceptor {
  // A Map, so that a workflow type such as "constructor" never finds an Object prototype member.
  const familyOf = new Map(Object.entries(families));
  for (const family of familyOf.values()) assertFamily(family);

  function routeNewWorkflow(workflowType: string, options: CompiledWorkflowOptions): CompiledWorkflowOptions {
    const family = familyOf.get(workflowType);
    if (family === undefined) return options;
    const { workflowId } = options;
    const pairs = typedPairs(options);
    const isTest = isTestStart(workflowId, options, pairs);
    const decision: VersionRef | undefined = router.route(family, workflowId, { isTest });
    if (!decision) {
      const knownVersions = router.versions(family).length;
      throw new NoLiveVersionError({ family, workflowId, workflowType, isTest, knownVersions });
    }
    const routedVersionId = diachronicSearchAttributes.routedVersionId;
    return {
      ...options,
      taskQueue: decision.taskQueue,
      typedSearchAttributes: [
        ...pairs.filter(p => p.key.name !== routedVersionId.name),
        { key: routedVersionId, value: decision.versionId },
      ],
    };
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

export interface RoutingClientOptions extends RoutingInterceptorOptions {
  connection: ConnectionLike;
  namespace?: string;
}

/** A Temporal client whose workflow starts go through the routing interceptor. */
export function createRoutingClient({ connection, router, families, namespace }: RoutingClientOptions): Client {
  return new Client({
    connection,
    namespace,
    interceptors: { workflow: [createRoutingInterceptor({ router, families })] },
  });
}
