import { ConsoleMessage, expect, Page, test } from '@playwright/test';
import { openTab, screenshot, signInAsGuest } from './helpers';

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
  await page.goto('/models');
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
