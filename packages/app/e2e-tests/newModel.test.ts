import { expect, Page, test } from '@playwright/test';

async function screenshot(page: Page, name: string) {
  await page.screenshot({
    path: `test-output/e2e/screenshots/${name}.png`,
    fullPage: true,
  });
}

// The "New ML model" template: fill the form as a user, run it, and land on the new model's
// catalog page (the model is registered through the registry API as that user; the catalog
// shows it through the registry's entity provider).
test('Create → New ML model: a new model in the catalog with its owner', async ({
  page,
}) => {
  const name = `e2e-model-${Date.now().toString(36)}`;
  await page.goto('/');
  await page.getByRole('button', { name: 'Enter' }).click();
  await expect(
    page
      .getByRole('navigation', { name: 'sidebar nav' })
      .getByRole('link', { name: 'Create', exact: true }),
  ).toBeVisible();

  await page.goto('/create');
  const card = page
    .locator('.MuiCard-root')
    .filter({ hasText: 'New ML model' });
  await expect(card).toBeVisible();
  await screenshot(page, '12-create-templates');
  await card.getByTestId('template-card-actions--create').click();

  // Step 1: the model. The name field checks the naming rule as you type.
  const nameField = page.getByRole('textbox', { name: /^Name/ });
  await nameField.fill('Fraud_Scorer');
  await expect(
    page
      .getByText(/"Fraud_Scorer" does not follow the model naming rule/)
      .first(),
  ).toBeVisible();
  await screenshot(page, '13-create-naming-rule');
  await nameField.fill(name);
  await page
    .getByRole('textbox', { name: /^Description/ })
    .fill('Scores card transactions for fraud risk (browser test).');
  await page.getByRole('button', { name: 'Next' }).click();

  // Step 2: ownership: one of the guest's own groups (guests, platform-ml).
  const owner = page.getByRole('textbox', { name: 'Owner' });
  await owner.click();
  await page
    .getByRole('option', { name: /ML Platform/ })
    .first()
    .click();
  await page.getByRole('button', { name: 'Next' }).click();

  // Step 3: data and card.
  const datasets = page.getByRole('textbox', { name: 'Training datasets' });
  await datasets.click();
  await page
    .getByRole('option', { name: /card[- ]transactions/i })
    .first()
    .click();
  await page.keyboard.press('Escape');
  await page
    .getByRole('textbox', { name: /^Intended use/ })
    .fill('Real-time scoring of card transactions.');
  await page.getByRole('button', { name: 'Next' }).click();

  // Step 4: repository (a folder on the server in the example portal).
  await page.getByRole('button', { name: 'Review' }).click();
  await screenshot(page, '14-create-review');
  await page.getByRole('button', { name: 'Create' }).click();

  const open = page.getByRole('link', {
    name: /Open the model in the catalog/,
  });
  await expect(open).toBeVisible({ timeout: 90_000 });
  await screenshot(page, '15-create-done');
  await open.click();

  await expect(page).toHaveURL(new RegExp(`/catalog/default/mlmodel/${name}`));
  await expect(page.getByRole('heading', { name, exact: true })).toBeVisible();
  await expect(
    page.getByRole('link', { name: 'ML Platform' }).first(),
  ).toBeVisible();
  // the model card: the registry knows the model, no versions yet
  await expect(page.getByText('No versions registered yet')).toBeVisible();
  await expect(
    page.getByText('Real-time scoring of card transactions.'),
  ).toBeVisible();
  await screenshot(page, '16-created-model-page');
});
