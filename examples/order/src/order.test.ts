import { WorkflowHandle } from '@temporalio/client';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { DefaultLogger, Runtime, Worker, bundleWorkflowCode } from '@temporalio/worker';
import { MigrateSignal, migrateSignal, migrationStatusQuery } from '@diachronic/migrate';
import { createOrderActivities, OrderActivities } from './activities';
import {
  ORDER_WORKFLOW_TYPE,
  OrderInput,
  OrderState,
  OrderStateV1,
  OrderStateV2,
  orderStateQuery,
  orderTaskQueue,
  paySignal,
  shipSignal,
} from './index';

jest.setTimeout(90_000);
Runtime.install({ logger: new DefaultLogger('WARN') });

const runTag = `${Date.now().toString(36)}${process.pid.toString(36)}`;
const family = `t${runTag}.order`;
const versionBase = Date.now().toString(16);
const target = (versionId: string): MigrateSignal => ({ taskQueue: orderTaskQueue(family, versionId), versionId });
const v1 = target(`${versionBase}01`);
const v2 = target(`${versionBase}02`);
/** A redeploy of v2's code as a new version. */
const v2Again = target(`${versionBase}03`);

let env: TestWorkflowEnvironment;
const workers: Array<{ worker: Worker; running: Promise<void> }> = [];
const started: WorkflowHandle[] = [];
/** Order ids, once per charge attempt. */
const charges: string[] = [];
let orderCounter = 0;

beforeAll(async () => {
  const address = process.env.TEMPORAL_ADDRESS;
  if (!address) throw new Error('TEMPORAL_ADDRESS is not set: run the tests via `npm test`');
  env = await TestWorkflowEnvironment.createFromExistingServer({ address });
  const { chargeCard } = createOrderActivities({ chargeCardMs: 2500 });
  const activities: OrderActivities = {
    async chargeCard(request) {
      charges.push(request.orderId);
      return chargeCard(request);
    },
  };
  const bundle = (version: string) =>
    bundleWorkflowCode({ workflowsPath: require.resolve(`./${version}/workflows`), logger: new DefaultLogger('WARN') });
  const [v1Bundle, v2Bundle] = await Promise.all([bundle('v1'), bundle('v2')]);
  for (const [{ taskQueue }, workflowBundle] of [
    [v1, v1Bundle],
    [v2, v2Bundle],
    [v2Again, v2Bundle],
  ] as const) {
    const worker = await Worker.create({ connection: env.nativeConnection, taskQueue, workflowBundle, activities });
    workers.push({ worker, running: worker.run() });
  }
});

afterAll(async () => {
  await Promise.all(started.map(handle => handle.terminate('test run over').catch(() => undefined)));
  for (const { worker } of workers) worker.shutdown();
  await Promise.all(workers.map(({ running }) => running));
  await env?.teardown();
});

async function startOrder(input: Partial<OrderInput> = {}) {
  orderCounter += 1;
  const orderId = `${runTag}-${orderCounter}`;
  const handle = await env.client.workflow.start(ORDER_WORKFLOW_TYPE, {
    taskQueue: v1.taskQueue,
    workflowId: `${family}/${orderId}`,
    args: [{ orderId, items: [{ sku: 'tea', quantity: 2 }], ...input }],
  });
  started.push(handle);
  return {
    orderId,
    handle,
    /** The first run, as the Diachronic worker addresses it. */
    firstRun: env.client.workflow.getHandle(handle.workflowId, handle.firstExecutionRunId),
    state: () => handle.query(orderStateQuery),
  };
}

async function eventually<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 100));
  }
}

const inStatus = (state: () => Promise<OrderState>, status: OrderState['status']) =>
  eventually(`status ${status}`, async () => {
    const current = await state();
    return current.status === status && current;
  });

const inV2 = (state: () => Promise<OrderState>) =>
  eventually('the v2 state', async () => {
    const current = await state();
    return 'version' in current && current;
  });

/** Proto timestamps and durations. */
const timestampMs = (time: { seconds?: unknown; nanos?: number | null } | null | undefined) =>
  Number(String(time?.seconds ?? 0)) * 1000 + Math.floor((time?.nanos ?? 0) / 1e6);

describe('order v1 → v2', () => {
  it('moves a paid order to v2 with its state upgraded and its ship-by deadline kept', async () => {
    // Long enough that the order is paid and moved well before its deadline, however slow the machine.
    const shipWithinMs = 15_000;
    const order = await startOrder({ shipWithinMs });
    await order.handle.signal(paySignal);
    const paid = (await inStatus(order.state, 'paid')) as OrderStateV1;
    expect(paid.paymentRef).toBe(`ch_${order.orderId}`);
    // At least the 2.5 s charge into the order: a deadline restarted by the move would pass that much late.
    const movedAt = Date.now();
    expect(paid.createdAt + shipWithinMs - movedAt).toBeGreaterThan(2000);
    await order.firstRun.signal(migrateSignal, v2);

    const closed = (await order.handle.result()) as OrderStateV2;
    const { paymentRef, ...unchanged } = paid;
    expect(closed).toEqual({
      ...unchanged,
      version: 2,
      payment: { ref: paymentRef, provider: 'card' },
      status: 'cancelled',
      cancelReason: 'not shipped by the ship-by deadline',
      closedAt: closed.closedAt,
    });
    expect(closed).not.toHaveProperty('paymentRef');
    expect(closed.shipBy).toBe(paid.createdAt + shipWithinMs);
    expect(closed.closedAt).toBeGreaterThanOrEqual(closed.shipBy);

    const v2Events = (await order.handle.fetchHistory()).events!;
    expect(v2Events[0].workflowExecutionStartedEventAttributes?.taskQueue?.name).toBe(v2.taskQueue);
    const v2StartedAt = timestampMs(v2Events[0].eventTime);
    const timer = v2Events.find(event => event.timerStartedEventAttributes)!.timerStartedEventAttributes!;
    expect(timestampMs(timer.startToFireTimeout)).toBeLessThanOrEqual(closed.shipBy - v2StartedAt);
    const firedAt = timestampMs(v2Events.find(event => event.timerFiredEventAttributes)!.eventTime);
    expect(firedAt).toBeGreaterThanOrEqual(closed.shipBy);
    expect(firedAt).toBeLessThan(v2StartedAt + shipWithinMs);
    expect(charges.filter(id => id === order.orderId)).toHaveLength(1);
  });

  it('charges the card once: it moves right after the charge, not during it', async () => {
    const order = await startOrder();
    await order.handle.signal(paySignal);
    await inStatus(order.state, 'paying');
    await order.firstRun.signal(migrateSignal, v2);
    const status = await eventually('waiting', async () => {
      const current = await order.handle.query(migrationStatusQuery);
      return current.waiting && current;
    });
    expect(status).toEqual({ requested: v2, requestedAt: expect.any(Number), waiting: true, blockedBy: ['charging card'] });
    expect((await order.firstRun.describe()).status.name).toBe('RUNNING');

    const migrated = await inV2(order.state);
    expect(migrated).toMatchObject({ status: 'paid', payment: { ref: `ch_${order.orderId}`, provider: 'card' } });
    const v1Events = (await order.firstRun.fetchHistory()).events!;
    const afterCharge = v1Events.slice(v1Events.findIndex(event => event.activityTaskCompletedEventAttributes));
    expect(afterCharge.filter(event => event.workflowTaskCompletedEventAttributes)).toHaveLength(1);
    expect(afterCharge[afterCharge.length - 1].workflowExecutionContinuedAsNewEventAttributes).toBeTruthy();

    // v2 is migratable too: a redeploy of the same code receives the v2 state unchanged.
    const v2Run = env.client.workflow.getHandle(order.handle.workflowId, (await order.handle.describe()).runId);
    await v2Run.signal(migrateSignal, v2Again);
    await eventually('the redeployed run', async () => (await order.handle.describe()).taskQueue === v2Again.taskQueue);
    expect(await order.state()).toEqual(migrated);

    await order.handle.signal(shipSignal);
    expect(await order.handle.result()).toMatchObject({ status: 'shipped', payment: migrated.payment });
    expect(charges.filter(id => id === order.orderId)).toHaveLength(1);
  });
});
