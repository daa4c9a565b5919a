/**
 * Playwright fixtures: the whole system, started once per worker process (the scenarios run in one worker,
 * in order), a signed-in page, and helpers for what the tests read from the real systems.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test as base, expect, type Page } from '@playwright/test';
import { KubeDeployments } from './kube';
import { Orders } from './orders';
import { DiachronicSystem, rootDir } from './system';
import { APP_URL } from './urls';

export const screenshotDir = join(rootDir, 'e2e', 'screenshots');

interface WorkerFixtures {
  system: DiachronicSystem;
  kube: KubeDeployments;
  orders: Orders;
}

interface TestFixtures {
  /** Saves a screenshot of the page under e2e/screenshots/<name>.png. */
  snap: (page: Page, name: string) => Promise<void>;
}

export const test = base.extend<TestFixtures, WorkerFixtures>({
  system: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const system = await DiachronicSystem.start();
      try {
        await use(system);
      } finally {
        await system.stop();
      }
    },
    { scope: 'worker', timeout: 15 * 60_000 },
  ],
  kube: [
    async ({ system }, use) => {
      const kube = new KubeDeployments(system.env.KUBECONFIG, system.env.DIACHRONIC_KUBE_NAMESPACE);
      await kube.ensureNamespace();
      await use(kube);
    },
    { scope: 'worker' },
  ],
  orders: [
    async ({ system }, use) => {
      await use(new Orders(await system.temporal(), system.env.TEMPORAL_NAMESPACE));
    },
    { scope: 'worker' },
  ],
  snap: async ({}, use) => {
    mkdirSync(screenshotDir, { recursive: true });
    // Each at the browser's width (1440) and at 1024, where a laptop's half screen shows the page.
    await use(async (page, name) => {
      await page.screenshot({ path: join(screenshotDir, `${name}.png`), fullPage: true });
      const viewport = page.viewportSize();
      if (!viewport) return;
      await page.setViewportSize({ width: 1024, height: viewport.height });
      try {
        await page.screenshot({ path: join(screenshotDir, `${name}-1024.png`), fullPage: true });
      } finally {
        await page.setViewportSize(viewport);
      }
    });
  },
});

export { expect };

/** Opens a page of the app, signing in as the guest (`user:default/guest`, member of team-orders). */
export async function openApp(page: Page, path: string): Promise<void> {
  await page.goto(`${APP_URL}${path}`);
  const enter = page.getByRole('button', { name: 'Enter' });
  const signedIn = page.getByTestId('sidebar-root').getByRole('link', { name: 'Deployments' });
  await expect(enter.or(signedIn).first()).toBeVisible({ timeout: 60_000 });
  if (await enter.isVisible()) await enter.click();
  await expect(signedIn).toBeVisible();
}

/** The Rollout tab of a catalog component. */
export async function openRolloutTab(page: Page, component: string): Promise<void> {
  await openApp(page, `/catalog/default/component/${component}/rollout`);
  await expect(page.getByText(/^Family /).first()).toBeVisible({
    timeout: 60_000,
  });
}

/** The live percentage the running deployment's progress bar shows. */
export async function livePercentShown(page: Page): Promise<number | undefined> {
  const bar = page.getByRole('progressbar', {
    name: 'live percentage',
    exact: true,
  });
  if (!(await bar.isVisible())) return undefined;
  return Number(await bar.getAttribute('aria-valuenow'));
}
