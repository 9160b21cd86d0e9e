import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import {
  alice,
  ALICE,
  aliceStage,
  bob,
  BOB,
  CHURN,
  describeOnEachDatabase,
  FRAUD,
  input,
  ISO,
  rules,
} from './__testUtils__/storeTestHarness';

jest.setTimeout(60_000);

describeOnEachDatabase('models', createStore => {
  // --- summaries --------------------------------------------------------------------

  describe('getSummaries', () => {
    it('summarises many models at once with a fixed number of queries', async () => {
      const { store, knex } = await createStore();
      for (let i = 1; i <= 4; i++) {
        await store.registerVersion(FRAUD, input(i), aliceStage);
      }
      await store.transitionStage(FRAUD, 2, 'production', aliceStage);
      await store.transitionStage(FRAUD, 3, 'staging', aliceStage);
      await store.setAlias(FRAUD, 'champion', 2, alice);
      await store.setAlias(FRAUD, 'challenger', 3, alice);
      await store.setAlias(FRAUD, 'doomed', 4, alice);
      await store.deleteVersion(FRAUD, 4, aliceStage);
      await store.registerVersion(CHURN, input(1), aliceStage);
      const API = 'mlmodel:default/api-only';
      await store.registerModel(API, { kind: 'MLModel' }, alice);

      const summaries = await store.getSummaries(
        [FRAUD, CHURN, API, 'mlmodel:default/unknown'],
        rules,
      );
      expect([...summaries.keys()].sort()).toEqual([API, CHURN, FRAUD]);
      expect(summaries.get(FRAUD)).toEqual({
        modelRef: FRAUD,
        registeredByApi: false,
        versionCount: 3,
        latestVersion: 3,
        stageOccupants: { production: 2 },
        aliases: { champion: 2, challenger: 3 },
      });
      expect(summaries.get(CHURN)).toEqual({
        modelRef: CHURN,
        registeredByApi: false,
        versionCount: 1,
        latestVersion: 1,
        stageOccupants: {},
        aliases: {},
      });
      expect(summaries.get(API)).toEqual({
        modelRef: API,
        registeredByApi: true,
        versionCount: 0,
        stageOccupants: {},
        aliases: {},
      });
      expect(summaries.get(API)?.latestVersion).toBeUndefined();
      expect((await store.getSummaries([], rules)).size).toBe(0);

      // The number of queries does not grow with the number of models.
      const many = Array.from(
        { length: 20 },
        (_, i) => `mlmodel:default/m${i}`,
      );
      for (const ref of many) {
        await store.registerVersion(ref, input(1), aliceStage);
        await store.setAlias(ref, 'champion', 1, alice);
      }
      const countQueries = async (refs: string[]) => {
        let n = 0;
        const listener = () => n++;
        knex.on('query', listener);
        try {
          await store.getSummaries(refs, rules);
        } finally {
          knex.removeListener('query', listener);
        }
        return n;
      };
      const few = await countQueries(many.slice(0, 2));
      expect(few).toBeGreaterThan(0);
      expect(await countQueries(many)).toBe(few);
      const manySummaries = await store.getSummaries(many, rules);
      expect(manySummaries.size).toBe(20);
      expect(manySummaries.get(many[7])).toMatchObject({
        versionCount: 1,
        latestVersion: 1,
        aliases: { champion: 1 },
      });
    });
  });

  describe('getModelOverviews', () => {
    it('reads the newest version per stage, aliases, tags and API registration of many models in fixed statements', async () => {
      const { store, knex } = await createStore();
      for (let i = 1; i <= 5; i++) {
        await store.registerVersion(FRAUD, input(i), aliceStage);
      }
      await store.transitionStage(FRAUD, 2, 'production', aliceStage);
      await store.transitionStage(FRAUD, 3, 'staging', aliceStage);
      await store.transitionStage(FRAUD, 4, 'staging', aliceStage);
      await store.setAlias(FRAUD, 'champion', 2, alice);
      await store.setModelTag(FRAUD, 'team', 'risk', alice);
      // a deleted version is never the newest of its stage
      await store.deleteVersion(FRAUD, 5, aliceStage);
      const API = 'mlmodel:default/api-overview';
      await store.registerModel(
        API,
        { kind: 'MLModel', metadata: { description: 'from the API' } },
        alice,
      );
      const UNKNOWN = 'mlmodel:default/unknown';

      const overviews = await store.getModelOverviews(
        [FRAUD, API, UNKNOWN, FRAUD],
        rules.stages,
      );
      expect([...overviews.keys()]).toEqual([FRAUD, API, UNKNOWN]);
      const fraud = overviews.get(FRAUD)!;
      expect(fraud.apiModel).toBeUndefined();
      expect(fraud.latestVersions.map(v => [v.version, v.stage])).toEqual([
        [1, 'none'],
        [2, 'production'],
        [4, 'staging'],
      ]);
      expect(fraud.latestVersions[1]).toEqual(await store.getVersion(FRAUD, 2));
      expect(fraud.aliases).toMatchObject([{ alias: 'champion', version: 2 }]);
      expect(fraud.tags).toEqual({ team: 'risk' });
      expect(overviews.get(API)).toMatchObject({
        apiModel: {
          modelRef: API,
          entity: { metadata: { description: 'from the API' } },
        },
        aliases: [],
        latestVersions: [],
        tags: {},
      });
      expect(overviews.get(UNKNOWN)).toEqual({
        aliases: [],
        latestVersions: [],
        tags: {},
      });
      const staging = await store.getModelOverviews([FRAUD], ['staging']);
      expect(staging.get(FRAUD)!.latestVersions.map(v => v.version)).toEqual([
        4,
      ]);

      const many = Array.from(
        { length: 12 },
        (_, i) => `mlmodel:default/o${i}`,
      );
      for (const ref of many) {
        await store.registerVersion(ref, input(1), aliceStage);
        await store.registerVersion(ref, input(2), aliceStage);
      }
      const countQueries = async (refs: string[]) => {
        let n = 0;
        const listener = () => n++;
        knex.on('query', listener);
        try {
          await store.getModelOverviews(refs, rules.stages);
        } finally {
          knex.removeListener('query', listener);
        }
        return n;
      };
      expect(await countQueries(many)).toBe(
        await countQueries(many.slice(0, 1)),
      );
    });
  });

  // --- API-registered models --------------------------------------------------------

  describe('registerModel and deleteModel', () => {
    it('registers, lists, deletes and re-registers a model', async () => {
      const { store } = await createStore();
      const entity = {
        apiVersion: 'mlregistry.io/v1alpha1',
        kind: 'MLModel',
        metadata: { name: 'fraud' },
      };
      const registered = await store.registerModel(FRAUD, entity, {
        actor: ALICE,
        comment: 'new',
      });
      expect(registered).toEqual({
        modelRef: FRAUD,
        entity,
        createdBy: ALICE,
        createdAt: expect.stringMatching(ISO),
        updatedAt: registered.createdAt,
      });
      expect(await store.getApiModel(FRAUD)).toEqual(registered);
      await expect(store.registerModel(FRAUD, entity, bob)).rejects.toThrow(
        ConflictError,
      );
      await store.registerModel(CHURN, { kind: 'MLModel' }, bob);
      expect(
        (await store.listApiModels({ limit: 100 })).items.map(m => m.modelRef),
      ).toEqual([CHURN, FRAUD]);

      // Versions and aliases of an API-registered model.
      await store.registerVersion(FRAUD, input(1), aliceStage);
      await store.registerVersion(FRAUD, input(2), aliceStage);
      await store.setAlias(FRAUD, 'champion', 2, alice);

      await store.deleteModel(FRAUD, { actor: BOB, comment: 'retired' });
      expect(await store.getApiModel(FRAUD)).toBeUndefined();
      expect(
        (await store.listApiModels({ limit: 100 })).items.map(m => m.modelRef),
      ).toEqual([CHURN]);
      expect(await store.listAliases(FRAUD)).toEqual([]);
      expect((await store.getSummaries([FRAUD], rules)).get(FRAUD)).toEqual({
        modelRef: FRAUD,
        registeredByApi: false,
        versionCount: 2,
        latestVersion: 2,
        stageOccupants: {},
        aliases: {},
      });
      await expect(store.deleteModel(FRAUD, alice)).rejects.toThrow(
        NotFoundError,
      );
      const [deleted] = (await store.listHistory(FRAUD, { limit: 1 })).items;
      expect(deleted).toMatchObject({
        action: 'model.delete',
        actor: BOB,
        comment: 'retired',
        before: entity,
      });

      // Re-registering after a delete works; nothing of the aliases carries over and
      // version numbers carry on.
      const again = await store.registerModel(
        FRAUD,
        { ...entity, metadata: { name: 'fraud', title: 'Fraud v2' } },
        bob,
      );
      expect(again.entity).toEqual({
        ...entity,
        metadata: { name: 'fraud', title: 'Fraud v2' },
      });
      expect(await store.getApiModel(FRAUD)).toMatchObject({
        modelRef: FRAUD,
        entity: again.entity,
      });
      expect(await store.listAliases(FRAUD)).toEqual([]);
      expect(
        (await store.registerVersion(FRAUD, input(3), aliceStage)).version
          .version,
      ).toBe(3);
      expect(
        (await store.listApiModels({ limit: 100 })).items.map(m => m.modelRef),
      ).toEqual([CHURN, FRAUD]);
      expect(
        (await store.listHistory(FRAUD, { limit: 100 })).items
          .map(h => h.action)
          .filter(a => a.startsWith('model.')),
      ).toEqual(['model.register', 'model.delete', 'model.register']);
    });

    it('adopts a model that so far only had versions, and refuses to delete one it never registered', async () => {
      const { store } = await createStore();
      await store.registerVersion(FRAUD, input(1), aliceStage);
      expect(await store.getApiModel(FRAUD)).toBeUndefined();
      expect((await store.listApiModels({ limit: 100 })).items).toEqual([]);
      await expect(store.deleteModel(FRAUD, alice)).rejects.toThrow(
        NotFoundError,
      );
      await expect(store.deleteModel(CHURN, alice)).rejects.toThrow(
        NotFoundError,
      );

      const adopted = await store.registerModel(
        FRAUD,
        { kind: 'MLModel' },
        bob,
      );
      expect(adopted).toMatchObject({
        modelRef: FRAUD,
        entity: { kind: 'MLModel' },
        createdBy: ALICE,
      });
      expect(await store.getApiModel(FRAUD)).toMatchObject({
        modelRef: FRAUD,
        createdBy: ALICE,
      });
      expect((await store.getSummaries([FRAUD], rules)).get(FRAUD)).toEqual(
        expect.objectContaining({ registeredByApi: true, versionCount: 1 }),
      );
      expect(
        (await store.registerVersion(FRAUD, input(2), aliceStage)).version
          .version,
      ).toBe(2);
    });
  });

  describe('listApiModels', () => {
    it('pages through the live API models by model ref', async () => {
      const { store } = await createStore();
      const refs = ['c', 'a', 'e', 'b', 'd'].map(n => `mlmodel:default/${n}`);
      for (const ref of refs) {
        await store.registerModel(ref, { kind: 'MLModel' }, alice);
      }
      await store.deleteModel('mlmodel:default/b', alice);
      // A model with versions only is not an API model.
      await store.registerVersion('mlmodel:default/aa', input(1), aliceStage);

      const seen: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await store.listApiModels({ limit: 2, cursor });
        expect(page.items.length).toBeGreaterThan(0);
        expect(page.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.items.map(m => m.modelRef));
        cursor = page.nextCursor;
        pages++;
      } while (cursor && pages < 10);
      expect(seen).toEqual(
        ['a', 'c', 'd', 'e'].map(n => `mlmodel:default/${n}`),
      );
      expect(pages).toBe(2);

      await expect(
        store.listApiModels({
          limit: 2,
          cursor: store.cursors.encode('history', { m: 'mlmodel:default/a' }),
        }),
      ).rejects.toThrow(InputError);
      await expect(
        store.listApiModels({
          limit: 2,
          cursor: store.cursors.encode('entity-provider', { m: 5 }),
        }),
      ).rejects.toThrow(InputError);
    });
  });
});
