import { Client, ConnectionLike, WithStartWorkflowOperation, WorkflowStartOptions } from '@temporalio/client';
import { defineSearchAttributeKey, SearchAttributePair } from '@temporalio/common';
import { createRoutingClient, ManagedWorkflowTypes, WorkflowRouter } from '../interceptor';
import { diachronicSearchAttributes } from '../search-attributes';
import { ErrorBody, invalidInput, SignalerRequestError, toErrorResponse } from './errors';
import {
  batchItem,
  BatchItem,
  SearchAttributesInput,
  SignalRequest,
  SignalWithStartRequest,
  StartRequest,
  UpdateRequest,
  UpdateWithStartRequest,
} from './schema';

export interface SignalerServiceOptions {
  connection: ConnectionLike;
  namespace?: string;
  router: WorkflowRouter;
  families: ManagedWorkflowTypes;
  /** How long an update call waits for the workflow's answer before it gives up (504). */
  updateTimeoutMs?: number;
  /** How many items of one batch run at the same time. */
  batchConcurrency?: number;
}

export interface StartedWorkflow {
  workflowId: string;
  runId: string;
}

export interface UpdateResult {
  workflowId: string;
  /** The run the update went to, when Temporal tells. */
  runId?: string;
  /** The update's result; null when it returns nothing. */
  result: unknown;
}

export type BatchItemResult =
  | ({ index: number; status: 200 | 201 } & StartedWorkflow)
  | ({ index: number; status: number; workflowId?: string } & ErrorBody);

export interface BatchResult {
  succeeded: number;
  failed: number;
  results: BatchItemResult[];
}

export interface HealthReport {
  ok: boolean;
  temporal: { ok: boolean; error?: string };
  /** Per managed family: how many versions the router knows (0: no flag fetched for it). */
  router: { synced: true; versions: Record<string, number> };
}

const HEALTH_DEADLINE_MS = 2000;

/** The workflow id of an invalid batch item, when it has one, so that its caller can match the answer. */
function workflowIdOf(item: unknown): string | undefined {
  const id = typeof item === 'object' && item !== null && 'workflowId' in item ? item.workflowId : undefined;
  return typeof id === 'string' ? id : undefined;
}

function toTypedSearchAttributes(
  attributes: SearchAttributesInput | undefined,
  isTest: boolean | undefined,
): SearchAttributePair[] {
  const pairs = Object.entries(attributes ?? {}).map(([name, { type, value }]): SearchAttributePair => {
    switch (type) {
      case 'KEYWORD':
        return { key: defineSearchAttributeKey(name, 'KEYWORD'), value };
      case 'TEXT':
        return { key: defineSearchAttributeKey(name, 'TEXT'), value };
      case 'INT':
        return { key: defineSearchAttributeKey(name, 'INT'), value };
      case 'DOUBLE':
        return { key: defineSearchAttributeKey(name, 'DOUBLE'), value };
      case 'BOOL':
        return { key: defineSearchAttributeKey(name, 'BOOL'), value };
      case 'DATETIME':
        return { key: defineSearchAttributeKey(name, 'DATETIME'), value: new Date(value) };
      case 'KEYWORD_LIST':
        return { key: defineSearchAttributeKey(name, 'KEYWORD_LIST'), value };
      default:
        return type satisfies never;
    }
  });
  if (isTest !== undefined) pairs.push({ key: diachronicSearchAttributes.isTest, value: isTest });
  return pairs;
}

/**
 * What the HTTP API does, over one Temporal client that routes managed workflow types (the same routing
 * interceptor TypeScript callers install). Only managed types can be started here: the route picks the
 * task queue, so a caller has none to give.
 */
export class SignalerService {
  readonly client: Client;
  private readonly families: ReadonlyMap<string, string>;
  private readonly updateTimeoutMs: number;
  private readonly batchConcurrency: number;

  constructor(private readonly options: SignalerServiceOptions) {
    this.client = createRoutingClient(options);
    this.families = new Map(Object.entries(options.families));
    this.updateTimeoutMs = options.updateTimeoutMs ?? 60_000;
    this.batchConcurrency = options.batchConcurrency ?? 32;
  }

  async start(request: StartRequest): Promise<StartedWorkflow> {
    const handle = await this.client.workflow.start(request.workflowType, this.startOptions(request));
    return { workflowId: handle.workflowId, runId: handle.firstExecutionRunId };
  }

  async signalWithStart(request: SignalWithStartRequest): Promise<StartedWorkflow> {
    const handle = await this.client.workflow.signalWithStart(request.workflowType, {
      ...this.startOptions(request),
      signal: request.signal,
      signalArgs: request.signalArgs,
    });
    return { workflowId: handle.workflowId, runId: handle.signaledRunId };
  }

  /** Starts the workflow unless it runs already, then waits for the update's result. */
  async updateWithStart(request: UpdateWithStartRequest): Promise<UpdateResult> {
    const startWorkflowOperation = new WithStartWorkflowOperation(request.workflowType, {
      ...this.startOptions(request),
      workflowIdConflictPolicy: 'USE_EXISTING',
    });
    return this.withUpdateDeadline(async () => {
      const update = await this.client.workflow.startUpdateWithStart(request.update, {
        args: request.updateArgs,
        waitForStage: 'ACCEPTED',
        startWorkflowOperation,
      });
      const result = await update.result();
      return { workflowId: request.workflowId, runId: update.workflowRunId, result: result ?? null };
    });
  }

  /** Signals a running workflow; no routing, the workflow stays where it runs. */
  async signal(request: SignalRequest): Promise<void> {
    await this.client.workflow.getHandle(request.workflowId, request.runId).signal(request.signal, ...request.signalArgs);
  }

  /** Sends an update to a running workflow and waits for its result. */
  async update(request: UpdateRequest): Promise<UpdateResult> {
    const handle = this.client.workflow.getHandle(request.workflowId, request.runId);
    // executeUpdate's overloads tell no arguments from some; a spread keeps an empty list empty.
    const [first, ...rest] = request.updateArgs;
    const result = await this.withUpdateDeadline(() =>
      request.updateArgs.length === 0
        ? handle.executeUpdate(request.update)
        : handle.executeUpdate(request.update, { args: [first, ...rest] }),
    );
    return { workflowId: request.workflowId, result: result ?? null };
  }

  /** Runs each item on its own: an item that fails (or is invalid) answers its error, the others proceed. */
  async batch(items: readonly unknown[]): Promise<BatchResult> {
    const results = new Array<BatchItemResult>(items.length);
    let next = 0;
    const runOne = async (index: number): Promise<BatchItemResult> => {
      const parsed = batchItem.safeParse(items[index]);
      try {
        if (!parsed.success) throw invalidInput(parsed.error);
        const started = await this.startItem(parsed.data);
        return { index, status: parsed.data.kind === 'start' ? 201 : 200, ...started };
      } catch (error) {
        const { status, body } = toErrorResponse(error);
        const workflowId = parsed.success ? parsed.data.workflowId : workflowIdOf(items[index]);
        return { index, status, ...(workflowId !== undefined && { workflowId }), ...body };
      }
    };
    const lanes = Array.from({ length: Math.min(this.batchConcurrency, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await runOne(index);
      }
    });
    await Promise.all(lanes);
    const failed = results.filter(r => 'error' in r).length;
    return { succeeded: results.length - failed, failed, results };
  }

  async health(): Promise<HealthReport> {
    const versions = Object.fromEntries(
      [...new Set(this.families.values())].map(family => [family, this.options.router.versions(family).length]),
    );
    // A router exists only once its first sync with Unleash succeeded (Router.start).
    const router = { synced: true as const, versions };
    try {
      const { connection } = this.client;
      await connection.withDeadline(Date.now() + HEALTH_DEADLINE_MS, () =>
        connection.workflowService.getSystemInfo({}),
      );
      return { ok: true, temporal: { ok: true }, router };
    } catch (error) {
      return { ok: false, temporal: { ok: false, error: error instanceof Error ? error.message : String(error) }, router };
    }
  }

  private startItem(item: BatchItem): Promise<StartedWorkflow> {
    return item.kind === 'start' ? this.start(item) : this.signalWithStart(item);
  }

  private startOptions(request: StartRequest): WorkflowStartOptions {
    const family = this.families.get(request.workflowType);
    if (family === undefined) {
      throw new SignalerRequestError(
        422,
        'unmanaged_workflow_type',
        `workflow type ${JSON.stringify(request.workflowType)} is not managed by this signaler ` +
          `(managed: ${[...this.families.keys()].join(', ') || 'none'})`,
        'workflowType',
      );
    }
    return {
      workflowId: request.workflowId,
      args: request.args,
      // A placeholder: the routing interceptor replaces it with the routed version's task queue.
      taskQueue: family,
      typedSearchAttributes: toTypedSearchAttributes(request.searchAttributes, request.isTest),
    };
  }

  private withUpdateDeadline<T>(fn: () => Promise<T>): Promise<T> {
    return this.client.connection.withDeadline(Date.now() + this.updateTimeoutMs, fn);
  }
}
