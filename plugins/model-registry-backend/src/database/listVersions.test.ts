import { InputError } from '@backstage/errors';
import { DatabaseModelRegistryStore } from './DatabaseModelRegistryStore';
import { ListVersionsOptions } from './ModelRegistryStore';
import {
  alice,
  aliceStage,
  CHURN,
  describeOnEachDatabase,
  FRAUD,
  input,
} from './__testUtils__/storeTestHarness';

jest.setTimeout(60_000);

/** Pages through listVersions, failing on a duplicate; returns the version numbers in order. */
async function collectVersions(
  store: DatabaseModelRegistryStore,
  modelRef: string,
  options: Omit<ListVersionsOptions, 'cursor'>,
) {
  const seen: number[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await store.listVersions(modelRef, { ...options, cursor });
    expect(page.items.length).toBeLessThanOrEqual(options.limit);
    for (const item of page.items) {
      expect(seen).not.toContain(item.version);
      seen.push(item.version);
    }
    cursor = page.nextCursor;
    pages++;
    expect(pages).toBeLessThan(100);
  } while (cursor);
  return seen;
}

describeOnEachDatabase('listVersions', createStore => {
  // --- listVersions -----------------------------------------------------------------

  describe('listVersions', () => {
    it('pages by version in both directions without duplicates or skips', async () => {
      const { store } = await createStore();
      for (let i = 1; i <= 7; i++) {
        await store.registerVersion(FRAUD, input(i), aliceStage);
      }
      await store.registerVersion(CHURN, input(1), aliceStage);

      const first = await store.listVersions(FRAUD, { limit: 3 });
      expect(first.items.map(v => v.version)).toEqual([7, 6, 5]);
      expect(first.nextCursor).toEqual(expect.any(String));
      const second = await store.listVersions(FRAUD, {
        limit: 3,
        cursor: first.nextCursor,
      });
      expect(second.items.map(v => v.version)).toEqual([4, 3, 2]);
      const third = await store.listVersions(FRAUD, {
        limit: 3,
        cursor: second.nextCursor,
      });
      expect(third.items.map(v => v.version)).toEqual([1]);
      expect(third.nextCursor).toBeUndefined();

      for (const limit of [1, 2, 3, 7, 50]) {
        expect(
          await collectVersions(store, FRAUD, {
            limit,
            sort: 'version',
            order: 'asc',
          }),
        ).toEqual([1, 2, 3, 4, 5, 6, 7]);
        expect(
          await collectVersions(store, FRAUD, {
            limit,
            sort: 'version',
            order: 'desc',
          }),
        ).toEqual([7, 6, 5, 4, 3, 2, 1]);
      }
      // An exact fit has no next page.
      expect(
        (await store.listVersions(FRAUD, { limit: 7 })).nextCursor,
      ).toBeUndefined();
      expect(
        await store.listVersions('mlmodel:default/none', { limit: 5 }),
      ).toEqual({ items: [], nextCursor: undefined });
    });

    it('neither repeats nor skips versions registered while paging', async () => {
      const { store } = await createStore();
      for (let i = 1; i <= 5; i++) {
        await store.registerVersion(FRAUD, input(i), aliceStage);
      }
      const seen: number[] = [];
      let page = await store.listVersions(FRAUD, { limit: 2, order: 'asc' });
      let n = 6;
      for (;;) {
        seen.push(...page.items.map(v => v.version));
        if (!page.nextCursor) break;
        if (n <= 8) {
          await store.registerVersion(FRAUD, input(n++), aliceStage);
        }
        page = await store.listVersions(FRAUD, {
          limit: 2,
          order: 'asc',
          cursor: page.nextCursor,
        });
      }
      expect(seen).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    });

    it('sorts by createdAt, updatedAt, status and stage with version as tie-breaker', async () => {
      const { store, knex } = await createStore();
      for (let i = 1; i <= 6; i++) {
        await store.registerVersion(FRAUD, input(i), aliceStage);
      }
      // Creation times out of version order, with ties.
      const base = Date.parse('2026-01-01T00:00:00.000Z');
      const offsets = [3, 1, 3, 0, 2, 1];
      for (let i = 1; i <= 6; i++) {
        await knex('model_versions')
          .where({ model_ref: FRAUD, version: i })
          .update({ created_at: new Date(base + offsets[i - 1] * 1000) });
      }
      for (const limit of [1, 2, 4, 10]) {
        expect(
          await collectVersions(store, FRAUD, {
            limit,
            sort: 'createdAt',
            order: 'asc',
          }),
        ).toEqual([4, 2, 6, 5, 1, 3]);
        expect(
          await collectVersions(store, FRAUD, {
            limit,
            sort: 'createdAt',
            order: 'desc',
          }),
        ).toEqual([3, 1, 5, 6, 2, 4]);
      }
      const v4 = await store.getVersion(FRAUD, 4);
      expect(v4?.createdAt).toBe('2026-01-01T00:00:00.000Z');

      // updatedAt follows the last change.
      await store.updateVersion(FRAUD, 2, { description: 'x' }, alice);
      await knex('model_versions')
        .where({ model_ref: FRAUD })
        .whereIn('version', [1, 3, 4, 5, 6])
        .update({ updated_at: new Date(base) });
      await knex('model_versions')
        .where({ model_ref: FRAUD, version: 5 })
        .update({ updated_at: new Date(base + 5000) });
      expect(
        await collectVersions(store, FRAUD, {
          limit: 2,
          sort: 'updatedAt',
          order: 'desc',
        }),
      ).toEqual([2, 5, 6, 4, 3, 1]);

      await store.updateVersion(FRAUD, 1, { status: 'pending' }, alice);
      await store.updateVersion(FRAUD, 4, { status: 'failed' }, alice);
      await store.updateVersion(FRAUD, 6, { status: 'pending' }, alice);
      expect(
        await collectVersions(store, FRAUD, {
          limit: 2,
          sort: 'status',
          order: 'asc',
        }),
      ).toEqual([4, 1, 6, 2, 3, 5]);

      await store.transitionStage(FRAUD, 3, 'staging', aliceStage);
      await store.transitionStage(FRAUD, 5, 'production', aliceStage);
      await store.transitionStage(FRAUD, 6, 'staging', aliceStage);
      expect(
        await collectVersions(store, FRAUD, {
          limit: 1,
          sort: 'stage',
          order: 'desc',
        }),
      ).toEqual([6, 3, 5, 4, 2, 1]);
    });

    it('filters by stage, alias, status and tag', async () => {
      const { store } = await createStore();
      await store.registerVersion(
        FRAUD,
        input(1, { tags: { env: 'prod', team: 'risk' } }),
        aliceStage,
      );
      await store.registerVersion(
        FRAUD,
        input(2, { status: 'failed', tags: { env: 'dev' } }),
        aliceStage,
      );
      await store.registerVersion(
        FRAUD,
        input(3, { tags: { env: 'prod' } }),
        aliceStage,
      );
      await store.registerVersion(
        FRAUD,
        input(4, { status: 'pending' }),
        aliceStage,
      );
      await store.registerVersion(
        CHURN,
        input(1, { tags: { env: 'prod' } }),
        aliceStage,
      );
      await store.transitionStage(FRAUD, 1, 'staging', aliceStage);
      await store.transitionStage(FRAUD, 3, 'staging', aliceStage);
      await store.transitionStage(FRAUD, 4, 'production', aliceStage);
      await store.setAlias(FRAUD, 'champion', 3, alice);
      await store.setAlias(CHURN, 'champion', 1, alice);

      const list = async (options: Partial<ListVersionsOptions>) =>
        (await store.listVersions(FRAUD, { limit: 10, ...options })).items.map(
          v => v.version,
        );
      expect(await list({})).toEqual([4, 3, 2, 1]);
      expect(await list({ stage: 'staging' })).toEqual([3, 1]);
      expect(await list({ stage: 'production' })).toEqual([4]);
      expect(await list({ stage: 'archived' })).toEqual([]);
      expect(await list({ alias: 'champion' })).toEqual([3]);
      expect(await list({ alias: 'challenger' })).toEqual([]);
      expect(await list({ status: 'failed' })).toEqual([2]);
      expect(await list({ status: 'ready' })).toEqual([3, 1]);
      expect(await list({ tag: { key: 'env' } })).toEqual([3, 2, 1]);
      expect(await list({ tag: { key: 'env', value: 'prod' } })).toEqual([
        3, 1,
      ]);
      expect(await list({ tag: { key: 'team', value: 'prod' } })).toEqual([]);
      expect(
        await list({
          stage: 'staging',
          tag: { key: 'team' },
          status: 'ready',
        }),
      ).toEqual([1]);
      // Filters and cursors together.
      expect(
        await collectVersions(store, FRAUD, {
          limit: 1,
          order: 'asc',
          tag: { key: 'env', value: 'prod' },
        }),
      ).toEqual([1, 3]);
      // Items carry their tags and aliases.
      const [three] = (
        await store.listVersions(FRAUD, { limit: 10, alias: 'champion' })
      ).items;
      expect(three).toMatchObject({
        version: 3,
        aliases: ['champion'],
        tags: { env: 'prod' },
        stage: 'staging',
      });
    });

    it('sorts by a metric, versions without it last, paging without duplicates or skips', async () => {
      const { store } = await createStore();
      // version: auc (none for 3 and 6; 2 and 5 tie; odd names)
      const aucs: Record<number, number | undefined> = {
        1: 0.91,
        2: 0.95,
        3: undefined,
        4: 0.5,
        5: 0.95,
        6: undefined,
        7: -1e-7,
        8: 1e21,
      };
      for (let i = 1; i <= 8; i++) {
        const auc = aucs[i];
        await store.registerVersion(
          FRAUD,
          input(i, {
            metrics: {
              ...(auc === undefined ? {} : { auc, 'val "loss".x': i }),
              other: 10 - i,
            },
          }),
          aliceStage,
        );
      }
      for (const limit of [1, 2, 3, 8, 50]) {
        expect(
          await collectVersions(store, FRAUD, {
            limit,
            sortMetric: 'auc',
            order: 'desc',
          }),
        ).toEqual([8, 5, 2, 1, 4, 7, 6, 3]);
        expect(
          await collectVersions(store, FRAUD, {
            limit,
            sortMetric: 'auc',
            order: 'asc',
          }),
        ).toEqual([7, 4, 1, 2, 5, 8, 3, 6]);
      }
      // a metric name with quotes and dots is one key, not a path
      expect(
        await collectVersions(store, FRAUD, {
          limit: 2,
          sortMetric: 'val "loss".x',
          order: 'asc',
        }),
      ).toEqual([1, 2, 4, 5, 7, 8, 3, 6]);
      // filters still apply; a metric no version has keeps version order
      expect(
        await collectVersions(store, FRAUD, {
          limit: 2,
          sortMetric: 'missing',
          order: 'desc',
        }),
      ).toEqual([8, 7, 6, 5, 4, 3, 2, 1]);
      // a cursor of another metric or order, or with a value that is not a number
      const first = await store.listVersions(FRAUD, {
        limit: 1,
        sortMetric: 'auc',
      });
      for (const options of [
        { limit: 1, sortMetric: 'other' },
        { limit: 1, sortMetric: 'auc', order: 'asc' as const },
        { limit: 1 },
      ]) {
        await expect(
          store.listVersions(FRAUD, { ...options, cursor: first.nextCursor }),
        ).rejects.toThrow(InputError);
      }
      await expect(
        store.listVersions(FRAUD, {
          limit: 1,
          sortMetric: 'auc',
          cursor: store.cursors.encode('versions-by-metric', {
            m: 'auc',
            o: 'desc',
            v: 'DROP TABLE',
            n: 2,
          }),
        }),
      ).rejects.toThrow(InputError);
    });

    it('rejects a tampered or foreign cursor with InputError', async () => {
      const { store } = await createStore();
      for (let i = 1; i <= 3; i++) {
        await store.registerVersion(FRAUD, input(i), aliceStage);
      }
      const { nextCursor } = await store.listVersions(FRAUD, { limit: 1 });
      expect(nextCursor).toEqual(expect.any(String));
      const raw = (json: string) =>
        Buffer.from(json, 'utf8').toString('base64url');
      const bad: Array<[string, ListVersionsOptions]> = [
        ['garbage!!', { limit: 1 }],
        [raw('not json'), { limit: 1 }],
        [raw('"a string"'), { limit: 1 }],
        [
          store.cursors.encode('versions', { s: 'version', o: 'desc', n: '2' }),
          { limit: 1 },
        ],
        [raw('{"s":"version","o":"desc","n":1e400}'), { limit: 1 }],
        [
          store.cursors.encode('versions', { s: 'version', o: 'desc', n: 1.5 }),
          { limit: 1 },
        ],
        // a cursor of another sort or order
        [nextCursor!, { limit: 1, order: 'asc' }],
        [nextCursor!, { limit: 1, sort: 'createdAt' }],
        [
          store.cursors.encode('versions', {
            s: 'createdAt',
            o: 'desc',
            v: 'yesterday',
            n: 2,
          }),
          { limit: 1, sort: 'createdAt' },
        ],
        [
          store.cursors.encode('versions', {
            s: 'createdAt',
            o: 'desc',
            v: { x: 1 },
            n: 2,
          }),
          { limit: 1, sort: 'createdAt' },
        ],
        [
          store.cursors.encode('versions', {
            s: 'status',
            o: 'desc',
            v: null,
            n: 2,
          }),
          { limit: 1, sort: 'status' },
        ],
      ];
      for (const [cursor, options] of bad) {
        await expect(
          store.listVersions(FRAUD, { ...options, cursor }),
        ).rejects.toThrow(InputError);
      }
      // The real cursor still works.
      expect(
        (
          await store.listVersions(FRAUD, { limit: 1, cursor: nextCursor })
        ).items.map(v => v.version),
      ).toEqual([2]);
    });
  });
});
