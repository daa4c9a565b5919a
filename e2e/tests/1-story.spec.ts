/**
 * The example family's life, as its operators see it in the Rollout tab and as the real systems record it:
 * initial deployment, dark deploy and promote, override, abort with a queued deployment behind it, and a
 * nonmigratory rollout whose cleanup waits for the last old workflow.
 */
import { expectNoSeriousViolations } from '../support/accessibility';
import { expect, livePercentShown, openApp, openRolloutTab, test } from '../support/fixtures';
import type { RolloutStep } from '../support/github';
import { orderDeploymentSucceeded, orderQueue, quarterSteps, shipOrderWorker } from '../support/orderFamily';
import { startOrder, startRoutedTo } from '../support/orders';
import { findVersionFlag } from '../support/unleash';

const V1 = 'a111111';
const V2 = 'b222222';
const V3 = 'c333333';
const V4 = 'd444444';
const V5 = 'e555555';

/** Steps long enough for the tab's polling to show each one. */
const visibleSteps = quarterSteps(8000);
/** A rollout that holds its first step until someone acts. */
const heldAt = (percent: number): RolloutStep[] => [
  { percent, pauseMs: 10 * 60_000 },
  { percent: 100, pauseMs: 0 },
];

test.describe.serial('the order family', () => {
  test('1. initial deployment: v1 goes live at 100%, orders run on its queue', async ({
    page,
    system,
    kube,
    orders,
    snap,
  }) => {
    await shipOrderWorker(system, kube, 'v1', V1);

    const delivery = await orderDeploymentSucceeded(system, V1, {
      migratory: true,
    });
    expect(delivery.status).toBe(202);
    expect(delivery.body.outcome).toBe('started');

    await openRolloutTab(page, 'orders');
    await expect(page.getByText(`new workflows: ${V1} 100%`)).toBeVisible();
    await expect(page.getByRole('img', { name: `new workflows: ${V1} 100%` })).toBeVisible();
    await snap(page, '01-initial-deployment');

    const flag = await findVersionFlag(system.env, 'order', V1);
    expect(flag).toMatchObject({ archived: false });

    // The signaler answers 409 until its flag cache has the new version.
    const started = await startRoutedTo(orders, 'order-1', orderQueue(V1), {
      count: 2,
    });
    for (const id of started) expect(await orders.taskQueue(id)).toBe(orderQueue(V1));
  });

  test('2. dark deploy and promote: test traffic first, then a stepped rollout, migration and cleanup', async ({
    page,
    system,
    kube,
    orders,
    snap,
  }) => {
    await shipOrderWorker(system, kube, 'v2', V2);
    const running = ['order-3', 'order-4', 'order-5', 'order-6', 'order-7', 'order-8'];
    for (const id of running) await startOrder(id);

    const delivery = await orderDeploymentSucceeded(system, V2, {
      dark: true,
      migratory: true,
      schedule: visibleSteps,
    });
    expect(delivery.status).toBe(202);

    await openRolloutTab(page, 'orders');
    await expect(page.getByText('Dark', { exact: true }).first()).toBeVisible();
    await expect(page.getByText(`Dark: only test traffic (isTest) reaches ${V2}`)).toBeVisible();
    // The split as routing makes it: every new workflow on v1, every test workflow on v2.
    await expect(page.getByRole('img', { name: `new workflows: ${V1} 100%` })).toBeVisible();
    await expect(page.getByRole('img', { name: `test workflows: ${V2} 100%` })).toBeVisible();
    await snap(page, '02-dark');

    // Test traffic reaches v2 once the signaler has seen the dark strategy; everyone else stays on v1.
    const testOrders = await startRoutedTo(orders, 'order-test', orderQueue(V2), { count: 3, isTest: true });
    for (const id of testOrders) expect(await orders.taskQueue(id)).toBe(orderQueue(V2));
    await startOrder('order-9');
    expect(await orders.taskQueue('order-9')).toBe(orderQueue(V1));
    running.push('order-9');

    await page.getByRole('button', { name: 'Promote' }).click();
    const seen = new Set<number>();
    // At a step, the split of new workflows: v2 its step's percentage, v1 the rest (read beside the step's bar).
    const splitsMatchingTheStep = new Set<string>();
    await expect
      .poll(
        async () => {
          const percent = await livePercentShown(page);
          if (percent !== undefined) seen.add(percent);
          if (percent !== undefined && percent > 0 && percent < 100) {
            const expected = `new workflows: ${V1} ${100 - percent}% · ${V2} ${percent}%`;
            if (await page.getByRole('img', { name: expected }).isVisible()) splitsMatchingTheStep.add(expected);
          }
          return [...seen].filter(p => p > 0 && p < 100).length;
        },
        { timeout: 90_000, intervals: [500] },
      )
      .toBeGreaterThanOrEqual(2);
    expect(splitsMatchingTheStep.size).toBeGreaterThanOrEqual(1);
    await snap(page, '03-rolling-out');
    await expectNoSeriousViolations(page, 'the Rollout tab during a rollout');

    await expect(page.getByTestId('migration')).toContainText(/[1-9]\d* signaled/, { timeout: 120_000 });
    // Who moved, of how many: the orders that were running on v1 (and any started there since).
    await expect(page.getByTestId('migration-counts')).toContainText(/^\d+ of \d+ moved \(\d+%\)/);
    await snap(page, '04-migrating');

    // Every running v1 order moved to v2 exactly once: two runs, the second on v2's queue.
    for (const id of running) {
      await expect.poll(() => orders.taskQueue(id), { timeout: 120_000 }).toBe(orderQueue(V2));
      expect(await orders.runs(id)).toBe(2);
    }
    await expect.poll(() => kube.versions('order'), { timeout: 120_000 }).toEqual([V2]);
    await expect
      .poll(async () => (await findVersionFlag(system.env, 'order', V1))?.archived, { timeout: 60_000 })
      .toBe(true);

    await expect.poll(() => orders.deploymentStatus('order', V2)).toBe('COMPLETED');
    await page.reload();
    await expect(page.getByText(`new workflows: ${V2} 100%`)).toBeVisible();
    const history = page.getByRole('row').filter({ hasText: V2 }).filter({ hasText: 'Completed' });
    await expect(history.first()).toBeVisible();
    await history
      .first()
      .getByRole('button', { name: /detail panel/i })
      .click();
    await expect(page.getByRole('list', { name: 'events' }).last().getByText(/promote\s+by user:default\/guest/)).toBeVisible();
    // Its chart: the live percentage from 0 to 100, marked where it was promoted.
    const chart = page.getByTestId('deployment-chart').last();
    await expect(chart).toHaveAttribute('aria-label', /^Live percentage over time, 0% to 100%; promote at /);
    await expect(chart.locator('[data-testid="chart-marker"][data-marker="promote"]')).toHaveCount(1);
    await chart.scrollIntoViewIfNeeded();
    await snap(page, '05-promoted-history');
    await system.kill(`order-${V1}`, 'SIGTERM');
  });

  test('3. fast-forward to 100%: the rollout stops itself, migration and cleanup finish, the deployment completes', async ({
    page,
    system,
    kube,
    orders,
    snap,
  }) => {
    await shipOrderWorker(system, kube, 'v2', V3);
    const running = ['order-10', 'order-11', 'order-12'];
    for (const id of running) await startOrder(id);

    await orderDeploymentSucceeded(system, V3, {
      migratory: true,
      schedule: heldAt(10),
    });
    await openRolloutTab(page, 'orders');
    await expect.poll(() => livePercentShown(page)).toBe(10);

    await page.getByRole('button', { name: 'Override' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Fast forward to 100%' }).click();
    await dialog.getByLabel('Reason').fill('hotfix must reach every order now');
    await expect(dialog.getByTestId('override-consequence')).toBeVisible();
    await snap(page, '06-override-dialog');
    await dialog.getByRole('button', { name: 'Set 100%' }).click();

    await expect(page.getByTestId('reason').first()).toHaveText(
      'fast-forwarded to 100% by user:default/guest: hotfix must reach every order now',
    );
    for (const id of running) {
      await expect.poll(() => orders.taskQueue(id), { timeout: 120_000 }).toBe(orderQueue(V3));
    }
    await expect.poll(() => kube.versions('order'), { timeout: 120_000 }).toEqual([V3]);
    await expect
      .poll(async () => (await findVersionFlag(system.env, 'order', V2))?.archived, { timeout: 60_000 })
      .toBe(true);
    await snap(page, '07-overridden');
    await system.kill(`order-${V2}`, 'SIGTERM');
  });

  test('4 and 7. abort with a deployment queued behind it: live back to 0%, nothing deleted, the queued one runs', async ({
    page,
    system,
    kube,
    orders,
    snap,
  }) => {
    await shipOrderWorker(system, kube, 'v2', V4);
    await shipOrderWorker(system, kube, 'v2', V5);
    const onV3 = Array.from({ length: 10 }, (_, i) => `order-${20 + i}`);
    for (const id of onV3) await startOrder(id);

    const first = await orderDeploymentSucceeded(system, V4, {
      migratory: true,
      schedule: heldAt(50),
    });
    expect(first.body.outcome).toBe('started');
    const second = await orderDeploymentSucceeded(system, V5, {
      dark: true,
      migratory: false,
      schedule: [
        { percent: 50, pauseMs: 3000 },
        { percent: 100, pauseMs: 0 },
      ],
    });
    expect(second.status).toBe(202);
    expect(second.body.outcome).toBe('queued');

    await openRolloutTab(page, 'orders');
    await expect(page.getByRole('list', { name: 'queued deployments' })).toContainText(`1. ${V5}`);
    await expect.poll(() => livePercentShown(page)).toBe(50);
    await snap(page, '08-queued');

    // At 50% about half of the running orders move to v4 before the abort.
    await expect.poll(() => orders.running(orderQueue(V4)), { timeout: 120_000 }).toBeGreaterThan(0);

    // Paused, the rollout says so on the Deployments page too (visibility alone says "Rolling out").
    await page.getByRole('button', { name: 'Pause' }).click();
    await expect(page.getByRole('button', { name: 'Resume' })).toBeVisible();
    await openApp(page, '/diachronic');
    const orderRow = page.getByRole('row').filter({ has: page.getByRole('link', { name: 'order', exact: true }) });
    await expect(orderRow.getByText('Rolling out (paused)')).toBeVisible();
    await expect(orderRow.getByTestId('running-detail')).toContainText('step 1/2');
    await snap(page, '08b-deployments-paused');
    await openRolloutTab(page, 'orders');

    await page.getByRole('button', { name: 'Abort' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Reason').fill('error rate doubled on v4');
    await dialog.getByRole('button', { name: 'Abort' }).click();

    const aborted = page.getByRole('row').filter({ hasText: V4 }).filter({ hasText: 'Aborted' });
    await expect(aborted.first()).toBeVisible({ timeout: 90_000 });
    await snap(page, '09-aborted');

    // Migrated orders stay on v4; nothing of v3 or v4 was deleted.
    const migrated: string[] = [];
    for (const id of onV3) if ((await orders.taskQueue(id)) === orderQueue(V4)) migrated.push(id);
    expect(migrated.length).toBeGreaterThan(0);
    expect(await kube.versions('order')).toEqual(expect.arrayContaining([V3, V4]));

    // v4 takes no new workflow any more: v3 takes them all, as the split and the Versions table say.
    await expect(page.getByRole('progressbar', { name: `share of new workflows of ${V4}` })).toHaveAttribute(
      'aria-valuenow',
      '0',
    );
    await expect(page.getByText(`new workflows: ${V3} 100%`)).toBeVisible();

    // The queued deployment runs next, from v3 (an aborted version is never the previous one). It waits
    // dark, so new starts go to the old version meanwhile.
    await expect(page.getByText(`Dark: only test traffic (isTest) reaches ${V5}`)).toBeVisible();
    const whileDark = await startRoutedTo(orders, 'order-after-abort', orderQueue(V3), {
      count: 3,
      probeBucket: 1,
    });
    for (const id of whileDark) expect(await orders.taskQueue(id)).toBe(orderQueue(V3));

    // Promoted, it rolls out; it is nonmigratory, so v3 stays until its last order ends.
    await page.getByRole('button', { name: 'Promote' }).click();
    await expect.poll(() => orders.deploymentStatus('order', V5), { timeout: 180_000 }).toBe('COMPLETED');
    const afterRollout = await startRoutedTo(orders, 'order-v5', orderQueue(V5), { count: 3 });
    for (const id of afterRollout) expect(await orders.taskQueue(id)).toBe(orderQueue(V5));
    expect(await kube.versions('order')).toContain(V3);
  });

  test('5. nonmigratory: the cleanup removes v3 when its last order ends', async ({
    system,
    kube,
    orders,
    page,
    snap,
  }) => {
    // v5 did not migrate anything: what v4 did not take before the abort still runs on v3, and v3 stays.
    const stillOnV3 = await orders.runningIds(orderQueue(V3));
    expect(stillOnV3.length).toBeGreaterThan(0);
    await new Promise(r => setTimeout(r, 5000));
    expect(await kube.versions('order')).toContain(V3);
    for (const id of stillOnV3) await orders.ship(id);
    await expect.poll(() => orders.running(orderQueue(V3)), { timeout: 60_000 }).toBe(0);
    await expect.poll(() => kube.versions('order'), { timeout: 120_000 }).not.toContain(V3);
    await expect
      .poll(async () => (await findVersionFlag(system.env, 'order', V3))?.archived, { timeout: 60_000 })
      .toBe(true);
    await openApp(page, '/diachronic');
    await expect(page.getByRole('link', { name: 'order', exact: true })).toBeVisible();
    // The aborted v4 stays in sight under the family's latest deployment, with why it ended.
    const orderRow = page.getByRole('row').filter({ has: page.getByRole('link', { name: 'order', exact: true }) });
    const abortedV4 = orderRow.getByTestId('recent-ended').filter({ hasText: `aborted ${V4}` });
    await expect(abortedV4).toHaveAttribute('title', /error rate doubled on v4/);
    await snap(page, '10-deployments-page');
    await expectNoSeriousViolations(page, 'the Deployments page');
  });
});
