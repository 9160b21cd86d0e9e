import { expect, test } from '@playwright/test';
import {
  openTab,
  screenshot,
  signInAsExampleUser,
  signInAsGuest,
} from './helpers';

// Alice is in risk-ml, the owner of fraud-detector, but not in platform-ml: the example policy
// lets her stage and archive its versions and set aliases, not promote to production.
// (Runs before the guest's promotion below, while version 5 is in staging.)
test('a user who may not promote to production sees that control disabled, with the reason', async ({
  page,
}) => {
  await signInAsExampleUser(page, 'Alice Risk');
  await page.goto('/catalog/default/mlmodel/fraud-detector');
  await openTab(page, 'Versions');
  const row5 = page.getByTestId('version-row-5');
  await expect(row5.getByText('staging')).toBeVisible();

  const promote = row5.getByRole('button', { name: 'Promote to production' });
  await expect(promote).toBeDisabled();
  await expect(
    row5.getByLabel(
      'Promote to production: You are not allowed to promote versions of Fraud detector to production.',
    ),
  ).toBeVisible();
  // the reason is also the tooltip of the disabled control
  await row5
    .getByLabel(
      'Promote to production: You are not allowed to promote versions of Fraud detector to production.',
    )
    .hover();
  await expect(
    page
      .getByRole('tooltip')
      .getByText(
        'You are not allowed to promote versions of Fraud detector to production.',
      ),
  ).toBeVisible();
  // ...while what an owner may do stays enabled.
  await expect(row5.getByRole('button', { name: 'Archive' })).toBeEnabled();
  await expect(row5.getByRole('button', { name: 'Set alias' })).toBeEnabled();
  await screenshot(page, '04b-versions-as-owner-not-allowed-to-promote');

  // Signed in as Alice on reload too (the example sign-in page keeps the choice).
  await page.reload();
  await expect(
    page.getByTestId('version-row-5').getByText('staging'),
  ).toBeVisible();
});

// The guest is a member of platform-ml (examples/org.yaml): the example policy lets it
// promote any model to production, but only the owners of fraud-detector (risk-ml) may
// move its versions to other stages or set its aliases.
test('the model page: card, versions, permission-gated promotion, history, lineage, metrics', async ({
  page,
}) => {
  await signInAsGuest(page);

  const started = Date.now();
  await page.goto('/catalog/default/mlmodel/fraud-detector');
  const card = page
    .locator('article, [class*=MuiCard]')
    .filter({ hasText: 'Model card' })
    .first();
  await expect(card.getByText('Intended use')).toBeVisible();
  await expect(card.getByText('v4', { exact: true })).toBeVisible();
  const cardMs = Date.now() - started;
  await screenshot(page, '03-model-card');

  const versionsStarted = Date.now();
  await openTab(page, 'Versions');
  const row5 = page.getByTestId('version-row-5');
  await expect(row5.getByText('staging')).toBeVisible();
  const versionsMs = Date.now() - versionsStarted;
  // eslint-disable-next-line no-console
  console.log(
    `[timing] model card ${cardMs} ms after navigation; first page of versions ${versionsMs} ms after opening the tab`,
  );

  // Not an owner: the stage controls are disabled and say why.
  await expect(
    row5.getByLabel(
      'Archive: You are not allowed to change the stage of versions of Fraud detector.',
    ),
  ).toBeVisible();
  await expect(row5.getByRole('button', { name: 'Archive' })).toBeDisabled();
  await screenshot(page, '04-versions');

  // A platform member: promote the staging version to production.
  const promote = row5.getByRole('button', { name: 'Promote to production' });
  await expect(promote).toBeEnabled();
  await promote.click();
  const dialog = page.getByRole('dialog');
  await expect(
    dialog.getByText(
      'Version 4 is in production now; it will be moved to archived in the same step.',
    ),
  ).toBeVisible();
  await dialog.getByLabel('Comment').fill('Recall +2 pt on the November set');
  await screenshot(page, '05-promotion-dialog');
  await dialog.getByRole('button', { name: 'Confirm' }).click();
  await expect(dialog).toBeHidden();
  await expect(row5.getByText('production')).toBeVisible();
  await expect(
    page.getByTestId('version-row-4').getByText('archived'),
  ).toBeVisible();
  await screenshot(page, '06-versions-after-promotion');

  await openTab(page, 'History');
  await expect(
    page.getByText(/promoted version 5 from staging to production/).first(),
  ).toBeVisible();
  await expect(
    page.getByText(/Recall \+2 pt on the November set/).first(),
  ).toBeVisible();
  await screenshot(page, '07-history');

  await openTab(page, 'Lineage');
  // The graph is laid out after its nodes are measured and shown when settled: wait for a node
  // of the graph itself, then for the node table under it.
  await expect(
    page
      .locator('svg#dependency-graph')
      .getByRole('link', { name: /^card-transactions/ }),
  ).toBeVisible();
  await expect(
    page
      .getByRole('table', { name: 'Lineage nodes' })
      .getByText(/card-transactions/),
  ).toBeVisible();
  await screenshot(page, '08-lineage');

  await openTab(page, 'Metrics');
  await expect(page.getByRole('img', { name: /auc/i }).first()).toBeVisible();
  await screenshot(page, '09-metrics');
});

test('the Models page and the ML models card on a service', async ({
  page,
}) => {
  await signInAsGuest(page);
  await page.goto('/models');
  await expect(
    page.getByRole('link', { name: /Fraud detector/ }).first(),
  ).toBeVisible();
  await expect(
    page.getByRole('link', { name: /Support assistant/ }).first(),
  ).toBeVisible();
  await screenshot(page, '10-models-page');

  await page.goto('/catalog/default/component/search-service');
  const card = page
    .locator('article, [class*=MuiCard]')
    .filter({ hasText: 'ML models' })
    .first();
  await expect(card.getByText(/Query embedder/).first()).toBeVisible();
  await expect(card.getByText(/Product ranker/).first()).toBeVisible();
  await screenshot(page, '11-component-ml-models-card');
});
