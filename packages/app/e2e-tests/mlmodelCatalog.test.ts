import { expect, Page, test } from '@playwright/test';

/** Saves a full-page screenshot under test-output/e2e/screenshots. */
async function screenshot(page: Page, name: string) {
  await page.screenshot({
    path: `test-output/e2e/screenshots/${name}.png`,
    fullPage: true,
  });
}

async function signInAsGuest(page: Page) {
  await page.goto('/');
  const enter = page.getByRole('button', { name: 'Enter' });
  await expect(enter).toBeVisible();
  await enter.click();
  const nav = page.getByRole('navigation', { name: 'sidebar nav' });
  await expect(
    nav.getByRole('link', { name: 'Catalog', exact: true }),
  ).toBeVisible();
}

test('the catalog lists the example MLModel entities with owner and consumers', async ({
  page,
}) => {
  await signInAsGuest(page);

  // The catalog index (mounted at / in this app), filtered to kind MLModel.
  await page.goto('/?filters%5Bkind%5D=mlmodel&filters%5Buser%5D=all');
  const table = page.getByRole('table');
  for (const title of [
    'Fraud detector',
    'Tabular encoder',
    'Churn predictor',
    'Text encoder',
    'Query embedder',
    'Product ranker',
    'Base LLM',
    'Support assistant',
  ]) {
    await expect(
      table.getByRole('link', { name: title, exact: true }),
    ).toBeVisible();
  }
  // Only models are listed.
  await expect(table.getByRole('link', { name: 'Payments API' })).toHaveCount(
    0,
  );
  await screenshot(page, '01-catalog-mlmodels');

  // One model's page: its owner and the component that consumes it.
  await table
    .getByRole('link', { name: 'Fraud detector', exact: true })
    .click();
  await expect(page).toHaveURL(/\/catalog\/default\/mlmodel\/fraud-detector/);
  await expect(
    page.getByRole('heading', { name: 'Fraud detector' }).first(),
  ).toBeVisible();

  const about = page
    .locator('article, [class*=MuiCard]')
    .filter({ hasText: 'About' })
    .first();
  await expect(about.getByText('Owner', { exact: true })).toBeVisible();
  await expect(
    about.getByRole('link', { name: /risk-ml|Risk ML/ }),
  ).toBeVisible();

  const relations = page
    .locator('article, [class*=MuiCard]')
    .filter({ hasText: 'Relations' })
    .first();
  await expect(relations).toBeVisible();
  await expect(
    relations.getByText(/payments-api|Payments API/).first(),
  ).toBeVisible();
  await expect(
    relations.getByText(/card-transactions|Card transactions/).first(),
  ).toBeVisible();
  await screenshot(page, '02-mlmodel-entity-page');
});
