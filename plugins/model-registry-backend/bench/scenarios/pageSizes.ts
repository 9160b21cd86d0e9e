/*
 * Statements per page at page sizes 20 and 100 on the same model (store layer): equal
 * counts mean no N+1.
 */
import { DEFAULT_STAGE_RULES } from '@model-registry/plugin-model-registry-common';
import { modelRefOf, probeModel } from '../dataSet';
import { BenchContext, check } from '../measure';
import { createDeepCursors } from './cursors';

/** The statements of one operation with a page of 20 and a page of 100. */
export type PageCount = { operation: string; size20: number; size100: number };

/** Counts the statements of the same calls with pages of 20 and of 100. */
export async function countPageStatements(
  ctx: BenchContext,
): Promise<PageCount[]> {
  const { store, counter } = ctx;
  const { models, versions } = ctx.options;
  const probe = probeModel(models);
  const ref = modelRefOf(probe);
  const afterLatest = (await store.listVersions(ref, { limit: 1 })).nextCursor;
  const deepProbeCursor = await createDeepCursors(store, versions)(
    probe,
    'version',
  );
  const countOf = (fn: () => Promise<unknown>) => counter.count(fn);
  return [
    {
      operation: 'versions: first page',
      size20: await countOf(() => store.listVersions(ref, { limit: 20 })),
      size100: await countOf(() => store.listVersions(ref, { limit: 100 })),
    },
    {
      operation: 'versions: deep cursor page',
      size20: await countOf(async () => {
        const page = await store.listVersions(ref, {
          limit: 20,
          cursor: deepProbeCursor,
        });
        check(page.items.length === 20, 'deep page of 20 is full');
      }),
      size100: await countOf(async () => {
        const page = await store.listVersions(ref, {
          limit: 100,
          cursor: afterLatest,
        });
        check(page.items.length === versions - 1, 'deep page of 100');
      }),
    },
    {
      operation: 'list models with production version',
      size20: await countOf(() =>
        store.getSummaries(
          Array.from({ length: 20 }, (_, k) => modelRefOf(k)),
          DEFAULT_STAGE_RULES,
        ),
      ),
      size100: await countOf(() =>
        store.getSummaries(
          Array.from({ length: Math.min(100, models) }, (_, k) =>
            modelRefOf(k),
          ),
          DEFAULT_STAGE_RULES,
        ),
      ),
    },
  ];
}
