/*
 * One extra model with many versions (100,000 by default), seeded and measured after
 * everything else: the per-model costs of pages, summaries and registration that 100
 * versions per model cannot show.
 */
import { DEFAULT_STAGE_RULES } from '@model-registry/plugin-model-registry-common';
import { modelName, modelRefOf, PRODUCTION_OFFSET } from '../dataSet';
import { BenchContext, check, measure, Result } from '../measure';
import { modelsPageCursor } from './cursors';
import { measureRegistration } from './registration';

/**
 * One model with many versions, measured after everything else: the per-model cost of
 * pages, summaries and registration (iterations capped at 100).
 */
export async function measureHotModel(
  ctx: BenchContext,
  hot: number,
  versions: number,
): Promise<Result[]> {
  const { store } = ctx;
  const options = {
    ...ctx.options,
    iterations: Math.min(ctx.options.iterations, 100),
    warmup: Math.min(ctx.options.warmup, 10),
  };
  const ref = modelRefOf(hot);
  const name = modelName(hot);
  // Cursors positioned 20 versions before the oldest, made (and signed) by the store's own
  // codec in the position format of its version lists, so that making them does not need
  // to page through 100,000 versions.
  const v21 = await store.getVersion(ref, 21);
  check(v21, 'the hot model has a version 21');
  const byVersion = store.cursors.encode('versions', {
    s: 'version',
    o: 'desc',
    v: 21,
    n: 21,
  });
  const byCreatedAt = store.cursors.encode('versions', {
    s: 'createdAt',
    o: 'desc',
    v: v21.createdAt,
    n: 21,
  });
  const page = await store.listVersions(ref, {
    limit: 20,
    sort: 'createdAt',
    cursor: byCreatedAt,
  });
  check(
    page.items.length === 20 && page.items[0].version === 20,
    'the createdAt cursor of the hot model',
  );
  // The last 19 models and the hot one: one page of the list.
  const first = Math.max(0, ctx.options.models - 19);
  const refs = Array.from({ length: hot - first + 1 }, (_, k) =>
    modelRefOf(first + k),
  );
  const specs: Array<{
    operation: string;
    store: () => Promise<unknown>;
    http: () => Promise<unknown>;
  }> = [
    {
      operation: 'versions: first page (20)',
      store: () => store.listVersions(ref, { limit: 20 }),
      http: () =>
        ctx.http!.call('GET', `/models/default/${name}/versions?limit=20`),
    },
    {
      operation: 'versions: deep cursor page (20)',
      store: () => store.listVersions(ref, { limit: 20, cursor: byVersion }),
      http: () =>
        ctx.http!.call(
          'GET',
          `/models/default/${name}/versions?limit=20&cursor=${byVersion}`,
        ),
    },
    {
      operation: 'versions: deep cursor page (20, sort=createdAt)',
      store: () =>
        store.listVersions(ref, {
          limit: 20,
          sort: 'createdAt',
          cursor: byCreatedAt,
        }),
      http: () =>
        ctx.http!.call(
          'GET',
          `/models/default/${name}/versions?limit=20&sort=createdAt&cursor=${byCreatedAt}`,
        ),
    },
    {
      operation: 'get version by alias',
      store: () => store.getVersionByAlias(ref, 'champion'),
      http: () =>
        ctx.http!.call('GET', `/models/default/${name}/aliases/champion`),
    },
    {
      operation: 'list models with production version (20, hot one included)',
      store: async () => {
        const summaries = await store.getSummaries(refs, DEFAULT_STAGE_RULES);
        check(
          summaries.get(ref)?.stageOccupants.production ===
            versions - PRODUCTION_OFFSET,
          'the hot model has its production version',
        );
      },
      http: () =>
        ctx.http!.call(
          'GET',
          `/models?limit=20&cursor=${modelsPageCursor(store, first)}`,
        ),
    },
  ];
  const results: Result[] = [];
  for (const spec of specs) {
    for (const layer of ctx.layers) {
      results.push(
        await measure(ctx.counter, options, {
          operation: spec.operation,
          layer,
          kind: 'read',
          run: layer === 'store' ? spec.store : spec.http,
        }),
      );
    }
  }
  results.push(
    ...(await measureRegistration(ctx, () => hot, 'hot model', options)),
  );
  return results;
}
