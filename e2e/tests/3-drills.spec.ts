/**
 * Scenario 8, the fault drills, after the story has left v5 live: the Diachronic worker killed in the middle
 * of a migration, Unleash down for 30 s in the middle of a rollout, and a forged webhook.
 */
import { Client } from '@temporalio/client';
import { expect, livePercentShown, openRolloutTab, test } from '../support/fixtures';
import { sendDeploymentStatus, shaFor, type RolloutStep } from '../support/github';
import { startOrder, startRoutedTo } from '../support/orders';

const REPOSITORY = 'diachronic-ci/orders';
const V5 = 'e555555';
const V6 = 'f666666';
const V7 = 'a7a7a7a';
const queueOf = (versionId: string) => `order@${versionId}`;
const steps: RolloutStep[] = [
  { percent: 25, pauseMs: 6000 },
  { percent: 50, pauseMs: 6000 },
  { percent: 75, pauseMs: 6000 },
  { percent: 100, pauseMs: 0 },
];

test.describe.serial('fault drills', () => {
  test('8a. the Diachronic worker killed mid-migration: every order migrates exactly once', async ({
    page,
    system,
    kube,
    orders,
    snap,
  }) => {
    const onV5 = await startRoutedTo(orders, 'drill-worker', queueOf(V5), { count: 20 });
    await kube.create('order', V6);
    await system.startOrderWorker('v2', V6);
    await sendDeploymentStatus(system.env.GITHUB_WEBHOOK_SECRET, {
      repository: REPOSITORY,
      sha: shaFor(V6),
      family: 'order',
      migratory: true,
      schedule: steps,
    });
    await openRolloutTab(page, 'orders');
    await expect(page.getByTestId('migration')).toContainText(/[1-9]\d* signaled/, { timeout: 120_000 });
    expect(await orders.running(queueOf(V5))).toBeGreaterThan(0);

    await system.kill('worker', 'SIGKILL');
    await new Promise(r => setTimeout(r, 5000));
    await system.restart('worker');

    for (const id of onV5) {
      await expect.poll(() => orders.taskQueue(id), { timeout: 180_000 }).toBe(queueOf(V6));
      expect(await orders.migrateSignals(id)).toBe(1);
    }
    await expect.poll(() => orders.running(queueOf(V5)), { timeout: 60_000 }).toBe(0);
    await expect.poll(() => kube.versions('order'), { timeout: 120_000 }).not.toContain(V5);
    await snap(page, '12-worker-restarted');
  });

  test('8b. Unleash down for 30 s mid-rollout: the rollout waits, then resumes and completes', async ({
    page,
    system,
    kube,
    orders,
    snap,
  }) => {
    await kube.create('order', V7);
    await system.startOrderWorker('v2', V7);
    await sendDeploymentStatus(system.env.GITHUB_WEBHOOK_SECRET, {
      repository: REPOSITORY,
      sha: shaFor(V7),
      family: 'order',
      migratory: true,
      schedule: steps,
    });
    await openRolloutTab(page, 'orders');
    await expect.poll(() => livePercentShown(page), { timeout: 60_000 }).toBe(25);

    await system.stopService('unleash');
    await new Promise(r => setTimeout(r, 30_000));
    await system.startService('unleash');

    await page.reload();
    await expect(page.getByText(new RegExp(`current version ${V7} \\(#\\d+\\)`))).toBeVisible({ timeout: 180_000 });
    const client = new Client({ connection: await system.temporal(), namespace: system.env.TEMPORAL_NAMESPACE });
    const deployment = await client.workflow.getHandle(`diachronic/order/${V7}`).describe();
    expect(deployment.status.name).toBe('COMPLETED');
    await expect.poll(() => kube.versions('order'), { timeout: 120_000 }).toEqual([V7]);
    const after = await startRoutedTo(orders, 'drill-unleash', queueOf(V7), { count: 2 });
    for (const id of after) expect(await orders.taskQueue(id)).toBe(queueOf(V7));
    await snap(page, '13-unleash-restarted');
  });

  test('8c. a forged webhook: 401, nothing started', async ({ system, orders }) => {
    const forged = await sendDeploymentStatus(
      system.env.GITHUB_WEBHOOK_SECRET,
      { repository: REPOSITORY, sha: shaFor('bad0bad'), family: 'order' },
      { forgedSignature: true },
    );
    expect(forged.status).toBe(401);
    const client = new Client({ connection: await system.temporal(), namespace: system.env.TEMPORAL_NAMESPACE });
    const { count } = await client.workflow.count(`DiachronicVersionId = 'bad0bad'`);
    expect(count).toBe(0);
    await startOrder('drill-after-forgery');
    expect(await orders.taskQueue('drill-after-forgery')).toBe(queueOf(V7));
  });
});
