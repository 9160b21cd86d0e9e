/*
 * The model page benchmark in the browser (scripts/model-page-benchmark.sh runs it): the
 * portal started on a registry seeded with 1,000 models × 100 versions. Not part of `make
 * test`; it prints figures (and writes them to test-output/model-page-bench/results.json).
 * Unlike the browser tests it runs the portal on the default ports, 7007 and 3000
 * (packages/app/e2e-bench reads the backend at localhost:7007).
 */
import { defineConfig } from '@playwright/test';
import base from './playwright.config';
import path from 'node:path';

export default defineConfig({
  ...base,
  timeout: 600_000,
  reporter: [['list']],
  outputDir: 'test-output/model-page-bench/results',
  use: { ...base.use, baseURL: 'http://localhost:3000' },
  webServer: [
    {
      command: 'yarn start backend',
      url: 'http://localhost:7007/.backstage/health/v1/readiness',
      reuseExistingServer: false,
      timeout: 600_000,
      stdout: 'pipe',
    },
    {
      command: 'yarn start app',
      url: 'http://localhost:3000',
      reuseExistingServer: false,
      timeout: 600_000,
    },
  ],
  projects: [
    {
      name: 'bench',
      testDir: path.resolve(__dirname, 'packages/app/e2e-bench'),
      testMatch: /.*\.bench\.ts/,
    },
  ],
});
