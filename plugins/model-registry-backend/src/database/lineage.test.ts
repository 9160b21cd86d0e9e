import { InputError, NotFoundError } from '@backstage/errors';
import {
  alice,
  ALICE,
  aliceStage,
  BOB,
  describeOnEachDatabase,
  input,
  countRows,
  ISO,
} from './__testUtils__/storeTestHarness';
import {
  BASE,
  COMMIT,
  FT,
  OTHER,
  seedLineage,
} from './__testUtils__/lineageFixture';

jest.setTimeout(60_000);

describeOnEachDatabase('lineage edges', createStore => {
  describe('lineage', () => {
    it('adds and lists edges', async () => {
      const { store } = await createStore();
      const added = await seedLineage(store);
      expect(added).toEqual([
        {
          id: expect.any(Number),
          modelRef: BASE,
          version: 2,
          relation: 'evaluatedOn',
          targetType: 'entity',
          target: 'resource:default/holdout',
          createdBy: BOB,
          createdAt: expect.stringMatching(ISO),
        },
      ]);
      const edges = await store.listLineageEdges(BASE, 2);
      expect(
        edges.map(e => [e.relation, e.targetType, e.target, e.targetVersion]),
      ).toEqual([
        ['trainedOn', 'entity', 'resource:default/corpus-v2', undefined],
        ['builtFromCommit', 'uri', COMMIT, undefined],
        ['servedBy', 'entity', 'component:default/base-api', undefined],
        ['evaluatedOn', 'entity', 'resource:default/holdout', undefined],
      ]);
      expect(edges[3]).toEqual(added[0]);
      expect((await store.listLineageEdges(FT, 1))[0]).toMatchObject({
        relation: 'fineTunedFrom',
        target: BASE,
        targetVersion: 2,
      });
      expect(await store.listLineageEdges(BASE, 9)).toEqual([]);

      const [entry] = (await store.listHistory(BASE, { version: 2, limit: 1 }))
        .items;
      expect(entry).toMatchObject({
        action: 'lineage.add',
        actor: BOB,
        comment: 'eval',
        // as stored: JSON, so without the undefined targetVersion
        after: { edges: JSON.parse(JSON.stringify(added)) },
      });
      await expect(
        store.addLineage(
          BASE,
          9,
          [{ relation: 'trainedOn', entityRef: 'resource:default/x' }],
          alice,
        ),
      ).rejects.toThrow(NotFoundError);
    });

    it('finds the versions linked to a dataset, page by page', async () => {
      const { store } = await createStore();
      const CORPUS = 'resource:default/corpus';
      await store.registerVersion(
        BASE,
        input(1, { lineage: [{ relation: 'trainedOn', entityRef: CORPUS }] }),
        aliceStage,
      );
      await store.registerVersion(BASE, input(2), aliceStage);
      await store.registerVersion(
        BASE,
        input(3, { lineage: [{ relation: 'trainedOn', entityRef: CORPUS }] }),
        aliceStage,
      );
      await store.registerVersion(
        FT,
        input(1, {
          lineage: [
            { relation: 'evaluatedOn', entityRef: CORPUS },
            {
              relation: 'trainedOn',
              entityRef: 'resource:default/corpus-v2',
            },
          ],
        }),
        aliceStage,
      );
      await store.addLineage(
        OTHER,
        (
          await store.registerVersion(OTHER, input(1), aliceStage)
        ).version.version,
        [{ relation: 'trainedOn', entityRef: CORPUS }],
        alice,
      );

      const all = await store.findVersionsLinkedTo(CORPUS, { limit: 10 });
      expect(all.items.map(e => [e.modelRef, e.version, e.relation])).toEqual([
        [BASE, 1, 'trainedOn'],
        [BASE, 3, 'trainedOn'],
        [FT, 1, 'evaluatedOn'],
        [OTHER, 1, 'trainedOn'],
      ]);
      expect(all.nextCursor).toBeUndefined();
      expect(all.items[0]).toEqual({
        id: expect.any(Number),
        modelRef: BASE,
        version: 1,
        relation: 'trainedOn',
        targetType: 'entity',
        target: CORPUS,
        createdBy: ALICE,
        createdAt: expect.stringMatching(ISO),
      });

      const trainedOn = await store.findVersionsLinkedTo(CORPUS, {
        relation: 'trainedOn',
        limit: 10,
      });
      expect(trainedOn.items.map(e => `${e.modelRef}@${e.version}`)).toEqual([
        `${BASE}@1`,
        `${BASE}@3`,
        `${OTHER}@1`,
      ]);

      const paged: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.findVersionsLinkedTo(CORPUS, {
          limit: 1,
          cursor,
        });
        expect(page.items).toHaveLength(1);
        paged.push(`${page.items[0].modelRef}@${page.items[0].version}`);
        cursor = page.nextCursor;
      } while (cursor);
      expect(paged).toEqual([
        `${BASE}@1`,
        `${BASE}@3`,
        `${FT}@1`,
        `${OTHER}@1`,
      ]);

      await store.deleteVersion(BASE, 3, aliceStage);
      expect(
        (await store.findVersionsLinkedTo(CORPUS, { limit: 10 })).items.map(
          e => `${e.modelRef}@${e.version}`,
        ),
      ).toEqual([`${BASE}@1`, `${FT}@1`, `${OTHER}@1`]);
      expect(
        await store.findVersionsLinkedTo('resource:default/unused', {
          limit: 10,
        }),
      ).toEqual({ items: [], nextCursor: undefined });

      for (const bad of [
        'garbage!!',
        store.cursors.encode('dependents', { i: 'x' }),
        store.cursors.encode('dependents', { i: 1.5 }),
        store.cursors.encode('dependents', { s: 'version' }),
      ]) {
        await expect(
          store.findVersionsLinkedTo(CORPUS, { limit: 1, cursor: bad }),
        ).rejects.toThrow(InputError);
      }
    });
  });

  describe('edges to model versions', () => {
    it('refuses an edge to a version that was never registered or was deleted, writing nothing', async () => {
      const { store, knex } = await createStore();
      await store.registerVersion(BASE, input(1), aliceStage);
      await store.registerVersion(BASE, input(2), aliceStage);
      await store.deleteVersion(BASE, 2, aliceStage);
      const before = {
        versions: await countRows(knex, 'model_versions'),
        edges: await countRows(knex, 'lineage_edges'),
        history: await countRows(knex, 'history'),
      };
      const registration = (version: number) =>
        input(9, {
          lineage: [
            { relation: 'trainedOn', entityRef: 'resource:default/corpus' },
            { relation: 'fineTunedFrom', entityRef: BASE, version },
          ],
        });
      await expect(
        store.registerVersion(FT, registration(7), aliceStage),
      ).rejects.toThrow(
        new InputError(`lineage[1].version: ${BASE} has no version 7`),
      );
      await expect(
        store.registerVersion(FT, registration(2), {
          ...aliceStage,
          lineageField: 'body.lineage',
        }),
      ).rejects.toThrow(
        new InputError(`body.lineage[1].version: ${BASE} has no version 2`),
      );
      await expect(
        store.registerVersion(FT, registration(3_000_000_000), aliceStage),
      ).rejects.toThrow(InputError);
      await expect(
        store.addLineage(
          BASE,
          1,
          [{ relation: 'fineTunedFrom', entityRef: OTHER, version: 1 }],
          alice,
        ),
      ).rejects.toThrow(
        new InputError(`edges[0].version: ${OTHER} has no version 1`),
      );
      expect({
        versions: await countRows(knex, 'model_versions'),
        edges: await countRows(knex, 'lineage_edges'),
        history: await countRows(knex, 'history'),
      }).toEqual(before);
      expect(await store.getVersion(FT, 1)).toBeUndefined();

      // A live version, or a model without a version, is fine.
      const ok = await store.registerVersion(
        FT,
        input(10, {
          lineage: [
            { relation: 'fineTunedFrom', entityRef: BASE, version: 1 },
            { relation: 'trainedOn', entityRef: OTHER },
          ],
        }),
        aliceStage,
      );
      expect(ok.version.version).toBe(1);
      expect(await store.listLineageEdges(FT, 1)).toHaveLength(2);
    });
  });
});
