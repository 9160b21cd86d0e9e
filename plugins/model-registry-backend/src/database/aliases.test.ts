import { NotFoundError } from '@backstage/errors';
import {
  alice,
  ALICE,
  aliceStage,
  BOB,
  CHURN,
  describeOnEachDatabase,
  FRAUD,
  input,
  ISO,
} from './__testUtils__/storeTestHarness';

jest.setTimeout(60_000);

describeOnEachDatabase('aliases', createStore => {
  // --- aliases ----------------------------------------------------------------------

  describe('aliases', () => {
    it('sets, moves, resolves, lists and deletes aliases', async () => {
      const { store } = await createStore();
      for (let i = 1; i <= 3; i++) {
        await store.registerVersion(FRAUD, input(i), aliceStage);
      }
      await store.registerVersion(CHURN, input(1), aliceStage);

      expect(await store.setAlias(FRAUD, 'champion', 1, alice)).toEqual({
        previousVersion: undefined,
      });
      expect(
        await store.setAlias(FRAUD, 'champion', 2, {
          actor: BOB,
          comment: 'promote',
        }),
      ).toEqual({ previousVersion: 1 });
      expect(await store.setAlias(FRAUD, 'challenger', 3, alice)).toEqual({
        previousVersion: undefined,
      });
      expect(await store.setAlias(FRAUD, 'best', 2, alice)).toEqual({
        previousVersion: undefined,
      });
      await store.setAlias(CHURN, 'champion', 1, alice);

      expect(await store.listAliases(FRAUD)).toEqual([
        {
          alias: 'best',
          version: 2,
          stage: 'none',
          updatedBy: ALICE,
          updatedAt: expect.stringMatching(ISO),
        },
        {
          alias: 'challenger',
          version: 3,
          stage: 'none',
          updatedBy: ALICE,
          updatedAt: expect.stringMatching(ISO),
        },
        {
          alias: 'champion',
          version: 2,
          stage: 'none',
          updatedBy: BOB,
          updatedAt: expect.stringMatching(ISO),
        },
      ]);
      expect(await store.getVersionByAlias(FRAUD, 'champion')).toMatchObject({
        modelRef: FRAUD,
        version: 2,
        aliases: ['best', 'champion'],
      });
      expect(await store.getVersionByAlias(CHURN, 'champion')).toMatchObject({
        modelRef: CHURN,
        version: 1,
      });
      expect(await store.getVersionByAlias(FRAUD, 'nope')).toBeUndefined();
      expect(
        await store.getVersionByAlias('mlmodel:default/none', 'champion'),
      ).toBeUndefined();
      expect((await store.getVersion(FRAUD, 1))?.aliases).toEqual([]);

      // Setting an alias to where it already points reports that version.
      expect(await store.setAlias(FRAUD, 'champion', 2, alice)).toEqual({
        previousVersion: 2,
      });

      await store.deleteAlias(FRAUD, 'best', { actor: BOB, comment: 'bye' });
      expect((await store.listAliases(FRAUD)).map(a => a.alias)).toEqual([
        'challenger',
        'champion',
      ]);
      expect(await store.getVersionByAlias(FRAUD, 'best')).toBeUndefined();
      await expect(store.deleteAlias(FRAUD, 'best', alice)).rejects.toThrow(
        NotFoundError,
      );

      const history = (await store.listHistory(FRAUD, { limit: 4 })).items;
      expect(
        history.map(h => [h.action, h.version, h.before, h.after]),
      ).toEqual([
        ['alias.delete', 2, { alias: 'best', version: 2 }, undefined],
        [
          'alias.set',
          2,
          { alias: 'champion', version: 2 },
          { alias: 'champion', version: 2 },
        ],
        ['alias.set', 2, undefined, { alias: 'best', version: 2 }],
        ['alias.set', 3, undefined, { alias: 'challenger', version: 3 }],
      ]);
      const moved = (
        await store.listHistory(FRAUD, { version: 2, limit: 10 })
      ).items.find(h => h.comment === 'promote');
      expect(moved).toMatchObject({
        action: 'alias.set',
        actor: BOB,
        before: { alias: 'champion', version: 1 },
        after: { alias: 'champion', version: 2 },
      });
    });

    it('refuses an alias to a deleted or missing version', async () => {
      const { store } = await createStore();
      await store.registerVersion(FRAUD, input(1), aliceStage);
      await store.registerVersion(FRAUD, input(2), aliceStage);
      await store.setAlias(FRAUD, 'champion', 1, alice);
      await store.deleteVersion(FRAUD, 2, aliceStage);

      await expect(store.setAlias(FRAUD, 'champion', 2, alice)).rejects.toThrow(
        NotFoundError,
      );
      await expect(store.setAlias(FRAUD, 'champion', 7, alice)).rejects.toThrow(
        NotFoundError,
      );
      await expect(store.setAlias(CHURN, 'champion', 1, alice)).rejects.toThrow(
        NotFoundError,
      );
      await expect(store.deleteAlias(CHURN, 'champion', alice)).rejects.toThrow(
        NotFoundError,
      );
      // Nothing changed.
      expect(await store.listAliases(FRAUD)).toEqual([
        expect.objectContaining({ alias: 'champion', version: 1 }),
      ]);
      expect(await store.listAliases(CHURN)).toEqual([]);
    });
  });
});
