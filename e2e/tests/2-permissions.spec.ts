/**
 * Scenario 6: the guest belongs to team-orders, so it may read billing's rollouts but not act on them; the
 * buttons say why, and the server refuses a call made without the UI.
 */
import { expect, openRolloutTab, test } from '../support/fixtures';
import { diachronicApi, guestToken } from '../support/backstage';
import { sendDeploymentStatus, shaFor } from '../support/github';

const REPOSITORY = 'diachronic-ci/billing';
const I1 = '1a1a1a1';
const I2 = '2b2b2b2';

test('6. permissions: a non-owner sees the tab, the actions are disabled with the reason, a forged call gets 403', async ({
  page,
  system,
  snap,
}) => {
  const secret = system.env.GITHUB_WEBHOOK_SECRET;
  expect(
    (
      await sendDeploymentStatus(secret, {
        repository: REPOSITORY,
        sha: shaFor(I1),
        family: 'invoice',
      })
    ).status,
  ).toBe(202);
  await openRolloutTab(page, 'billing');
  await expect(page.getByText(`new workflows: ${I1} 100%`)).toBeVisible();
  expect(
    (
      await sendDeploymentStatus(secret, {
        repository: REPOSITORY,
        sha: shaFor(I2),
        family: 'invoice',
        dark: true,
      })
    ).status,
  ).toBe(202);

  await expect(page.getByText(`Dark: only test traffic (isTest) reaches ${I2}`)).toBeVisible();
  const promote = page.getByRole('button', { name: 'Promote' });
  await expect(promote).toBeDisabled();
  await expect(page.getByRole('button', { name: 'Abort' })).toBeDisabled();
  await promote.locator('xpath=..').hover();
  await expect(page.getByRole('tooltip')).toHaveText(
    'You lack the permission diachronic.deployment.promote on this entity.',
  );
  await snap(page, '11-not-owner');

  const token = await guestToken();
  const deployment = `/entity/default/component/billing/families/invoice/deployments/${I2}`;
  const forged = await diachronicApi(token, 'POST', `${deployment}/promote`, {});
  expect(forged.status).toBe(403);
  expect(JSON.stringify(forged.body)).toContain('diachronic.deployment.promote');
  const state = await diachronicApi(token, 'GET', deployment);
  expect(state.status).toBe(200);
  expect(state.body.phase).toBe('dark');

  // The same user may act on what it owns: the orders entity allows promote (the story clicks it).
  const ownRead = await diachronicApi(token, 'GET', '/entity/default/component/orders/families');
  expect(ownRead.status).toBe(200);
});
