import { NotFoundError } from '@backstage/errors';
import {
  aliceStage,
  describeOnEachDatabase,
  input,
} from './__testUtils__/storeTestHarness';
import {
  BASE,
  byId,
  COMMIT,
  eNode,
  FT,
  FT2,
  graph,
  LOOSE,
  normalizeGraph,
  OTHER,
  seedLineage,
  uNode,
  vId,
  vNode,
} from './__testUtils__/lineageFixture';

jest.setTimeout(60_000);

describeOnEachDatabase('lineage walks', createStore => {
  describe('lineage', () => {
    it('walks upstream through fine-tuned-from chains with a depth limit', async () => {
      const { store } = await createStore();
      await seedLineage(store);

      expect(
        normalizeGraph(
          await store.getLineage(FT2, 1, { direction: 'upstream', depth: 1 }),
        ),
      ).toEqual(
        graph(
          vId(FT2, 1),
          [vNode(FT, 1, -1), vNode(FT2, 1, 0)],
          [`${vId(FT2, 1)} -fineTunedFrom-> ${vId(FT, 1)}`],
        ),
      );

      expect(
        normalizeGraph(
          await store.getLineage(FT2, 1, { direction: 'upstream', depth: 2 }),
        ),
      ).toEqual(
        graph(
          vId(FT2, 1),
          [
            eNode('resource:default/tickets', -2),
            vNode(BASE, 2, -2),
            vNode(FT, 1, -1),
            vNode(FT2, 1, 0),
          ],
          [
            `${vId(FT, 1)} -fineTunedFrom-> ${vId(BASE, 2)}`,
            `${vId(FT, 1)} -trainedOn-> entity:resource:default/tickets`,
            `${vId(FT2, 1)} -fineTunedFrom-> ${vId(FT, 1)}`,
          ],
        ),
      );

      const deep = normalizeGraph(
        await store.getLineage(FT2, 1, { direction: 'upstream', depth: 5 }),
      );
      expect(deep.nodes).toEqual(
        [
          eNode('resource:default/corpus-v2', -3),
          eNode('resource:default/holdout', -3),
          eNode('resource:default/tickets', -2),
          uNode(COMMIT, -3),
          vNode(BASE, 2, -2),
          vNode(FT, 1, -1),
          vNode(FT2, 1, 0),
        ].sort(byId),
      );
      // servedBy is not an input.
      expect(deep.edges.some(e => e.includes('servedBy'))).toBe(false);
      expect(deep.edges).toHaveLength(6);

      // An edge to a model without a version ends the walk at the model entity.
      expect(
        normalizeGraph(
          await store.getLineage(LOOSE, 1, {
            direction: 'upstream',
            depth: 3,
          }),
        ),
      ).toEqual(
        graph(
          vId(LOOSE, 1),
          [eNode(BASE, -1), vNode(LOOSE, 1, 0)],
          [`${vId(LOOSE, 1)} -fineTunedFrom-> entity:${BASE}`],
        ),
      );
    });

    it('walks downstream to fine-tuned versions and serving consumers', async () => {
      const { store } = await createStore();
      await seedLineage(store);

      expect(
        normalizeGraph(
          await store.getLineage(BASE, 2, {
            direction: 'downstream',
            depth: 1,
          }),
        ),
      ).toEqual(
        graph(
          vId(BASE, 2),
          [
            eNode('component:default/base-api', 1),
            vNode(BASE, 2, 0),
            vNode(FT, 1, 1),
            vNode(LOOSE, 1, 1),
          ],
          [
            `${vId(BASE, 2)} -servedBy-> entity:component:default/base-api`,
            `${vId(FT, 1)} -fineTunedFrom-> ${vId(BASE, 2)}`,
            `${vId(LOOSE, 1)} -fineTunedFrom-> ${vId(BASE, 2)}`,
          ],
        ),
      );

      expect(
        normalizeGraph(
          await store.getLineage(BASE, 2, {
            direction: 'downstream',
            depth: 2,
          }),
        ),
      ).toEqual(
        graph(
          vId(BASE, 2),
          [
            eNode('component:default/base-api', 1),
            eNode('component:default/fraud-api', 2),
            vNode(BASE, 2, 0),
            vNode(FT, 1, 1),
            vNode(FT2, 1, 2),
            vNode(LOOSE, 1, 1),
          ],
          [
            `${vId(BASE, 2)} -servedBy-> entity:component:default/base-api`,
            `${vId(FT, 1)} -fineTunedFrom-> ${vId(BASE, 2)}`,
            `${vId(FT, 1)} -servedBy-> entity:component:default/fraud-api`,
            `${vId(FT2, 1)} -fineTunedFrom-> ${vId(FT, 1)}`,
            `${vId(LOOSE, 1)} -fineTunedFrom-> ${vId(BASE, 2)}`,
          ],
        ),
      );

      // Version 1 of base has other descendants than version 2.
      expect(
        normalizeGraph(
          await store.getLineage(BASE, 1, {
            direction: 'downstream',
            depth: 3,
          }),
        ).nodes.map(n => n.id),
      ).toEqual([vId(BASE, 1), vId(LOOSE, 1), vId(OTHER, 1)]);

      // Deleted versions drop out.
      await store.deleteVersion(FT2, 1, aliceStage);
      expect(
        normalizeGraph(
          await store.getLineage(FT, 1, {
            direction: 'downstream',
            depth: 3,
          }),
        ),
      ).toEqual(
        graph(
          vId(FT, 1),
          [eNode('component:default/fraud-api', 1), vNode(FT, 1, 0)],
          [`${vId(FT, 1)} -servedBy-> entity:component:default/fraud-api`],
        ),
      );
      await expect(
        store.getLineage(FT2, 1, { direction: 'both', depth: 1 }),
      ).rejects.toThrow(NotFoundError);
    });

    it('walks both ways', async () => {
      const { store } = await createStore();
      await seedLineage(store);
      expect(
        normalizeGraph(
          await store.getLineage(FT, 1, { direction: 'both', depth: 1 }),
        ),
      ).toEqual(
        graph(
          vId(FT, 1),
          [
            eNode('component:default/fraud-api', 1),
            eNode('resource:default/tickets', -1),
            vNode(BASE, 2, -1),
            vNode(FT, 1, 0),
            vNode(FT2, 1, 1),
          ],
          [
            `${vId(FT, 1)} -fineTunedFrom-> ${vId(BASE, 2)}`,
            `${vId(FT, 1)} -servedBy-> entity:component:default/fraud-api`,
            `${vId(FT, 1)} -trainedOn-> entity:resource:default/tickets`,
            `${vId(FT2, 1)} -fineTunedFrom-> ${vId(FT, 1)}`,
          ],
        ),
      );
      // Depth 0 is the root alone.
      expect(
        await store.getLineage(FT, 1, { direction: 'both', depth: 0 }),
      ).toEqual(graph(vId(FT, 1), [vNode(FT, 1, 0)], []));
    });

    it('lists descendants across models with their depth', async () => {
      const { store } = await createStore();
      await seedLineage(store);
      await store.registerVersion(
        FT,
        input(2, {
          lineage: [{ relation: 'fineTunedFrom', entityRef: BASE, version: 1 }],
        }),
        aliceStage,
      );
      // A version of base tuned from an earlier one is not its own descendant.
      await store.registerVersion(
        BASE,
        input(3, {
          lineage: [{ relation: 'fineTunedFrom', entityRef: BASE, version: 2 }],
        }),
        aliceStage,
      );

      expect(
        (await store.getDescendants(BASE, { depth: 1, limit: 100 })).items,
      ).toEqual([
        {
          modelRef: FT,
          version: 1,
          depth: 1,
          parentModelRef: BASE,
          parentVersion: 2,
        },
        {
          modelRef: FT,
          version: 2,
          depth: 1,
          parentModelRef: BASE,
          parentVersion: 1,
        },
        {
          modelRef: LOOSE,
          version: 1,
          depth: 1,
          parentModelRef: BASE,
          parentVersion: undefined,
        },
        {
          modelRef: OTHER,
          version: 1,
          depth: 1,
          parentModelRef: BASE,
          parentVersion: 1,
        },
      ]);
      const deep = (await store.getDescendants(BASE, { depth: 5, limit: 100 }))
        .items;
      expect(deep.map(d => `${d.modelRef}@${d.version}:${d.depth}`)).toEqual([
        `${FT}@1:1`,
        `${FT}@2:1`,
        `${LOOSE}@1:1`,
        `${OTHER}@1:1`,
        `${FT2}@1:2`,
      ]);
      expect(deep[4]).toEqual({
        modelRef: FT2,
        version: 1,
        depth: 2,
        parentModelRef: FT,
        parentVersion: 1,
      });
      expect(
        (await store.getDescendants(FT2, { depth: 5, limit: 100 })).items,
      ).toEqual([]);
      expect(
        (await store.getDescendants(BASE, { depth: 0, limit: 100 })).items,
      ).toEqual([]);

      await store.deleteVersion(FT2, 1, aliceStage);
      expect(
        (await store.getDescendants(FT, { depth: 5, limit: 100 })).items.map(
          d => d.modelRef,
        ),
      ).toEqual([]);
    });
  });
});
