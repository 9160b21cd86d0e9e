import { expect, test } from '@playwright/test';
import {
  openTab,
  screenshot,
  signInAsExampleUser,
  signInAsGuest,
} from './helpers';

// Governed promotion in the example portal (app-config.yaml): production needs one approval
// by someone other than the requester; the example policy lets the owners (risk-ml, Alice)
// request and the platform group (Carol) approve. Alice requests v5 with the protected
// champion alias; Carol sees a notification and the request on the Promotion requests page
// and approves; Alice's open page turns v5 into production without a reload (signals).
test('governed promotion: Alice requests, Carol approves, Alice sees production live', async ({
  browser,
}) => {
  const alice = await (await browser.newContext()).newPage();
  await signInAsExampleUser(alice, 'Alice Risk');
  await alice.goto('/catalog/default/mlmodel/fraud-detector');
  await openTab(alice, 'Versions');
  const row5 = alice.getByTestId('version-row-5');
  await expect(row5.getByText('staging')).toBeVisible();

  // An owner may request, not promote: the reason is written out, naming who may act.
  const request = row5.getByRole('button', { name: 'Request production' });
  await expect(request).toBeEnabled();
  await expect(
    row5.getByRole('button', { name: /Promote to production|Break glass/ }),
  ).toHaveCount(0);
  await expect(row5.getByRole('button', { name: 'Archive' })).toBeEnabled();
  await screenshot(alice, '04b-versions-as-owner-request-promotion');

  await request.click();
  const dialog = alice.getByRole('dialog');
  await expect(dialog.getByText('metric-not-worse:auc: passed')).toBeVisible();
  await expect(dialog.getByText('status-ready: passed')).toBeVisible();
  await expect(dialog.getByText('lineage-present: passed')).toBeVisible();
  const comparison = dialog.getByRole('table', { name: 'Metric comparison' });
  await expect(comparison.getByText('v4 (production)')).toBeVisible();
  await expect(comparison.getByText('+0.01680')).toBeVisible(); // auc 0.9815 against 0.9647
  await dialog
    .getByLabel('Alias to move with the promotion (optional)')
    .fill('champion');
  await dialog.getByLabel('Comment').fill('Recall +2 pt on the November set');
  await screenshot(alice, '05-request-promotion-dialog');
  await dialog.getByRole('button', { name: 'Request' }).click();
  await expect(dialog).toBeHidden();
  const open = alice.getByRole('table', { name: 'Open promotion requests' });
  await expect(
    open.getByText('Recall +2 pt on the November set'),
  ).toBeVisible();
  await expect(
    open.getByText(/You requested this: another approver must decide/),
  ).toBeVisible();
  await expect(
    row5.getByText(/production requested by alice · 0 of 1 approvals/),
  ).toBeVisible();
  await screenshot(alice, '05b-versions-with-open-request');

  // Carol, in the platform group, in a browser of her own.
  const carol = await (await browser.newContext()).newPage();
  await signInAsExampleUser(carol, 'Carol Platform');
  await carol.goto('/notifications');
  await expect(
    carol
      .getByText('Approve mlmodel:default/fraud-detector v5 for production?')
      .first(),
  ).toBeVisible();
  await screenshot(carol, '05c-approver-notification');
  await carol.goto('/model-registry/promotion-requests');
  const mine = carol.getByRole('table', { name: 'To approve' });
  const row = mine
    .getByRole('row')
    .filter({ hasText: 'Recall +2 pt on the November set' });
  await expect(row.getByText('v5 → production (@champion)')).toBeVisible();
  await screenshot(carol, '05d-promotion-requests-page');
  await row.getByRole('button', { name: 'Approve' }).click();
  const decision = carol.getByRole('dialog');
  await expect(
    decision.getByText(/Yours is the last approval needed/),
  ).toBeVisible();
  await decision.getByLabel('Comment').fill('Checked the November evaluation');
  await decision.getByRole('button', { name: 'Approve' }).click();
  await expect(
    carol.getByText('Approved: version 5 is in production now.'),
  ).toBeVisible();

  // Alice's page, not reloaded, shows the promotion.
  await expect(row5.getByText('production', { exact: true })).toBeVisible();
  await expect(
    alice.getByTestId('version-row-4').getByText('archived'),
  ).toBeVisible();
  await expect(row5.getByText('champion')).toBeVisible();
  await expect(open).toBeHidden();
  await screenshot(alice, '06-versions-after-approved-promotion');

  await openTab(alice, 'History');
  for (const text of [
    /requested the promotion of version 5 to production with alias champion/,
    /approved the promotion of version 5 to production/,
    /promoted version 5 from staging to production/,
    /Checked the November evaluation/,
  ]) {
    await expect(alice.getByText(text).first()).toBeVisible();
  }
  await screenshot(alice, '07-history');
  await alice.context().close();
  await carol.context().close();
});

// The guest is a member of platform-ml (examples/org.yaml), not of risk-ml: it may approve
// and break glass but not request, stage or alias fraud-detector's versions. (Runs after the
// governed promotion above: v5 is in production.)
test('the model page: card, versions, permission-gated controls, lineage, metrics', async ({
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
  await expect(
    card.getByRole('link', { name: 'Open the production version, v5' }),
  ).toBeVisible();
  const cardMs = Date.now() - started;
  await screenshot(page, '03-model-card');

  const versionsStarted = Date.now();
  await openTab(page, 'Versions');
  const row5 = page.getByTestId('version-row-5');
  await expect(row5.getByText('production', { exact: true })).toBeVisible();
  const versionsMs = Date.now() - versionsStarted;
  // eslint-disable-next-line no-console
  console.log(
    `[timing] model card ${cardMs} ms after navigation; first page of versions ${versionsMs} ms after opening the tab`,
  );

  // Not an owner: the stage controls of an archived version are disabled, the reason written
  // out with whom to ask.
  const row3 = page.getByTestId('version-row-3');
  await expect(
    row3.getByRole('button', { name: 'Request production' }),
  ).toBeDisabled();
  await expect(
    row3.getByRole('button', { name: 'Move to staging' }),
  ).toBeDisabled();
  await expect(row3.getByTestId('denied-reason-3')).toContainText(
    "Not allowed for you: Move to staging, Request production. Ask Fraud detector's owner, Risk ML, or its approvers: ML Platform.",
  );
  await expect(
    row3.getByRole('button', { name: 'Break glass: production' }),
  ).toBeEnabled();
  await screenshot(page, '04-versions-not-allowed');

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

  // Payments API names the alias it uses (model-registry.io/models: fraud-detector@champion);
  // after the governed promotion above, champion is on the production version.
  await page.goto('/catalog/default/component/payments-api');
  const payments = page
    .locator('article, [class*=MuiCard]')
    .filter({ hasText: 'ML models' })
    .first();
  const fraud = payments.getByRole('row').filter({ hasText: 'Fraud detector' });
  await expect(fraud).toContainText('champion');
  await expect(fraud).toContainText('the production version');
  await screenshot(page, '11b-payments-api-ml-models-card');
});
