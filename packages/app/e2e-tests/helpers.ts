/* Helpers of the browser tests. */
import { expect, Page } from '@playwright/test';

/** Saves a full-page screenshot under test-output/e2e/screenshots. */
export async function screenshot(page: Page, name: string) {
  await page.screenshot({
    path: `test-output/e2e/screenshots/${name}.png`,
    fullPage: true,
  });
}

/** Opens a tab of the entity page (rendered as links). */
export async function openTab(page: Page, name: string) {
  await page.getByRole('link', { name, exact: true }).click();
}

export async function signInAsGuest(page: Page) {
  await page.goto('/');
  await page.getByRole('button', { name: 'Enter' }).click();
  const nav = page.getByRole('navigation', { name: 'sidebar nav' });
  await expect(
    nav.getByRole('link', { name: 'Catalog', exact: true }),
  ).toBeVisible();
}

export async function signInAsExampleUser(page: Page, displayName: string) {
  await page.goto('/');
  await page.getByRole('button', { name: `Sign in as ${displayName}` }).click();
  const nav = page.getByRole('navigation', { name: 'sidebar nav' });
  await expect(
    nav.getByRole('link', { name: 'Catalog', exact: true }),
  ).toBeVisible();
}
