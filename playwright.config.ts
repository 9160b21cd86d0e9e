/*
 * Browser tests: headless Chromium from the machine (Debian's `chromium` package),
 * driven through Playwright without downloading a browser. `scripts/e2e.sh` runs this.
 * The backend (:7007, SQLite, example data) and the frontend dev server (:3000) are
 * started here and stopped afterwards; screenshots land in test-output/e2e/screenshots.
 */
import { defineConfig } from '@playwright/test';
import path from 'node:path';

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export default defineConfig({
  timeout: 120_000,
  expect: { timeout: 30_000 },
  forbidOnly: !!process.env.CI,
  retries: 0,
  workers: 1,
  reporter: [
    ['list'],
    ['html', { open: 'never', outputFolder: 'test-output/e2e/report' }],
  ],
  outputDir: 'test-output/e2e/results',

  webServer: [
    {
      command: 'yarn start backend',
      url: 'http://localhost:7007/.backstage/health/v1/readiness',
      reuseExistingServer: !process.env.CI,
      timeout: 300_000,
      stdout: 'pipe',
      // Projects created by the "New ML model" template in the browser tests go here
      // (removed with test-output/e2e at the start of each run), not to ./published-models.
      env: {
        APP_CONFIG_modelRegistry_scaffolder_localPublish_directory:
          path.resolve(__dirname, 'test-output/e2e/published-models'),
      },
    },
    {
      command: 'yarn start app',
      url: 'http://localhost:3000',
      reuseExistingServer: !process.env.CI,
      timeout: 600_000,
    },
  ],

  use: {
    baseURL: process.env.PLAYWRIGHT_URL ?? 'http://localhost:3000',
    actionTimeout: 30_000,
    navigationTimeout: 60_000,
    screenshot: 'only-on-failure',
    viewport: { width: 1440, height: 900 },
    launchOptions: {
      executablePath: chromium,
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

  projects: [
    {
      name: 'app',
      testDir: path.resolve(__dirname, 'packages/app/e2e-tests'),
    },
  ],
});
