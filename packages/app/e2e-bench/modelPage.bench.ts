/*
 * Times the model page on the seeded 1,000 × 100 registry (scripts/model-page-benchmark.sh):
 * a cold load (a new browser context: nothing cached, signed in) and a warm reload of a model
 * page until the model card shows the production version, an in-app navigation (as when
 * following a link in the portal) to the same point, and opening the Versions tab until its
 * first page of rows; counts the requests each makes. Prints the figures;
 * docs/benchmarks.md keeps them.
 */
import { expect, Page, test } from '@playwright/test';
import fs from 'node:fs';

const MODELS = ['bench-model-0007', 'bench-model-0420', 'bench-model-0999'];
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const VERSIONS = Number(process.env.BENCH_VERSIONS ?? 100);
const PRODUCTION = VERSIONS - 10; // the seed's production version (alias champion)
const LOADS = Number(process.env.BENCH_LOADS ?? 10);
const TARGET = process.env.BENCH_TARGET ?? 'production';

/** The model card showing the production version (the alias inside the card). */
const PRODUCTION_SHOWN = `//*[text()="Model card"]/ancestor::*[contains(@class,"MuiCard-root")]//*[text()="champion → v${PRODUCTION}"]`;

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

function stats(values: number[], within = 1500) {
  const under = values.filter(v => v <= within).length;
  return `median ${quantile(values, 0.5).toFixed(0)} ms, p90 ${quantile(
    values,
    0.9,
  ).toFixed(0)} ms, max ${Math.max(...values).toFixed(0)} ms; ${under} of ${
    values.length
  } within ${within / 1000} s`;
}

function quantile(values: number[], q: number) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

/**
 * Loads a page (`load`) and resolves with the ms from the navigation's start (the new
 * document's time origin) until the probe is in the DOM: an init script (watchProbe)
 * watches from the document's first moment, so the time does not depend on when the test
 * asks.
 */
async function loadAndTime(
  page: Page,
  load: () => Promise<unknown>,
): Promise<number> {
  await load();
  const handle = await page.waitForFunction(
    () => (window as any).__probeShownAt as number | undefined,
    undefined,
    { timeout: 60_000, polling: 100 },
  );
  return (await handle.jsonValue()) as number;
}

function watchProbe(xpath: string) {
  const check = () => {
    const found = document.evaluate(
      xpath,
      document,
      null,
      XPathResult.FIRST_ORDERED_NODE_TYPE,
      null,
    ).singleNodeValue;
    if (found) {
      (window as any).__probeShownAt = performance.now();
    } else {
      requestAnimationFrame(check);
    }
  };
  requestAnimationFrame(check);
}

test('model page on 1,000 models × 100 versions', async ({ page, browser }) => {
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

  // Cold loads and warm reloads: a new context per load (no HTTP cache, no service state),
  // signed in through the stored sign-in choice.
  const signedIn = await page.context().storageState();
  const baseURL = test.info().project.use.baseURL;
  const cold: number[] = [];
  const warm: number[] = [];
  for (let load = 0; load < LOADS; load++) {
    const model = MODELS[load % MODELS.length];
    const context = await browser.newContext({
      storageState: signedIn,
      baseURL,
    });
    const fresh = await context.newPage();
    await fresh.addInitScript(watchProbe, PRODUCTION_SHOWN);
    cold.push(
      await loadAndTime(fresh, () =>
        fresh.goto(`/catalog/default/mlmodel/${model}`),
      ),
    );
    await fresh.waitForLoadState('networkidle');
    warm.push(await loadAndTime(fresh, () => fresh.reload()));
    await context.close();
  }

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
        // the alias inside the model card (the Models page also lists aliases)
        { xpath: PRODUCTION_SHOWN },
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
    `model page benchmark (${process.env.BENCH_DB ?? 'sqlite'}, ${
      TARGET === 'production'
        ? 'production build served by the backend'
        : 'development servers'
    }): ${LOADS} cold loads and warm reloads, ${
      samples.length
    } in-app navigations (${MODELS.length} models × ${ROUNDS} rounds)`,
    `cold load to the production version shown: ${stats(cold, 2500)}`,
    `warm reload to the production version shown: ${stats(warm, 2500)}`,
    `in-app navigation to the production version shown: ${stats(cards, 1000)}`,
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
      `cold loads (ms): ${cold.map(v => v.toFixed(0)).join(' ')}`,
      `warm reloads (ms): ${warm.map(v => v.toFixed(0)).join(' ')}`,
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
    JSON.stringify({ cold, warm, samples, summary: lines }, null, 2),
  );
});
