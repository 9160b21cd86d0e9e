import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  ALICE,
  aliceStage,
  BOB,
  CHURN,
  describeOnEachDatabase,
  FRAUD,
  input,
} from './__testUtils__/storeTestHarness';

jest.setTimeout(60_000);

describeOnEachDatabase('transitionStage', createStore => {
  // --- transitionStage --------------------------------------------------------------

  describe('transitionStage', () => {
    it('archives the previous production version in the same call', async () => {
      const { store } = await createStore();
      for (let i = 1; i <= 4; i++) {
        await store.registerVersion(FRAUD, input(i), aliceStage);
      }
      await store.registerVersion(CHURN, input(1), aliceStage);
      await store.transitionStage(CHURN, 1, 'production', aliceStage);

      const staging = await store.transitionStage(
        FRAUD,
        1,
        'staging',
        aliceStage,
      );
      expect(staging.archived).toEqual([]);
      expect(staging.version).toMatchObject({ version: 1, stage: 'staging' });
      expect(await store.getVersion(FRAUD, 1)).toEqual(staging.version);

      const first = await store.transitionStage(FRAUD, 1, 'production', {
        ...aliceStage,
        comment: 'go live',
      });
      expect(first.archived).toEqual([]);
      expect(first.version.stage).toBe('production');

      const second = await store.transitionStage(FRAUD, 2, 'production', {
        ...aliceStage,
        actor: BOB,
        comment: 'better auc',
      });
      expect(second.archived).toEqual([1]);
      expect(second.version).toMatchObject({
        version: 2,
        stage: 'production',
        updatedBy: BOB,
      });
      expect(second.version.stageUpdatedAt).toBe(second.version.updatedAt);
      expect(await store.getVersion(FRAUD, 1)).toMatchObject({
        stage: 'archived',
        updatedBy: BOB,
      });
      expect(
        (
          await store.listVersions(FRAUD, { limit: 10, stage: 'production' })
        ).items.map(v => v.version),
      ).toEqual([2]);
      // Other models are untouched.
      expect((await store.getVersion(CHURN, 1))?.stage).toBe('production');

      // Staging holds many.
      await store.transitionStage(FRAUD, 3, 'staging', aliceStage);
      const four = await store.transitionStage(FRAUD, 4, 'staging', aliceStage);
      expect(four.archived).toEqual([]);
      expect(
        (
          await store.listVersions(FRAUD, { limit: 10, stage: 'staging' })
        ).items.map(v => v.version),
      ).toEqual([4, 3]);

      // An archived version can come back, archiving the current one.
      const back = await store.transitionStage(
        FRAUD,
        1,
        'production',
        aliceStage,
      );
      expect(back.archived).toEqual([2]);
      expect((await store.getVersion(FRAUD, 2))?.stage).toBe('archived');

      const h1 = (await store.listHistory(FRAUD, { version: 1, limit: 10 }))
        .items;
      expect(
        h1.map(h => [h.action, h.actor, h.before, h.after, h.comment]),
      ).toEqual([
        [
          'version.stage',
          ALICE,
          { stage: 'archived' },
          { stage: 'production', archived: [2] },
          undefined,
        ],
        [
          'version.stage',
          BOB,
          { stage: 'production' },
          { stage: 'archived' },
          'Replaced in production by version 2: better auc',
        ],
        [
          'version.stage',
          ALICE,
          { stage: 'staging' },
          { stage: 'production', archived: [] },
          'go live',
        ],
        [
          'version.stage',
          ALICE,
          { stage: 'none' },
          { stage: 'staging', archived: [] },
          undefined,
        ],
        ['version.register', ALICE, undefined, expect.anything(), undefined],
      ]);
      const h2 = (await store.listHistory(FRAUD, { version: 2, limit: 2 }))
        .items;
      expect(h2.map(h => [h.action, h.before, h.after])).toEqual([
        ['version.stage', { stage: 'production' }, { stage: 'archived' }],
        [
          'version.stage',
          { stage: 'none' },
          { stage: 'production', archived: [1] },
        ],
      ]);
    });

    it('archives every other version of the target stage with archiveOthers, in the same transaction', async () => {
      const { store } = await createStore();
      for (let i = 1; i <= 4; i++) {
        await store.registerVersion(FRAUD, input(i), aliceStage);
      }
      await store.transitionStage(FRAUD, 1, 'staging', aliceStage);
      await store.transitionStage(FRAUD, 2, 'staging', aliceStage);
      const moved = await store.transitionStage(FRAUD, 3, 'staging', {
        ...aliceStage,
        archiveOthers: true,
      });
      expect(moved.archived).toEqual([1, 2]);
      const stages = await Promise.all(
        [1, 2, 3, 4].map(async v => (await store.getVersion(FRAUD, v))?.stage),
      );
      expect(stages).toEqual(['archived', 'archived', 'staging', 'none']);
      const history = await store.listHistory(FRAUD, { version: 1, limit: 1 });
      expect(history.items[0]).toMatchObject({
        action: 'version.stage',
        before: { stage: 'staging' },
        after: { stage: 'archived' },
      });
      // nothing else in the stage: nothing archived; into the archived stage: nothing either
      const again = await store.transitionStage(FRAUD, 4, 'archived', {
        ...aliceStage,
        archiveOthers: true,
      });
      expect(again.archived).toEqual([]);
    });

    it('refuses to move the production version out of production directly', async () => {
      const { store } = await createStore();
      await store.registerVersion(FRAUD, input(1), aliceStage);
      await store.transitionStage(FRAUD, 1, 'production', aliceStage);
      for (const stage of ['staging', 'archived', 'none']) {
        await expect(
          store.transitionStage(FRAUD, 1, stage, aliceStage),
        ).rejects.toThrow(ConflictError);
      }
      expect((await store.getVersion(FRAUD, 1))?.stage).toBe('production');
      // Promoting to where it already is changes nothing.
      const same = await store.transitionStage(
        FRAUD,
        1,
        'production',
        aliceStage,
      );
      expect(same).toMatchObject({
        archived: [],
        version: { stage: 'production' },
      });
      const history = await store.listHistory(FRAUD, { limit: 10 });
      expect(history.items.map(h => h.action)).toEqual([
        'version.stage',
        'version.register',
      ]);
      await expect(
        store.transitionStage(FRAUD, 2, 'staging', aliceStage),
      ).rejects.toThrow(NotFoundError);
      await expect(
        store.transitionStage(CHURN, 1, 'staging', aliceStage),
      ).rejects.toThrow(NotFoundError);
    });
  });
});
