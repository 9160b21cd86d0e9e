/*
 * Browser tests: headless Chromium from the machine (Debian's `chromium` package),
 * driven through Playwright without downloading a browser. `scripts/e2e.sh` runs this.
 * The backend (SQLite, example data) and the frontend dev server are started here on ports
 * of their own (7307 and 3307; E2E_BACKEND_PORT, E2E_APP_PORT), so that the tests run while
 * `make start` holds 7007 and 3000, and stopped afterwards; screenshots land in
 * test-output/e2e/screenshots.
 */
import { defineConfig } from '@playwright/test';
import path from 'node:path';

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const backendPort = Number(process.env.E2E_BACKEND_PORT ?? 7307);
const appPort = Number(process.env.E2E_APP_PORT ?? 3307);
const backendBaseUrl = `http://localhost:${backendPort}`;
const appBaseUrl = `http://localhost:${appPort}`;

// Config from the environment overrides app-config.yaml in both processes. The frontend dev
// server listens on the port of app.baseUrl; the backend's CORS must allow that origin.
const portalConfig = {
  APP_CONFIG_app_baseUrl: appBaseUrl,
  APP_CONFIG_backend_baseUrl: backendBaseUrl,
  APP_CONFIG_backend_listen_port: String(backendPort),
  APP_CONFIG_backend_cors_origin: appBaseUrl,
};

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
      url: `${backendBaseUrl}/.backstage/health/v1/readiness`,
      // Outside CI a portal that an earlier run left on these ports is reused; never
      // make start's, which listens on other ports.
      reuseExistingServer: !process.env.CI,
      timeout: 300_000,
      stdout: 'pipe',
      // Projects created by the "New ML model" template in the browser tests go here
      // (removed with test-output/e2e at the start of each run), not to ./published-models.
      env: {
        ...portalConfig,
        APP_CONFIG_modelRegistry_scaffolder_localPublish_directory:
          path.resolve(__dirname, 'test-output/e2e/published-models'),
      },
    },
    {
      command: 'yarn start app',
      url: appBaseUrl,
      reuseExistingServer: !process.env.CI,
      timeout: 600_000,
      env: portalConfig,
    },
  ],

  use: {
    baseURL: appBaseUrl,
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
