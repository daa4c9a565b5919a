import { defineConfig } from '@playwright/test';

/**
 * One worker, scenarios in file order: they share one running system and the example family's history.
 * Chromium is Debian's (`apt-get install chromium`); Playwright's own browsers cannot be downloaded here.
 */
export default defineConfig({
  testDir: './tests',
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 6 * 60_000,
  expect: { timeout: 60_000 },
  outputDir: './test-results/artifacts',
  reporter: [['list'], ['./support/timings-reporter.ts']],
  use: {
    viewport: { width: 1440, height: 1000 },
    actionTimeout: 60_000,
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
});
