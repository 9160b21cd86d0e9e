import { InputError } from '@backstage/errors';
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

describeOnEachDatabase('listHistory', createStore => {
  // --- history ----------------------------------------------------------------------

  describe('listHistory', () => {
    it('lists a model or a version newest first, page by page', async () => {
      const { store } = await createStore();
      await store.registerVersion(FRAUD, input(1), aliceStage);
      await store.registerVersion(FRAUD, input(2), {
        ...aliceStage,
        actor: BOB,
      });
      await store.registerVersion(CHURN, input(1), aliceStage);
      await store.updateVersion(FRAUD, 1, { description: 'd' }, alice);
      await store.setAlias(FRAUD, 'champion', 1, {
        actor: BOB,
        comment: 'why',
      });
      await store.transitionStage(FRAUD, 2, 'staging', aliceStage);
      await store.registerModel(CHURN, { kind: 'MLModel' }, alice);

      const all = await store.listHistory(FRAUD, { limit: 100 });
      expect(all.nextCursor).toBeUndefined();
      expect(all.items.map(h => [h.action, h.version, h.actor])).toEqual([
        ['version.stage', 2, ALICE],
        ['alias.set', 1, BOB],
        ['version.update', 1, ALICE],
        ['version.register', 2, BOB],
        ['version.register', 1, ALICE],
      ]);
      const ids = all.items.map(h => h.id);
      expect([...ids].sort((a, b) => b - a)).toEqual(ids);
      expect(new Set(ids).size).toBe(ids.length);
      expect(all.items[1]).toMatchObject({
        modelRef: FRAUD,
        comment: 'why',
        createdAt: expect.stringMatching(ISO),
      });

      expect(
        (await store.listHistory(FRAUD, { version: 1, limit: 100 })).items.map(
          h => h.action,
        ),
      ).toEqual(['alias.set', 'version.update', 'version.register']);
      expect(
        (await store.listHistory(CHURN, { limit: 100 })).items.map(h => [
          h.action,
          h.version,
        ]),
      ).toEqual([
        ['model.register', undefined],
        ['version.register', 1],
      ]);
      expect(
        await store.listHistory('mlmodel:default/none', { limit: 10 }),
      ).toEqual({ items: [], nextCursor: undefined });

      const paged: number[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await store.listHistory(FRAUD, { limit: 2, cursor });
        paged.push(...page.items.map(h => h.id));
        cursor = page.nextCursor;
        pages++;
      } while (cursor);
      expect(pages).toBe(3);
      expect(paged).toEqual(ids);

      const first = await store.listHistory(FRAUD, { version: 1, limit: 2 });
      const rest = await store.listHistory(FRAUD, {
        version: 1,
        limit: 2,
        cursor: first.nextCursor,
      });
      expect(rest.items.map(h => h.action)).toEqual(['version.register']);
      expect(rest.nextCursor).toBeUndefined();

      for (const bad of [
        '%%%',
        store.cursors.encode('history', { i: '3' }),
        store.cursors.encode('history', { i: 1.5 }),
        store.cursors.encode('history', {}),
      ]) {
        await expect(
          store.listHistory(FRAUD, { limit: 2, cursor: bad }),
        ).rejects.toThrow(InputError);
      }
    });
  });
});
