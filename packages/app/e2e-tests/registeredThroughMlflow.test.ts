import { expect, test } from '@playwright/test';
import { openTab, screenshot, signInAsGuest } from './helpers';

const backend = `http://localhost:${process.env.E2E_BACKEND_PORT ?? 7307}`;
// The static token of app-config.yaml (a service, as a pipeline's token is).
const token = 'local-dev-token-for-curl';

// A pipeline registers through the MLflow API (the wire calls of MlflowClient, which the
// Python suite makes with the real client); the portal's model page shows the same data.
test('a model registered through the MLflow API on its model page: card, versions, stage, alias', async ({
  page,
  request,
}) => {
  const name = `mlflow-e2e-${Date.now().toString(36)}`;
  const mlflow = async (path: string, data: Record<string, unknown>) => {
    const response = await request.post(
      `${backend}/api/model-registry/mlflow/api/2.0/mlflow/${path}`,
      { data, headers: { Authorization: `Bearer ${token}` } },
    );
    expect(response.status(), `${path}: ${await response.text()}`).toBe(200);
    return response.json();
  };
  await mlflow('registered-models/create', {
    name,
    description: 'Registered by a training pipeline through MLflow',
    tags: [{ key: 'backstage.io/owner', value: 'group:default/risk-ml' }],
  });
  for (const run of ['a1', 'b2']) {
    await mlflow('model-versions/create', {
      name,
      source: `s3://ml-artifacts/${name}/${run}`,
      run_id: `run-${run}`,
    });
  }
  await mlflow('registered-models/alias', {
    name,
    alias: 'champion',
    version: '2',
  });
  await mlflow('model-versions/transition-stage', {
    name,
    version: '2',
    stage: 'Staging',
    archive_existing_versions: false,
  });

  await signInAsGuest(page);
  await page.goto(`/catalog/default/mlmodel/${name}`);
  const card = page
    .locator('article, [class*=MuiCard]')
    .filter({ hasText: 'Model card' })
    .first();
  await expect(card.getByText('champion → v2')).toBeVisible();
  await expect(
    page.getByText('Registered by a training pipeline through MLflow').first(),
  ).toBeVisible();
  await screenshot(page, '10-mlflow-model-card');

  await openTab(page, 'Versions');
  const row2 = page.getByTestId('version-row-2');
  await expect(row2.getByText('staging')).toBeVisible();
  await expect(row2.getByText('champion')).toBeVisible();
  await expect(page.getByTestId('version-row-1')).toBeVisible();
  await screenshot(page, '11-mlflow-model-versions');
});
