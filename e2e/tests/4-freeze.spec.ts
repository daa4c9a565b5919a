/**
 * Scenario 9, after the drills: an operator freezes the order family in the Rollout tab; a GitHub
 * deployment that arrives meanwhile waits, saying why; lifted in the tab, it runs.
 */
import { expect, openRolloutTab, test } from '../support/fixtures';
import { orderDeploymentSucceeded, shipOrderWorker } from '../support/orderFamily';

const V12 = 'f12f12f';

test('9. a freeze set and lifted in the browser: a deployment requested meanwhile waits, then runs', async ({
  page,
  system,
  kube,
  orders,
  snap,
}) => {
  await shipOrderWorker(system, kube, 'v2', V12);
  await openRolloutTab(page, 'orders');
  await page.getByRole('button', { name: 'Freeze' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByLabel('Reason').fill('payments incident');
  await dialog.getByRole('button', { name: 'Freeze order' }).click();
  await expect(page.getByText(/Frozen by user:default\/guest: payments incident · until unfrozen/)).toBeVisible();

  const delivery = await orderDeploymentSucceeded(system, V12, { migratory: false, schedule: [{ percent: 100, pauseMs: 0 }] });
  expect(delivery.status).toBe(202);
  expect(delivery.body).toMatchObject({ outcome: 'queued', reason: 'frozen by user:default/guest (this family): payments incident' });
  await expect(page.getByRole('list', { name: 'queued deployments' })).toContainText(`1. ${V12}`, { timeout: 30_000 });
  await snap(page, '18-frozen');

  await page.getByRole('button', { name: 'Unfreeze' }).click();
  await expect(page.getByText(/Frozen by/)).toBeHidden({ timeout: 30_000 });
  await expect.poll(() => orders.deploymentStatus('order', V12), { timeout: 120_000 }).toBe('COMPLETED');
});
