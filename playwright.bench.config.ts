/*
 * The model page benchmark in the browser (scripts/model-page-benchmark.sh runs it): the
 * portal started on a registry seeded with 1,000 models × 100 versions. Not part of `make
 * test`; it prints figures (and writes them to test-output/model-page-bench/results.json).
 * Unlike the browser tests it runs the portal on the default ports, 7007 and 3000
 * (packages/app/e2e-bench reads the backend at localhost:7007).
 *
 * BENCH_TARGET=production (the default): the app built for production (packages/app/dist,
 * which the script builds) served by the backend at :7007, as Backstage is deployed.
 * BENCH_TARGET=dev: the development servers (`yarn start app` on :3000 next to the backend).
 */
import { defineConfig } from '@playwright/test';
import base from './playwright.config';
import path from 'node:path';

const production = (process.env.BENCH_TARGET ?? 'production') === 'production';
const backend = 'http://localhost:7007';

export default defineConfig({
  ...base,
  timeout: 600_000,
  reporter: [['list']],
  outputDir: 'test-output/model-page-bench/results',
  use: { ...base.use, baseURL: production ? backend : 'http://localhost:3000' },
  webServer: [
    {
      command: 'yarn start backend',
      url: `${backend}/.backstage/health/v1/readiness`,
      reuseExistingServer: false,
      timeout: 600_000,
      stdout: 'pipe',
      // Served by the backend, the app's base URL is the backend's.
      env: production ? { APP_CONFIG_app_baseUrl: backend } : {},
    },
    ...(production
      ? []
      : [
          {
            command: 'yarn start app',
            url: 'http://localhost:3000',
            reuseExistingServer: false,
            timeout: 600_000,
          },
        ]),
  ],
  projects: [
    {
      name: 'bench',
      testDir: path.resolve(__dirname, 'packages/app/e2e-bench'),
      testMatch: /.*\.bench\.ts/,
    },
  ],
});
