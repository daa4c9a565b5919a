/** Orders of the example family, started through the signaler's HTTP API and inspected in Temporal. */
import { Client, Connection, WorkflowNotFoundError } from '@temporalio/client';
import { familyGroupId } from './contract';
import { normalizedStrategyValue } from 'unleash-client/lib/strategy/util.js';
import { SIGNALER_URL } from './urls';

export async function startOrder(workflowId: string, { isTest = false } = {}): Promise<void> {
  const response = await fetch(`${SIGNALER_URL}/v1/workflows/start`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      workflowType: 'order',
      workflowId,
      args: [{ orderId: workflowId, items: [{ sku: 'tea', quantity: 1 }] }],
      ...(isTest && { isTest: true }),
    }),
  });
  if (response.status !== 201) throw new Error(`signaler answered ${response.status}: ${await response.text()}`);
}

/**
 * A workflow id in Unleash's rollout bucket `bucket` (1–100) for the family: bucket 100 reaches a new version
 * only at 100% live, bucket 1 leaves it only at 0%. Probing with such ids tells when a change of percentage
 * has reached the signaler's flag cache, whatever step it passed through.
 */
export function idInBucket(prefix: string, bucket: number): string {
  for (let n = 1; ; n++) {
    const id = `${prefix}-${n}`;
    if (normalizedStrategyValue(id, familyGroupId('order')) === bucket) return id;
  }
}

/**
 * Waits until the signaler routes to `taskQueue` (its flag cache refreshes every second) by starting probe
 * orders in `probeBucket`: 100 (the default) when the target is a version going up to 100%, 1 when it is
 * the version left when another went down to 0%. Then starts `count` orders and returns their ids.
 */
export async function startRoutedTo(
  orders: Orders,
  prefix: string,
  taskQueue: string,
  {
    count,
    isTest = false,
    probeBucket = 100,
    timeoutMs = 30_000,
  }: { count: number; isTest?: boolean; probeBucket?: number; timeoutMs?: number },
): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (let probe = 1; ; probe++) {
    const id = idInBucket(`${prefix}-probe-${probe}`, probeBucket);
    const started = await startOrder(id, { isTest }).then(
      () => true,
      () => false,
    );
    if (started && (await orders.taskQueue(id)) === taskQueue) break;
    if (Date.now() > deadline) throw new Error(`no ${prefix} order reached ${taskQueue} within ${timeoutMs} ms`);
    await new Promise(r => setTimeout(r, 250));
  }
  const ids = Array.from({ length: count }, (_, i) => `${prefix}-${i + 1}`);
  for (const id of ids) await startOrder(id, { isTest });
  return ids;
}

export class Orders {
  private readonly client: Client;

  constructor(connection: Connection, namespace: string) {
    this.client = new Client({ connection, namespace });
  }

  /** The task queue of the order's current run (a migration continues it as new on another queue). */
  async taskQueue(workflowId: string): Promise<string> {
    return (await this.client.workflow.getHandle(workflowId).describe()).taskQueue;
  }

  /** How many runs the order has had: 1 + the number of times it migrated. */
  async runs(workflowId: string): Promise<number> {
    let count = 0;
    for await (const _ of this.client.workflow.list({
      query: `WorkflowId = '${workflowId}'`,
    }))
      count++;
    return count;
  }

  /** How many migrate signals the order's first run received. */
  async migrateSignals(workflowId: string): Promise<number> {
    const runs = [];
    for await (const run of this.client.workflow.list({
      query: `WorkflowId = '${workflowId}'`,
    }))
      runs.push(run);
    runs.sort((a, b) => a.startTime.getTime() - b.startTime.getTime());
    const history = await this.client.workflow.getHandle(workflowId, runs[0].runId).fetchHistory();
    return (history.events ?? []).filter(
      event => event.workflowExecutionSignaledEventAttributes?.signalName === 'diachronic.v1.migrate',
    ).length;
  }

  /**
   * The status of Diachronic's deployment workflow for a version: RUNNING, COMPLETED, …, or NOT_STARTED while
   * its family workflow has not started it yet (the webhook answers before the deployment's workflow exists).
   */
  async deploymentStatus(family: string, versionId: string): Promise<string> {
    try {
      return (await this.client.workflow.getHandle(`diachronic/${family}/${versionId}`).describe()).status.name;
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return 'NOT_STARTED';
      throw error;
    }
  }

  async runningIds(taskQueue: string): Promise<string[]> {
    const ids: string[] = [];
    const query = `TaskQueue = '${taskQueue}' AND ExecutionStatus = 'Running'`;
    for await (const run of this.client.workflow.list({ query })) ids.push(run.workflowId);
    return ids;
  }

  async running(taskQueue: string): Promise<number> {
    const { count } = await this.client.workflow.count(`TaskQueue = '${taskQueue}' AND ExecutionStatus = 'Running'`);
    return count;
  }

  async ship(workflowId: string): Promise<void> {
    const handle = this.client.workflow.getHandle(workflowId);
    await handle.signal('pay');
    await handle.signal('ship');
  }

  async cancel(workflowId: string, reason: string): Promise<void> {
    await this.client.workflow.getHandle(workflowId).signal('cancel', reason);
  }
}
