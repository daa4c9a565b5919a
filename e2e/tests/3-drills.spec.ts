/**
 * Scenario 8, the fault drills, after the story has left v5 live: the Diachronic worker killed in the middle
 * of a migration, Unleash down for 30 s in the middle of a rollout, and a forged webhook.
 */
import { Client } from '@temporalio/client';
import { diachronicApi, guestToken } from '../support/backstage';
import { expect, livePercentShown, openRolloutTab, test } from '../support/fixtures';
import { sendDeploymentStatus, shaFor } from '../support/github';
import {
  ORDERS_REPOSITORY,
  orderDeploymentSucceeded,
  orderQueue,
  quarterSteps,
  shipOrderWorker,
} from '../support/orderFamily';
import type { KubeDeployments } from '../support/kube';
import { startOrder, startRoutedTo, type Orders } from '../support/orders';
import type { DiachronicSystem } from '../support/system';

const BASE = '0d0d0d0';
const V6 = 'f666666';
const V7 = 'a7a7a7a';
const steps = quarterSteps(6000);

/**
 * The live version of the order family: the story's last one, or, when the drills run on a system of
 * their own (Playwright restarts it after a failure), one deployed here.
 */
async function liveOrderVersion(system: DiachronicSystem, kube: KubeDeployments, orders: Orders): Promise<string> {
  const { body } = await diachronicApi(await guestToken(), 'GET', '/entity/default/component/orders/families');
  const live = (
    body.families[0].versions as {
      status: string;
      seq: number;
      versionId: string;
    }[]
  )
    .filter(version => version.status === 'live')
    .sort((a, b) => b.seq - a.seq);
  // Routing sends new workflows to the newest live version.
  if (live.length > 0) return live[0].versionId;
  await shipOrderWorker(system, kube, 'v2', BASE);
  await orderDeploymentSucceeded(system, BASE);
  await startRoutedTo(orders, 'drill-base', orderQueue(BASE), { count: 0 });
  return BASE;
}

test.describe.serial('fault drills', () => {
  test('8a. the Diachronic worker killed mid-migration: every order migrates exactly once', async ({
    page,
    system,
    kube,
    orders,
    snap,
  }) => {
    const old = await liveOrderVersion(system, kube, orders);
    const onOld = await startRoutedTo(orders, 'drill-worker', orderQueue(old), {
      count: 20,
    });
    await shipOrderWorker(system, kube, 'v2', V6);
    await orderDeploymentSucceeded(system, V6, {
      migratory: true,
      schedule: steps,
    });
    await openRolloutTab(page, 'orders');
    await expect(page.getByTestId('migration')).toContainText(/[1-9]\d* signaled/, { timeout: 120_000 });
    expect(await orders.running(orderQueue(old))).toBeGreaterThan(0);

    await system.kill('worker', 'SIGKILL');
    await new Promise(r => setTimeout(r, 5000));
    await system.restart('worker');

    for (const id of onOld) {
      await expect.poll(() => orders.taskQueue(id), { timeout: 180_000 }).toBe(orderQueue(V6));
      expect(await orders.migrateSignals(id)).toBe(1);
    }
    await expect.poll(() => orders.running(orderQueue(old)), { timeout: 60_000 }).toBe(0);
    await expect.poll(() => kube.versions('order'), { timeout: 120_000 }).not.toContain(old);
    await snap(page, '12-worker-restarted');
  });

  test('8b. Unleash down for 30 s mid-rollout: the rollout waits, then resumes and completes', async ({
    page,
    system,
    kube,
    orders,
    snap,
  }) => {
    const onV6 = await startRoutedTo(orders, 'drill-unleash-before', orderQueue(V6), { count: 5 });
    await shipOrderWorker(system, kube, 'v2', V7);
    await orderDeploymentSucceeded(system, V7, {
      migratory: true,
      schedule: steps,
    });
    await openRolloutTab(page, 'orders');
    // Mid-rollout: past the first step, not yet at 100%.
    await expect
      .poll(async () => {
        const percent = await livePercentShown(page);
        return percent !== undefined && percent > 0 && percent < 100;
      })
      .toBe(true);

    await system.stopService('unleash');
    await new Promise(r => setTimeout(r, 30_000));
    await system.startService('unleash');

    await expect.poll(() => orders.deploymentStatus('order', V7), { timeout: 180_000 }).toBe('COMPLETED');
    await page.reload();
    await expect(page.getByRole('row').filter({ hasText: V7 }).filter({ hasText: 'Completed' }).first()).toBeVisible();
    // Nothing lost: the orders the previous drill moved to v6 all moved on to v7, and v6 was retired.
    for (const id of onV6) await expect.poll(() => orders.taskQueue(id), { timeout: 120_000 }).toBe(orderQueue(V7));
    await expect.poll(() => kube.versions('order'), { timeout: 120_000 }).not.toContain(V6);
    const after = await startRoutedTo(orders, 'drill-unleash', orderQueue(V7), {
      count: 2,
    });
    for (const id of after) expect(await orders.taskQueue(id)).toBe(orderQueue(V7));
    await snap(page, '13-unleash-restarted');
  });

  test('8c. a forged webhook: 401, nothing started', async ({ system, orders }) => {
    const forged = await sendDeploymentStatus(
      system.env.GITHUB_WEBHOOK_SECRET,
      {
        repository: ORDERS_REPOSITORY,
        sha: shaFor('bad0bad'),
        family: 'order',
      },
      { forgedSignature: true },
    );
    expect(forged.status).toBe(401);
    const client = new Client({
      connection: await system.temporal(),
      namespace: system.env.TEMPORAL_NAMESPACE,
    });
    const { count } = await client.workflow.count(`DiachronicVersionId = 'bad0bad'`);
    expect(count).toBe(0);
    await startOrder('drill-after-forgery');
    expect(await orders.taskQueue('drill-after-forgery')).toBe(orderQueue(V7));
  });
});
