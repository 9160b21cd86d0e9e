/*
 * The read operations at the full data set: pages of versions (first and deep, by version
 * and by createdAt), a version by alias, lineage walks and the list of models, each on
 * models picked at random with a fixed seed, the same picks for both layers.
 */
import { DEFAULT_STAGE_RULES } from '@model-registry/plugin-model-registry-common';
import {
  CHAIN,
  modelName,
  modelRefOf,
  PRODUCTION_OFFSET,
  probeModel,
} from '../dataSet';
import { BenchContext, check, measure, Result } from '../measure';
import { createRandom } from '../random';
import { createDeepCursors, modelsPageCursor } from './cursors';

/** Sanity checks of the seed and of the operations, before any timing. */
async function checkSeed(ctx: BenchContext) {
  const { store } = ctx;
  const { models, versions } = ctx.options;
  const probe = probeModel(models);
  const first = await store.listVersions(modelRefOf(probe), { limit: 20 });
  check(
    first.items.length === 20 && first.items[0].version === versions,
    'the first page starts at the latest version',
  );
  check(
    first.items[0].tags.team === `team-${probe % 7}`,
    'versions carry their tags',
  );
  const champion = await store.getVersionByAlias(modelRefOf(probe), 'champion');
  check(
    champion?.version === versions - PRODUCTION_OFFSET &&
      champion.stage === 'production',
    'champion is the production version',
  );
  const graph = await store.getLineage(modelRefOf(probe), versions, {
    direction: 'upstream',
    depth: 5,
  });
  check(
    graph.nodes.filter(node => node.type === 'version').length === 6,
    'the upstream walk reaches five fine-tuned ancestors',
  );
  const summaries = await store.getSummaries(
    [modelRefOf(0), modelRefOf(probe)],
    DEFAULT_STAGE_RULES,
  );
  check(
    summaries.get(modelRefOf(probe))?.stageOccupants.production ===
      versions - PRODUCTION_OFFSET,
    'summaries name the production version',
  );
}

/** Sanity checks of the seed, then every read operation timed on every layer. */
export async function measureReads(ctx: BenchContext): Promise<Result[]> {
  const { options, store, counter } = ctx;
  const models = options.models;
  const versions = options.versions;
  const results: Result[] = [];

  await checkSeed(ctx);

  const deepCursor = createDeepCursors(store, versions);

  const random = createRandom(42);
  // Models at chain position >= 5 have five fine-tuned ancestors.
  const deepModels = Array.from({ length: models }, (_, i) => i).filter(
    i => i % CHAIN >= 5,
  );
  // Models at chain position 5 also have four levels of descendants.
  const middleModels = deepModels.filter(i => i % CHAIN === 5);
  const q = (params: Record<string, string | number>) =>
    `?${new URLSearchParams(
      Object.entries(params).map(([k, v]) => [k, String(v)]),
    )}`;

  /** A random input of a read: a model (or the offset of a page of models) and a version. */
  type Input = { i: number; v: number };
  type ReadSpec = {
    operation: string;
    pick: () => Input;
    prepare?: (input: Input) => Promise<unknown>;
    store: (input: Input) => Promise<unknown>;
    http: (input: Input) => Promise<unknown>;
  };
  const anyModel = () => ({ i: random.int(0, models), v: 0 });
  const listModels = (size: number): ReadSpec => ({
    operation: `list models with production version (${size})`,
    pick: () => ({ i: random.int(0, Math.max(1, models - size)), v: 0 }),
    store: async ({ i: offset }) => {
      const refs = Array.from(
        { length: Math.min(size, models - offset) },
        (_, k) => modelRefOf(offset + k),
      );
      const map = await store.getSummaries(refs, DEFAULT_STAGE_RULES);
      check(map.size === refs.length, 'every model has a summary');
    },
    http: ({ i: offset }) =>
      ctx.http!.call(
        'GET',
        `/models${q(
          offset
            ? { limit: size, cursor: modelsPageCursor(store, offset) }
            : { limit: size },
        )}`,
      ),
  });
  const firstPage = (size: number): ReadSpec => ({
    operation: `versions: first page (${size})`,
    pick: anyModel,
    store: ({ i }) => store.listVersions(modelRefOf(i), { limit: size }),
    http: ({ i }) =>
      ctx.http!.call(
        'GET',
        `/models/default/${modelName(i)}/versions${q({ limit: size })}`,
      ),
  });
  const deepPage = (size: number, sort: 'version' | 'createdAt'): ReadSpec => ({
    operation: `versions: deep cursor page (${size}${
      sort === 'version' ? '' : `, sort=${sort}`
    })`,
    pick: anyModel,
    prepare: ({ i }) => deepCursor(i, sort),
    store: async ({ i }) => {
      const page = await store.listVersions(modelRefOf(i), {
        limit: size,
        sort,
        cursor: await deepCursor(i, sort),
      });
      check(page.items.length === size, 'a deep page is full');
    },
    http: async ({ i }) =>
      ctx.http!.call(
        'GET',
        `/models/default/${modelName(i)}/versions${q({
          limit: size,
          ...(sort === 'version' ? {} : { sort }),
          cursor: await deepCursor(i, sort),
        })}`,
      ),
  });
  const lineage = (
    direction: 'upstream' | 'both',
    pool: number[],
  ): ReadSpec => ({
    operation: `lineage walk, depth 5, ${direction}`,
    pick: () => ({ i: random.pick(pool), v: random.int(1, versions + 1) }),
    store: async ({ i, v }) => {
      const walk = await store.getLineage(modelRefOf(i), v, {
        direction,
        depth: 5,
      });
      check(walk.nodes.length > 5, 'the walk finds the chain');
    },
    http: ({ i, v }) =>
      ctx.http!.call(
        'GET',
        `/models/default/${modelName(i)}/versions/${v}/lineage${q({
          direction,
          depth: 5,
        })}`,
      ),
  });
  const alias = (i: number) => (i % 2 ? 'champion' : 'challenger');
  const specs: ReadSpec[] = [
    firstPage(20),
    firstPage(100),
    deepPage(20, 'version'),
    deepPage(20, 'createdAt'),
    {
      operation: 'get version by alias',
      pick: anyModel,
      store: async ({ i }) => {
        const v = await store.getVersionByAlias(modelRefOf(i), alias(i));
        check(v, 'the alias resolves');
      },
      http: ({ i }) =>
        ctx.http!.call(
          'GET',
          `/models/default/${modelName(i)}/aliases/${alias(i)}`,
        ),
    },
    lineage('upstream', deepModels),
    lineage('both', middleModels),
    listModels(20),
    listModels(100),
  ];

  if (ctx.http) {
    specs.unshift({
      operation: 'baseline: HTTP round trip without the router',
      pick: anyModel,
      store: async () => {},
      http: () => ctx.http!.call('GET', '/bench-ping'),
    });
  }

  for (const spec of specs) {
    for (const layer of ctx.layers) {
      if (layer === 'store' && spec.operation.startsWith('baseline')) continue;
      // The same sequence of models for both layers.
      const picks = Array.from(
        { length: options.warmup + options.iterations },
        () => spec.pick(),
      );
      if (spec.prepare) {
        for (const i of picks) await spec.prepare(i);
      }
      results.push(
        await measure(counter, options, {
          operation: spec.operation,
          layer,
          kind: 'read',
          run: iteration =>
            (layer === 'store' ? spec.store : spec.http)(
              picks[
                iteration < 0 ? -1 - iteration : options.warmup + iteration
              ],
            ),
        }),
      );
    }
  }
  return results;
}
