/**
 * Scenario 11, after the others: a version deployed without its worker. Routing already sends it test
 * traffic (dark), but no worker polls its task queue: the Versions table raises the alarm, and a version
 * whose worker runs does not.
 */
import { expect, openRolloutTab, test } from '../support/fixtures';
import { diachronicApi, guestToken } from '../support/backstage';
import { orderDeploymentSucceeded, shipOrderWorker } from '../support/orderFamily';

const V15 = 'f15f15f';
const V16 = 'f16f16f';

test('11. worker health: a version that routing uses and no worker polls is flagged "no worker"', async ({
  page,
  system,
  kube,
  orders,
  snap,
}) => {
  // A version live with its worker first (so the scenario also runs alone).
  await shipOrderWorker(system, kube, 'v2', V16);
  expect((await orderDeploymentSucceeded(system, V16, { migratory: false, schedule: [{ percent: 100, pauseMs: 0 }] })).status).toBe(202);
  await expect.poll(() => orders.deploymentStatus('order', V16), { timeout: 120_000 }).toBe('COMPLETED');

  // Deployed dark, its worker never shipped: the flag exists and takes the test traffic.
  const delivery = await orderDeploymentSucceeded(system, V15, { dark: true, migratory: false });
  expect(delivery.status).toBe(202);
  await openRolloutTab(page, 'orders');
  const alarm = page.getByTestId(`no-worker-${V15}`);
  await expect(alarm).toBeVisible({ timeout: 60_000 });
  await expect(page.getByRole('img', { name: `test workflows: ${V15} 100%` })).toBeVisible();
  // The live version's worker polls: no alarm on it.
  await expect(page.getByRole('row').filter({ hasText: V16 }).filter({ hasText: /\d+ polling/ }).first()).toBeVisible();
  await expect(page.locator('[data-testid^="no-worker-"]')).toHaveCount(1);
  await snap(page, '21-no-worker');

  // Leave nothing behind: the deployment is aborted.
  const token = await guestToken();
  const { status } = await diachronicApi(token, 'POST', `/entity/default/component/orders/families/order/deployments/${V15}/abort`, {
    reason: 'no worker was shipped',
  });
  expect(status).toBe(200);
});
