/**
 * Scenario 10, last: two browser tabs on the same Rollout tab. What an operator does in one shows in the
 * other by the backend's push (signals), not by polling: with signals installed, a live tab polls only
 * every 30 s, so the other tab updating within 2 s is the push. The latencies are printed.
 */
import { expect, livePercentShown, openRolloutTab, test } from '../support/fixtures';
import { orderDeploymentSucceeded, shipOrderWorker } from '../support/orderFamily';

const V14 = 'f14f14f';

test('10. live: a promote and an abort in one tab show in the other within 2 s, pushed', async ({
  page,
  context,
  system,
  kube,
  snap,
}) => {
  await shipOrderWorker(system, kube, 'v2', V14);
  const delivery = await orderDeploymentSucceeded(system, V14, {
    dark: true,
    migratory: false,
    schedule: [
      { percent: 50, pauseMs: 600_000 },
      { percent: 100, pauseMs: 0 },
    ],
  });
  expect(delivery.status).toBe(202);

  const operator = page;
  const watcher = await context.newPage();
  await openRolloutTab(operator, 'orders');
  await openRolloutTab(watcher, 'orders');
  await expect(operator.getByRole('button', { name: 'Promote' })).toBeEnabled({ timeout: 60_000 });
  await expect(watcher.getByText('Dark', { exact: true }).first()).toBeVisible();

  const promotedAt = Date.now();
  await operator.getByRole('button', { name: 'Promote' }).click();
  await expect.poll(() => livePercentShown(watcher), { timeout: 10_000, intervals: [50] }).toBe(50);
  const promoteLatency = Date.now() - promotedAt;

  await operator.getByRole('button', { name: 'Abort' }).click();
  const dialog = operator.getByRole('dialog');
  await dialog.getByLabel('Reason').fill('watching from two tabs');
  const abortedAt = Date.now();
  await dialog.getByRole('button', { name: 'Abort' }).click();
  const aborted = watcher.getByRole('row').filter({ hasText: V14 }).filter({ hasText: 'Aborted' });
  await expect(aborted.first()).toBeVisible({ timeout: 10_000 });
  const abortLatency = Date.now() - abortedAt;

  console.log(`push latency to the other tab: promote ${promoteLatency} ms, abort ${abortLatency} ms`);
  expect(promoteLatency).toBeLessThan(2000);
  expect(abortLatency).toBeLessThan(2000);
  await snap(watcher, '19-live-other-tab');
});
