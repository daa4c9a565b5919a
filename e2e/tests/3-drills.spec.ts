/**
 * Scenario 8, the fault drills, after the story has left v5 live: the Diachronic worker killed in the middle
 * of a migration, Unleash down for 60 s in the middle of a rollout, a forged webhook, Temporal down for
 * 60 s in the middle of a migration, the kube-apiserver down while a cleanup deletes, and the Backstage
 * backend restarted in the middle of a rollout; and a build whose orders fail, which the health gate aborts.
 */
import type { Page } from '@playwright/test';
import { Client } from '@temporalio/client';
import { diachronicApi, guestToken } from '../support/backstage';
import { expect, livePercentShown, openApp, openRolloutTab, test } from '../support/fixtures';
import { sendDeploymentStatus, shaFor } from '../support/github';
import {
  ORDERS_REPOSITORY,
  orderDeploymentSucceeded,
  orderQueue,
  quarterSteps,
  shipOrderWorker,
} from '../support/orderFamily';
import type { KubeDeployments } from '../support/kube';
import { idInBucket, startOrder, startRoutedTo, type Orders } from '../support/orders';
import type { DiachronicSystem } from '../support/system';

const BASE = '0d0d0d0';
const V6 = 'f666666';
const V7 = 'a7a7a7a';
const V8 = 'b8b8b8b';
const V9 = 'c9c9c9c';
const V10 = 'd10d10d';
const V11 = 'e11e11e';
const deploymentPath = (versionId: string) => `/entity/default/component/orders/families/order/deployments/${versionId}`;
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

/**
 * 20 orders on `from`, then a migratory deployment of `to` with a worker; `disrupt` runs once the migration
 * has told some of them (and some still run on `from`). After it, every order must move to `to`, told
 * exactly once, and `from` be retired.
 */
async function migrateThrough(
  { page, system, kube, orders }: { page: Page; system: DiachronicSystem; kube: KubeDeployments; orders: Orders },
  { prefix, from, to }: { prefix: string; from: string; to: string },
  disrupt: () => Promise<void>,
): Promise<void> {
  const onOld = await startRoutedTo(orders, prefix, orderQueue(from), { count: 20 });
  await shipOrderWorker(system, kube, 'v2', to);
  await orderDeploymentSucceeded(system, to, { migratory: true, schedule: steps });
  await openRolloutTab(page, 'orders');
  await expect(page.getByTestId('migration')).toContainText(/[1-9]\d* signaled/, { timeout: 120_000 });
  expect(await orders.running(orderQueue(from))).toBeGreaterThan(0);

  await disrupt();

  for (const id of onOld) {
    await expect.poll(() => orders.taskQueue(id), { timeout: 180_000 }).toBe(orderQueue(to));
    expect(await orders.migrateSignals(id)).toBe(1);
  }
  await expect.poll(() => orders.running(orderQueue(from)), { timeout: 60_000 }).toBe(0);
  await expect.poll(() => kube.versions('order'), { timeout: 120_000 }).not.toContain(from);
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
    await migrateThrough({ page, system, kube, orders }, { prefix: 'drill-worker', from: old, to: V6 }, async () => {
      await system.kill('worker', 'SIGKILL');
      await new Promise(r => setTimeout(r, 5000));
      await system.restart('worker');
    });
    await snap(page, '12-worker-restarted');
  });

  test('8b. Unleash down for 60 s mid-rollout: the rollout waits, then resumes and completes', async ({
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
    await new Promise(r => setTimeout(r, 60_000));
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

  test('8d. Temporal down for 60 s mid-migration, started again on its SQLite file: every order told once, none missed', async ({
    page,
    system,
    kube,
    orders,
    snap,
  }) => {
    await migrateThrough({ page, system, kube, orders }, { prefix: 'drill-temporal', from: V7, to: V8 }, async () => {
      await system.stopService('temporal');
      await new Promise(r => setTimeout(r, 60_000));
      await system.startService('temporal');
    });
    await expect.poll(() => orders.deploymentStatus('order', V8), { timeout: 120_000 }).toBe('COMPLETED');
    await page.reload();
    await expect(page.getByRole('row').filter({ hasText: V8 }).filter({ hasText: 'Completed' }).first()).toBeVisible();
    await snap(page, '14-temporal-restarted');
  });

  test('8e. the kube-apiserver down while a cleanup deletes: it waits and retries, then deletes the old worker only', async ({
    system,
    kube,
    orders,
  }) => {
    // Nonmigratory: the orders on V8 finish there, and the cleanup removes V8 once the last one has ended.
    await shipOrderWorker(system, kube, 'v2', V9);
    await orderDeploymentSucceeded(system, V9, { migratory: false, schedule: quarterSteps(1000) });
    await expect.poll(() => orders.deploymentStatus('order', V9), { timeout: 120_000 }).toBe('COMPLETED');
    const onV8 = await orders.runningIds(orderQueue(V8));
    expect(onV8.length).toBeGreaterThan(0);

    await system.stopService('kube');
    for (const id of onV8) await orders.ship(id);
    await expect.poll(() => orders.running(orderQueue(V8)), { timeout: 60_000 }).toBe(0);
    // Long enough for the cleanup to see the queue empty twice and fail to delete a few times.
    const client = new Client({ connection: await system.temporal(), namespace: system.env.TEMPORAL_NAMESPACE });
    const cleanup = client.workflow.getHandle(`diachronic/order/${V8}/cleanup`);
    const retireAttempts = async () => {
      const { raw } = await cleanup.describe();
      return raw.pendingActivities?.find(activity => activity.activityType?.name === 'retireVersion')?.attempt ?? 0;
    };
    await expect.poll(retireAttempts, { timeout: 60_000 }).toBeGreaterThan(1);
    await system.startService('kube');

    await expect.poll(() => kube.versions('order'), { timeout: 120_000 }).not.toContain(V8);
    expect(await kube.versions('order')).toContain(V9);
    // The Deployment is gone a moment before the cleanup records it and completes: wait for its result.
    expect((await cleanup.result()).deletedDeployments).toHaveLength(1);
    expect((await cleanup.describe()).status.name).toBe('COMPLETED');
  });

  test('8f. the Backstage backend restarted mid-rollout: nothing lost, the controls work after', async ({
    page,
    system,
    kube,
    orders,
    snap,
  }) => {
    await shipOrderWorker(system, kube, 'v2', V10);
    // Steps long enough that the rollout is still under way when the backend is back.
    await orderDeploymentSucceeded(system, V10, { migratory: false, schedule: quarterSteps(45_000) });
    const token = await guestToken();
    let before: { status: number; body: any } | undefined;
    await expect
      .poll(
        async () => {
          before = await diachronicApi(token, 'GET', deploymentPath(V10));
          return before.body.phase === 'rolling_out' && before.body.livePercent > 0;
        },
        { timeout: 60_000 },
      )
      .toBe(true);

    await system.restartBackstage();

    const signedIn = await guestToken();
    const after = await diachronicApi(signedIn, 'GET', deploymentPath(V10));
    expect(after.status).toBe(200);
    expect(after.body.phase).toBe('rolling_out');
    expect(after.body.events.slice(0, before!.body.events.length)).toEqual(before!.body.events);
    const control = (action: string, body: object) => diachronicApi(signedIn, 'POST', `${deploymentPath(V10)}/${action}`, body);
    const paused = await control('pause', { reason: 'after the restart' });
    expect(paused.status).toBe(200);
    expect(paused.body.events).toContainEqual(expect.objectContaining({ action: 'pause', why: 'after the restart' }));
    await expect
      .poll(async () => (await diachronicApi(signedIn, 'GET', deploymentPath(V10))).body.step?.paused, { timeout: 30_000 })
      .toBe(true);
    const resumed = await control('resume', { reason: 'carry on' });
    expect(resumed.status).toBe(200);
    expect(resumed.body.events).toContainEqual(expect.objectContaining({ action: 'resume', why: 'carry on' }));
    expect((await control('override', { percent: 100, reason: 'drill over' })).status).toBe(200);
    await expect.poll(() => orders.deploymentStatus('order', V10), { timeout: 60_000 }).toBe('COMPLETED');
    await openRolloutTab(page, 'orders');
    await expect(page.getByRole('row').filter({ hasText: V10 }).filter({ hasText: 'Completed' }).first()).toBeVisible();
    await snap(page, '15-backstage-restarted');
  });

  test('8g. a build that fails its orders: the health gate aborts its rollout at the first step, and the tab says why', async ({
    page,
    system,
    kube,
    orders,
    snap,
  }) => {
    const live = await liveOrderVersion(system, kube, orders);
    // The new build's payment provider declines every card: each paid order fails.
    await shipOrderWorker(system, kube, 'v2', V11, { ORDER_DECLINE_CARDS: '1' });
    await orderDeploymentSucceeded(system, V11, { migratory: false, schedule: quarterSteps(120_000), gate: { minSamples: 3, intervalMs: 2000 } });
    // At the first step (25%) orders in the lowest buckets start on the new build; three are paid and fail.
    await startRoutedTo(orders, 'gate-probe', orderQueue(V11), { count: 0, probeBucket: 1 });
    const failing = [1, 2, 3].map(n => idInBucket(`gate-${n}`, n));
    for (const id of failing) await startOrder(id);
    for (const id of failing) expect(await orders.taskQueue(id)).toBe(orderQueue(V11));
    for (const id of failing) await orders.ship(id);

    await expect.poll(() => orders.deploymentStatus('order', V11), { timeout: 90_000 }).toBe('COMPLETED');
    const { body } = await diachronicApi(await guestToken(), 'GET', deploymentPath(V11));
    expect(body.phase).toBe('aborted');
    expect(body.reason).toMatch(/^aborted by diachronic \(health gate\): \d+ of \d+ workflows on order@e11e11e failed in /);
    expect(body.reason).toContain(`${failing[0]} failed`);
    expect(body.reason).toContain(`card declined for ${failing[0]}`);
    expect(body.livePercent).toBe(0);
    // New orders go to the version that was live before.
    await startRoutedTo(orders, 'gate-after', orderQueue(live), { count: 0 });

    await openRolloutTab(page, 'orders');
    const row = page.getByRole('row').filter({ hasText: V11 }).filter({ hasText: 'Aborted' }).first();
    await expect(row).toBeVisible();
    await expect(row).toContainText('aborted by diachronic (health gate)');
    await snap(page, '16-health-gate-aborted');
    // The Deployments page marks the family's failed gate, with the reason on hover.
    await openApp(page, '/diachronic');
    const family = page.getByRole('row').filter({ has: page.getByRole('link', { name: 'order', exact: true }) });
    await expect(family.getByTestId('gate-failed')).toBeVisible();
    await family.getByTestId('gate-failed').hover();
    await expect(page.getByRole('tooltip')).toContainText(/workflows on order@e11e11e failed in /);
    await snap(page, '17-deployments-gate-failed');
    // The probes still waiting for payment on the aborted build end, so its cleanup can remove it.
    for (const id of await orders.runningIds(orderQueue(V11))) await orders.cancel(id, 'drill over');
  });
});
