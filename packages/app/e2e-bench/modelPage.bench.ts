/*
 * Times the model page on the seeded 1,000 × 100 registry (scripts/model-page-benchmark.sh):
 * from an in-app navigation (as when following a link in the portal) to the model card showing
 * the production version, and from opening the Versions tab to its first page of rows, and
 * counts the requests each makes. Prints the figures; docs/benchmarks.md keeps them.
 */
import { expect, Page, test } from '@playwright/test';
import fs from 'node:fs';

const MODELS = ['bench-model-0007', 'bench-model-0420', 'bench-model-0999'];
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const VERSIONS = Number(process.env.BENCH_VERSIONS ?? 100);
const PRODUCTION = VERSIONS - 10; // the seed's production version (alias champion)

type Sample = {
  model: string;
  round: number;
  cardMs: number;
  versionsMs: number;
  cardRequests: string[];
  versionsRequests: string[];
  cardWaterfall: string[];
};

/** Navigates inside the single-page app and resolves with the ms until the probe holds. */
async function navigateAndTime(
  page: Page,
  url: string | undefined,
  probe: { xpath: string },
  click?: string,
): Promise<number> {
  return page.evaluate(
    async ({ target, xpath, linkText }) => {
      const found = () =>
        document.evaluate(
          xpath,
          document,
          null,
          XPathResult.FIRST_ORDERED_NODE_TYPE,
          null,
        ).singleNodeValue;
      const t0 = performance.now();
      if (target) {
        window.history.pushState({}, '', target);
        window.dispatchEvent(new PopStateEvent('popstate', { state: {} }));
      } else if (linkText) {
        const link = Array.from(document.querySelectorAll('a')).find(
          a => a.textContent?.trim() === linkText,
        );
        if (!link) throw new Error(`no link ${linkText}`);
        link.click();
      }
      await new Promise<void>((resolve, reject) => {
        const deadline = t0 + 60_000;
        const check = () => {
          if (found()) resolve();
          else if (performance.now() > deadline)
            reject(new Error(`timed out waiting for ${xpath}`));
          else requestAnimationFrame(check);
        };
        check();
      });
      return performance.now() - t0;
    },
    { target: url, xpath: probe.xpath, linkText: click },
  );
}

const registry = (r: string) => r.includes(' /api/model-registry/');
const permission = (r: string) => r.endsWith(' /api/permission/authorize');
const maxOf = (lists: string[][], keep: (r: string) => boolean) =>
  Math.max(...lists.map(list => list.filter(keep).length));

function stats(values: number[]) {
  const under = values.filter(v => v <= 1500).length;
  return `median ${quantile(values, 0.5).toFixed(0)} ms, p90 ${quantile(
    values,
    0.9,
  ).toFixed(0)} ms, max ${Math.max(...values).toFixed(0)} ms; ${under} of ${
    values.length
  } within 1.5 s`;
}

function quantile(values: number[], q: number) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

test('model page on 1,000 models × 100 versions', async ({ page }) => {
  await page.goto('/');
  await page.getByRole('button', { name: 'Enter' }).click();
  await expect(
    page
      .getByRole('navigation', { name: 'sidebar nav' })
      .getByRole('link', { name: 'Catalog', exact: true }),
  ).toBeVisible();

  // The catalog must have ingested the seeded models first.
  await expect
    .poll(
      async () =>
        (
          await page.request.get(
            'http://localhost:7007/api/catalog/entities/by-name/mlmodel/default/bench-model-0999',
            {
              headers: {
                authorization: 'Bearer local-dev-token-for-curl',
              },
            },
          )
        ).status(),
      { timeout: 600_000, intervals: [2000] },
    )
    .toBe(200);

  let requests: string[] = [];
  let navigationStart = 0;
  page.on('request', request => {
    const url = new URL(request.url());
    if (url.pathname.startsWith('/api/')) {
      requests.push(`${request.method()} ${url.pathname}`);
    }
  });
  // The waterfall of each navigation: when each API request started and ended, in ms after
  // the navigation started.
  let waterfall: string[] = [];
  page.on('requestfinished', request => {
    const url = new URL(request.url());
    if (!url.pathname.startsWith('/api/')) return;
    const t = request.timing();
    const start = t.startTime - navigationStart;
    waterfall.push(
      `${start.toFixed(0).padStart(5)} → ${(start + t.responseEnd)
        .toFixed(0)
        .padStart(5)} ms  ${request.method()} ${url.pathname}`,
    );
  });

  const samples: Sample[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const model of MODELS) {
      // Start from the Models page, as a user would.
      await page.goto('/models');
      await expect(page.getByRole('table').first()).toBeVisible();
      requests = [];
      waterfall = [];
      navigationStart = Date.now();
      const cardMs = await navigateAndTime(
        page,
        `/catalog/default/mlmodel/${model}`,
        {
          // the alias inside the model card (the Models page also lists aliases)
          xpath: `//*[text()="Model card"]/ancestor::*[contains(@class,"MuiCard-root")]//*[text()="champion → v${PRODUCTION}"]`,
        },
      );
      await page.waitForLoadState('networkidle');
      const cardRequests = requests;
      const cardWaterfall = [...waterfall].sort();
      requests = [];
      const versionsMs = await navigateAndTime(
        page,
        undefined,
        { xpath: `//*[@data-testid="version-row-${VERSIONS}"]` },
        'Versions',
      );
      await page.waitForLoadState('networkidle');
      samples.push({
        model,
        round,
        cardMs,
        versionsMs,
        cardRequests,
        versionsRequests: [...requests],
        cardWaterfall,
      });
    }
  }

  const cards = samples.map(s => s.cardMs);
  const versions = samples.map(s => s.versionsMs);
  const lines = [
    `model page benchmark (${process.env.BENCH_DB ?? 'sqlite'}): ${
      samples.length
    } navigations (${MODELS.length} models × ${ROUNDS} rounds)`,
    `card (production version shown) after navigation: ${stats(cards)}`,
    `first page of versions after opening the tab: ${stats(versions)}`,
    `requests to /api for the model page: max ${Math.max(
      ...samples.map(s => s.cardRequests.length),
    )} (registry: max ${maxOf(
      samples.map(s => s.cardRequests),
      registry,
    )}, permission batches: max ${maxOf(
      samples.map(s => s.cardRequests),
      permission,
    )}); for the Versions tab: max ${Math.max(
      ...samples.map(s => s.versionsRequests.length),
    )} (registry: max ${maxOf(
      samples.map(s => s.versionsRequests),
      registry,
    )}, permission batches: max ${maxOf(
      samples.map(s => s.versionsRequests),
      permission,
    )})`,
    'requests of the last navigation (model page), started → ended:',
    ...samples[samples.length - 1].cardWaterfall.map(r => `  ${r}`),
    'requests of the Versions tab with the most requests (20 rows on its first page):',
    ...[...samples]
      .sort((a, b) => b.versionsRequests.length - a.versionsRequests.length)[0]
      .versionsRequests.map(r => `  ${r}`),
  ];
  // eslint-disable-next-line no-console
  console.log(
    [
      ...lines,
      'every navigation (model, round, card ms, versions ms):',
      ...samples.map(
        sample =>
          `  ${sample.model} ${sample.round} ${sample.cardMs.toFixed(
            0,
          )} ${sample.versionsMs.toFixed(0)}`,
      ),
    ].join('\n'),
  );
  fs.mkdirSync('test-output/model-page-bench', { recursive: true });
  fs.writeFileSync(
    'test-output/model-page-bench/results.json',
    JSON.stringify({ samples, summary: lines }, null, 2),
  );
});
