import { defineConfig } from '@playwright/test';
import { E2E } from './e2e/env';

/**
 * End-to-end tests in a real Chromium (Debian's `chromium` package) against the real backend and
 * the production build of this app, both started by e2e/global-setup.ts on their own database.
 */
export default defineConfig({
  testDir: './e2e',
  outputDir: './e2e/.artifacts',
  globalSetup: './e2e/global-setup.ts',
  timeout: 90_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: true,
  reporter: [['list']],
  use: {
    baseURL: E2E.appUrl,
    browserName: 'chromium',
    viewport: { width: 1280, height: 800 },
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    },
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
});
