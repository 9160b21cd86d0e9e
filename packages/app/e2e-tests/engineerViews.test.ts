import { ConsoleMessage, expect, Page, test } from '@playwright/test';
import {
  openTab,
  screenshot,
  signInAsExampleUser,
  signInAsGuest,
} from './helpers';

// The model pages as an ML engineer coming from MLflow uses them (issue 12): a version's
// own page, comparisons with shareable URLs, and a console free of warnings from the plugin.
// The tests share the example portal with the other browser tests: they find versions by
// number and rows by their test ids, never by their place on a page.

/** Console warnings and errors of a page, as text. */
function collectConsole(page: Page) {
  const messages: string[] = [];
  page.on('console', (message: ConsoleMessage) => {
    if (message.type() === 'warning' || message.type() === 'error') {
      messages.push(`${message.type()}: ${message.text()}`);
    }
  });
  return messages;
}

/** The messages our plugin is the source of: named after its extensions or its code. */
function fromThePlugin(messages: string[]) {
  return messages.filter(
    m =>
      /model-registry|plugin-model-registry|DEPRECATION WARNING/i.test(m) &&
      // The catalog's own entity page uses implicit routing; that is not ours.
      !/Extension 'page:catalog/.test(m),
  );
}

test('a version page opened from the history, with its source, lineage and changes', async ({
  page,
}) => {
  await signInAsGuest(page);
  await page.goto('/catalog/default/mlmodel/fraud-detector/history');
  await page
    .getByRole('link', { name: 'Version 4', exact: true })
    .first()
    .click();
  await expect(page).toHaveURL(
    /\/catalog\/default\/mlmodel\/fraud-detector\/versions\/4$/,
  );
  await expect(
    page.getByText(/^Version 4 of Fraud detector/).first(),
  ).toBeVisible();
  const lineage = page
    .locator('article, [class*=MuiCard]')
    .filter({ hasText: 'Lineage' })
    .first();
  await expect(
    lineage
      .getByRole('link', { name: /card-transactions|Card transactions/ })
      .first(),
  ).toBeVisible();
  await expect(
    page
      .locator('article, [class*=MuiCard]')
      .filter({ hasText: 'Changes to this version' })
      .first(),
  ).toContainText('→');
  await screenshot(page, 'engineer-01-version-page');

  // An unknown version says so and leads back.
  await page.goto('/catalog/default/mlmodel/fraud-detector/versions/999');
  await expect(page.getByText('Version not found')).toBeVisible();
});

test('a comparison opened from its shared URL in a new page', async ({
  page,
  context,
}) => {
  await signInAsGuest(page);
  const url = '/catalog/default/mlmodel/fraud-detector/versions?compare=3,4';
  await page.goto(url);
  await expect(
    page.getByText('Compare versions of Fraud detector'),
  ).toBeVisible();
  await expect(
    page.getByRole('table', { name: 'Metric comparison' }),
  ).toBeVisible();

  // The same URL in a second page of the same session shows the same comparison.
  const shared = await context.newPage();
  await shared.goto(url);
  await expect(
    shared.getByText('Compare versions of Fraud detector'),
  ).toBeVisible();
  await expect(
    shared.getByRole('table', { name: 'Metric comparison' }),
  ).toContainText('auc');
  await screenshot(shared, 'engineer-02-compare');
  await shared.close();
});

test('no warnings from the plugin in the browser console on the model pages', async ({
  page,
}) => {
  const messages = collectConsole(page);
  await signInAsGuest(page);
  await page.goto('/catalog/default/mlmodel/fraud-detector');
  await expect(
    page
      .locator('article, [class*=MuiCard]')
      .filter({ hasText: 'Model card' })
      .first(),
  ).toBeVisible();
  for (const tab of ['Versions', 'Lineage', 'Metrics', 'History']) {
    await openTab(page, tab);
    await page.waitForLoadState('networkidle');
  }
  await page.goto('/catalog/default/mlmodel/fraud-detector/versions/4');
  await expect(page.getByText(/^Version 4 of/).first()).toBeVisible();
  // found by searching, not by its place on the first page
  await page.goto('/models?q=fraud-detector');
  await expect(
    page.getByRole('link', { name: /Fraud detector/ }).first(),
  ).toBeVisible();
  await page.goto('/catalog/default/component/payments-api');
  await page.waitForLoadState('networkidle');

  // eslint-disable-next-line no-console
  console.log(
    `[console] ${
      messages.length
    } warnings and errors on these pages, none expected from the plugin:\n${messages
      .map(m => `  ${m.slice(0, 200)}`)
      .join('\n')}`,
  );
  expect(fromThePlugin(messages)).toEqual([]);
});

const backend = `http://localhost:${process.env.E2E_BACKEND_PORT ?? 7307}`;
// The static token of app-config.yaml (a service, as a pipeline's token is).
const auth = { Authorization: 'Bearer local-dev-token-for-curl' };

test('two Fraud detector versions compared from the table, the shared URL opened in a new page', async ({
  page,
  context,
}) => {
  await signInAsGuest(page);
  await page.goto('/catalog/default/mlmodel/fraud-detector');
  await openTab(page, 'Versions');
  await page
    .getByRole('checkbox', { name: 'Select version 4 to compare' })
    .check();
  await page
    .getByRole('checkbox', { name: 'Select version 5 to compare' })
    .check();
  await page.getByRole('button', { name: 'Compare (2)' }).click();
  await expect(page).toHaveURL(/\/versions\?compare=4(,|%2C)5/);
  const table = page.getByRole('table', { name: 'Metric comparison' });
  await expect(table).toContainText('auc');
  await expect(table).toContainText('v4');
  await expect(table).toContainText('v5');
  // the card sections side by side, rendered
  await expect(
    page.getByRole('table', { name: 'Card sections' }),
  ).toContainText('See the model card of fraud-detector');
  await screenshot(page, 'engineer-03-compare-from-table');

  // The URL, as a colleague would open it.
  const shared = await context.newPage();
  await shared.goto(page.url());
  await expect(
    shared.getByText('Compare versions of Fraud detector'),
  ).toBeVisible();
  const again = shared.getByRole('table', { name: 'Metric comparison' });
  await expect(again).toContainText('v4');
  await expect(again).toContainText('v5');
  await shared.close();
});

test('an owner removes an alias from its chip in the versions table', async ({
  page,
  request,
}) => {
  const alias = `e2e-remove-${Date.now()}`;
  const aliases = `${backend}/api/model-registry/models/default/fraud-detector/aliases`;
  const set = await request.put(`${aliases}/${alias}`, {
    headers: auth,
    data: { version: 5 },
  });
  expect(set.status()).toBe(200);

  await signInAsExampleUser(page, 'Alice Risk');
  await page.goto('/catalog/default/mlmodel/fraud-detector');
  await openTab(page, 'Versions');
  const row5 = page.getByTestId('version-row-5');
  await expect(row5.getByText(alias)).toBeVisible();
  await row5.getByRole('button', { name: `Remove alias ${alias}` }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText(alias);
  await screenshot(page, 'engineer-04-remove-alias');
  await dialog.getByRole('button', { name: 'Remove alias' }).click();
  await expect(dialog).toBeHidden();
  await expect(row5.getByText(alias)).toHaveCount(0);
  const left = await request.get(aliases, { headers: auth });
  expect(JSON.stringify(await left.json())).not.toContain(alias);
});

test('the Models page filtered by an owner picked by name and a production metric, kept on Back', async ({
  page,
}) => {
  await signInAsGuest(page);
  await page.goto('/models');
  const table = page.getByRole('table', { name: 'Models' });
  await expect(table).toBeVisible();

  // `risk` finds the group by its title; the filter is its entity ref.
  const owner = page
    .getByRole('combobox', { name: 'Owner' })
    .or(page.getByRole('textbox', { name: 'Owner' }));
  await owner.first().click();
  await owner.first().fill('risk');
  await page.getByRole('option', { name: /Risk ML/ }).click();
  await expect(page).toHaveURL(/owner=group%3Adefault%2Frisk-ml/);
  await page
    .getByRole('textbox', { name: 'Production metrics' })
    .fill('auc > 0.95');
  await expect(page).toHaveURL(/metric=auc/);
  const status = page
    .getByRole('navigation', { name: 'Pages' })
    .getByRole('status');
  await expect(status).toContainText('Production auc > 0.95');
  await expect(
    table.getByRole('link', { name: 'Fraud detector' }),
  ).toBeVisible();
  // Owned by another group, or in production with auc 0.8167: filtered out.
  await expect(table.getByRole('link', { name: 'Text encoder' })).toHaveCount(
    0,
  );
  await expect(
    table.getByRole('link', { name: 'Churn predictor' }),
  ).toHaveCount(0);
  await screenshot(page, 'engineer-05-models-filtered');

  await table.getByRole('link', { name: 'Fraud detector' }).click();
  await expect(page).toHaveURL(/\/catalog\/default\/mlmodel\/fraud-detector/);
  await page.goBack();
  await expect(page).toHaveURL(/\/models\?.*metric=auc/);
  await expect(
    page.getByRole('textbox', { name: 'Production metrics' }),
  ).toHaveValue('auc > 0.95');
  await expect(owner.first()).toHaveValue('Risk ML');
  await expect(status).toContainText('Production auc > 0.95');
  await expect(
    table.getByRole('link', { name: 'Fraud detector' }),
  ).toBeVisible();
});
