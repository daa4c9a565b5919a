import { createRoutingClient } from '@diachronic/signaler';
import { Router } from '@diachronic/routing';
import {
  ORDER_WORKFLOW_TYPE,
  OrderState,
  createOrderActivities,
  orderStateQuery,
  orderTaskQueue,
  paySignal,
} from '@diachronic/example-order';
import { Client } from '@temporalio/client';
import { Harness, fastOptions, startHarness, uniqueFamily, uniqueVersionId, waitFor } from '../harness';

jest.setTimeout(180_000);

/**
 * The whole story at worker level with the example family: v1 live with running orders started through
 * the signaler → deployment of v2 → rollout → every order migrates to v2 with its state upgraded → the
 * old queue is empty → v1's worker Deployment is deleted and its flag archived; new orders start on v2.
 */
describe('the order family moves from v1 to v2', () => {
  let h: Harness;
  let router: Router;
  let orders: Client;

  beforeAll(async () => {
    h = await startHarness();
    router = await Router.start({
      url: process.env.UNLEASH_URL!,
      clientToken: process.env.UNLEASH_CLIENT_TOKEN!,
      appName: 'order-story-test',
      refreshIntervalMs: 250,
    });
  });

  afterAll(async () => {
    router?.destroy();
    await h?.teardown();
  });

  it('rolls out v2, migrates every running order with its state and retires v1', async () => {
    const family = uniqueFamily('order');
    const v1 = uniqueVersionId();
    const v2 = uniqueVersionId();
    const activities = createOrderActivities({ chargeCardMs: 200 });
    await h.startVersionWorker(family, v1, {
      workflowsPath: require.resolve('@diachronic/example-order/v1/workflows'),
      activities,
    });
    await h.startVersionWorker(family, v2, {
      workflowsPath: require.resolve('@diachronic/example-order/v2/workflows'),
      activities,
    });
    const v1Deployment = await h.createWorkerDeployment(family, v1);
    const v2Deployment = await h.createWorkerDeployment(family, v2);
    orders = createRoutingClient({ connection: h.connection, router, families: { [ORDER_WORKFLOW_TYPE]: family } });

    await h.deploy(h.request(family, v1, fastOptions()));
    await h.waitForPhase(family, v1, ['completed']);
    await waitFor('the signaler to route to v1', async () => router.route(family, 'probe', { isTest: false })?.versionId === v1);

    const startOrder = (orderId: string) =>
      orders.workflow.start(ORDER_WORKFLOW_TYPE, {
        taskQueue: family,
        workflowId: `${family}/${orderId}`,
        args: [{ orderId, items: [{ sku: 'book', quantity: 1 }] }],
      });
    const running = await Promise.all(Array.from({ length: 12 }, (_, i) => startOrder(`o-${i}`)));
    for (const handle of running) {
      expect((await handle.describe()).taskQueue).toBe(orderTaskQueue(family, v1));
    }
    // Half of them are paid on v1: their state must arrive on v2 with the payment.
    await Promise.all(running.slice(0, 6).map(handle => handle.signal(paySignal)));
    await waitFor('the paid orders to be paid', async () => {
      const states = await Promise.all(running.slice(0, 6).map(handle => handle.query(orderStateQuery)));
      return states.every(state => state.status === 'paid');
    });

    await h.deploy(h.request(family, v2, fastOptions()));
    const done = await h.waitForPhase(family, v2, ['completed'], 120_000);
    expect(done.migration).toMatchObject({ signaled: 12, remaining: 0 });

    for (const [i, handle] of running.entries()) {
      const latest = h.client.workflow.getHandle(handle.workflowId);
      expect((await latest.describe()).taskQueue).toBe(orderTaskQueue(family, v2));
      const state: OrderState = await latest.query(orderStateQuery);
      expect(state).toMatchObject({ version: 2, orderId: `o-${i}`, status: i < 6 ? 'paid' : 'awaiting_payment' });
      expect(state).not.toHaveProperty('paymentRef');
      expect((state as { payment: unknown }).payment === null).toBe(i >= 6);
    }
    expect(await h.workerDeployments(family)).toEqual([v2Deployment].sort());
    expect(await h.workerDeployments(family)).not.toContain(v1Deployment);
    expect(await h.version(family, v1)).toMatchObject({ archived: true });

    await waitFor('the signaler to drop v1', async () => router.versions(family).map(version => version.versionId).join() === v2);
    const fresh = await startOrder('o-new');
    expect((await fresh.describe()).taskQueue).toBe(orderTaskQueue(family, v2));
    await Promise.all([...running, fresh].map(handle => h.client.workflow.getHandle(handle.workflowId).terminate('test done')));
  });
});
