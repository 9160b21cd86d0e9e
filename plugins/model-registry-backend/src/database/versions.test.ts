import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import { IdempotencyKeyReusedError } from './idempotency';
import {
  alice,
  ALICE,
  aliceStage,
  BOB,
  CHURN,
  countRows,
  describeOnEachDatabase,
  FRAUD,
  input,
  ISO,
} from './__testUtils__/storeTestHarness';

jest.setTimeout(60_000);

describeOnEachDatabase('versions', createStore => {
  // --- registerVersion / getVersion ---------------------------------------------------

  describe('registerVersion and getVersion', () => {
    it('numbers versions 1, 2, 3 and stores every field', async () => {
      const { store } = await createStore();
      const first = await store.registerVersion(
        FRAUD,
        {
          source: 's3://models/fraud/1',
          status: 'pending',
          runId: 'run-1',
          runLink: 'https://mlflow.example.com/runs/run-1',
          code: {
            repository: 'https://github.com/acme/fraud',
            commit: 'abc',
          },
          framework: 'pytorch',
          description: 'First cut',
          signature: { inputs: [{ name: 'amount', type: 'double' }] },
          metrics: { auc: 0.91, f1: 0.8 },
          params: { lr: '0.01' },
          tags: { team: 'risk', env: 'dev' },
          card: { intendedUse: 'Scoring card transactions' },
        },
        { ...aliceStage, comment: 'initial' },
      );
      expect(first.created).toBe(true);
      expect(first.version).toEqual({
        modelRef: FRAUD,
        version: 1,
        status: 'pending',
        stage: 'none',
        aliases: [],
        source: 's3://models/fraud/1',
        runId: 'run-1',
        runLink: 'https://mlflow.example.com/runs/run-1',
        code: { repository: 'https://github.com/acme/fraud', commit: 'abc' },
        framework: 'pytorch',
        description: 'First cut',
        signature: { inputs: [{ name: 'amount', type: 'double' }] },
        metrics: { auc: 0.91, f1: 0.8 },
        params: { lr: '0.01' },
        tags: { env: 'dev', team: 'risk' },
        card: { intendedUse: 'Scoring card transactions' },
        createdBy: ALICE,
        createdAt: expect.stringMatching(ISO),
        updatedBy: ALICE,
        updatedAt: first.version.createdAt,
        stageUpdatedAt: first.version.createdAt,
      });
      expect(await store.getVersion(FRAUD, 1)).toEqual(first.version);

      const second = await store.registerVersion(FRAUD, input(2), {
        ...aliceStage,
        actor: BOB,
      });
      const third = await store.registerVersion(FRAUD, input(3), aliceStage);
      expect([second.version.version, third.version.version]).toEqual([2, 3]);
      expect(second.version).toEqual({
        modelRef: FRAUD,
        version: 2,
        status: 'ready',
        stage: 'none',
        aliases: [],
        source: 's3://models/2',
        metrics: {},
        params: {},
        tags: {},
        createdBy: BOB,
        createdAt: expect.stringMatching(ISO),
        updatedBy: BOB,
        updatedAt: second.version.createdAt,
        stageUpdatedAt: second.version.createdAt,
      });

      // Another model has its own numbers.
      const churn = await store.registerVersion(CHURN, input(1), aliceStage);
      expect(churn.version.version).toBe(1);

      expect(await store.getVersion(FRAUD, 4)).toBeUndefined();
      expect(await store.getVersion(CHURN, 2)).toBeUndefined();
      expect(await store.getVersion('mlmodel:default/none', 1)).toBeUndefined();

      const history = await store.listHistory(FRAUD, {
        version: 1,
        limit: 10,
      });
      expect(history.items).toEqual([
        {
          id: expect.any(Number),
          modelRef: FRAUD,
          version: 1,
          action: 'version.register',
          actor: ALICE,
          comment: 'initial',
          after: { ...first.version, lineage: [] },
          createdAt: first.version.createdAt,
        },
      ]);
    });

    it('starts a version in the first configured stage', async () => {
      const { store } = await createStore();
      const { version } = await store.registerVersion(FRAUD, input(1), {
        actor: ALICE,
        stageRules: {
          stages: ['dev', 'prod', 'retired'],
          archivedStage: 'retired',
          singleOccupancyStages: ['prod'],
          protectedStages: ['prod'],
        },
      });
      expect(version.stage).toBe('dev');
    });

    it('returns the first version for a repeated idempotency key', async () => {
      const { store, knex } = await createStore();
      const first = await store.registerVersion(
        FRAUD,
        input(1, { tags: { a: '1' } }),
        { ...aliceStage, idempotencyKey: 'job-42' },
      );
      expect(first.created).toBe(true);
      expect(first.version.version).toBe(1);

      // The same body with its keys in another order is the same request.
      const retry = await store.registerVersion(
        FRAUD,
        { tags: { a: '1' }, source: 's3://models/1' },
        { ...aliceStage, idempotencyKey: 'job-42' },
      );
      expect(retry.created).toBe(false);
      expect(retry.version).toEqual(first.version);

      // The same key with another body is refused, and nothing is written.
      await expect(
        store.registerVersion(FRAUD, input(99, { tags: { b: '2' } }), {
          ...aliceStage,
          idempotencyKey: 'job-42',
        }),
      ).rejects.toMatchObject({
        name: 'IdempotencyKeyReusedError',
        message: expect.stringContaining('different request body'),
      });
      await expect(
        store.registerVersion(FRAUD, input(1, { tags: { a: '2' } }), {
          ...aliceStage,
          idempotencyKey: 'job-42',
        }),
      ).rejects.toThrow(IdempotencyKeyReusedError);

      expect(await countRows(knex, 'model_versions')).toBe(1);
      expect(await countRows(knex, 'model_version_tags')).toBe(1);
      expect(await countRows(knex, 'history')).toBe(1);

      // The key belongs to one caller: Bob's request with Alice's key is his own version.
      const bobs = await store.registerVersion(
        FRAUD,
        input(99, { tags: { b: '2' } }),
        { ...aliceStage, actor: BOB, idempotencyKey: 'job-42' },
      );
      expect(bobs).toMatchObject({
        created: true,
        version: { version: 2, createdBy: BOB },
      });
      const bobsRetry = await store.registerVersion(
        FRAUD,
        input(99, { tags: { b: '2' } }),
        { ...aliceStage, actor: BOB, idempotencyKey: 'job-42' },
      );
      expect(bobsRetry).toEqual({ created: false, version: bobs.version });
      expect(
        (
          await store.registerVersion(FRAUD, input(1, { tags: { a: '1' } }), {
            ...aliceStage,
            idempotencyKey: 'job-42',
          })
        ).version.version,
      ).toBe(1);

      // The key belongs to one model; another key or no key is a new version.
      const other = await store.registerVersion(CHURN, input(1), {
        ...aliceStage,
        idempotencyKey: 'job-42',
      });
      expect(other).toMatchObject({
        created: true,
        version: { modelRef: CHURN, version: 1 },
      });
      const next = await store.registerVersion(FRAUD, input(2), {
        ...aliceStage,
        idempotencyKey: 'job-43',
      });
      expect(next).toMatchObject({ created: true, version: { version: 3 } });
      const noKey = await store.registerVersion(FRAUD, input(3), aliceStage);
      expect(noKey.version.version).toBe(4);
      expect(await countRows(knex, 'model_versions')).toBe(5);
    });

    it('stores tags and lineage given at registration', async () => {
      const { store } = await createStore();
      const { version } = await store.registerVersion(
        FRAUD,
        input(1, {
          tags: { 'data.snapshot': '2026-11-01', owner: 'risk' },
          lineage: [
            { relation: 'trainedOn', entityRef: 'Resource:default/Card-Tx' },
            {
              relation: 'builtFromCommit',
              uri: 'https://github.com/a/b/c/1',
            },
          ],
        }),
        aliceStage,
      );
      expect(version.tags).toEqual({
        'data.snapshot': '2026-11-01',
        owner: 'risk',
      });
      const edges = await store.listLineageEdges(FRAUD, 1);
      expect(edges).toEqual([
        {
          id: expect.any(Number),
          modelRef: FRAUD,
          version: 1,
          relation: 'trainedOn',
          targetType: 'entity',
          target: 'resource:default/card-tx',
          createdBy: ALICE,
          createdAt: version.createdAt,
        },
        {
          id: expect.any(Number),
          modelRef: FRAUD,
          version: 1,
          relation: 'builtFromCommit',
          targetType: 'uri',
          target: 'https://github.com/a/b/c/1',
          createdBy: ALICE,
          createdAt: version.createdAt,
        },
      ]);
      expect(edges[1].id).toBeGreaterThan(edges[0].id);
    });

    it('leaves nothing behind when a registration fails midway', async () => {
      const { store, knex } = await createStore();
      // An edge without a target fails on insert, after the version row and its tags.
      await expect(
        store.registerVersion(
          FRAUD,
          input(1, {
            tags: { a: '1' },
            lineage: [{ relation: 'trainedOn' }],
          }),
          aliceStage,
        ),
      ).rejects.toMatchObject({ message: expect.stringMatching(/null/i) });
      expect(await countRows(knex, 'models')).toBe(0);
      expect(await countRows(knex, 'model_versions')).toBe(0);
      expect(await countRows(knex, 'model_version_tags')).toBe(0);
      expect(await countRows(knex, 'history')).toBe(0);
      const { version } = await store.registerVersion(
        FRAUD,
        input(1),
        aliceStage,
      );
      expect(version.version).toBe(1);
    });
  });

  // --- updateVersion ----------------------------------------------------------------

  describe('updateVersion', () => {
    it('merges metrics and params, sets and removes tags, and records before/after', async () => {
      const { store } = await createStore();
      const { version: original } = await store.registerVersion(
        FRAUD,
        input(1, {
          runId: 'run-1',
          description: 'old',
          metrics: { auc: 0.9, f1: 0.8 },
          params: { lr: '0.01', epochs: '3' },
          tags: { team: 'risk', env: 'dev' },
        }),
        aliceStage,
      );
      const updated = await store.updateVersion(
        FRAUD,
        1,
        {
          status: 'failed',
          runId: null,
          description: 'new',
          metrics: { auc: 0.95, loss: 0.1 },
          params: { epochs: '5' },
          tags: { env: 'prod', region: 'eu', team: null, absent: null },
        },
        { actor: BOB, comment: 'retrained' },
      );
      expect(updated).toEqual({
        ...original,
        runId: undefined,
        status: 'failed',
        description: 'new',
        metrics: { auc: 0.95, f1: 0.8, loss: 0.1 },
        params: { lr: '0.01', epochs: '5' },
        tags: { env: 'prod', region: 'eu' },
        updatedBy: BOB,
        updatedAt: expect.stringMatching(ISO),
      });
      expect(updated).not.toHaveProperty('runId');
      expect(Date.parse(updated.updatedAt)).toBeGreaterThanOrEqual(
        Date.parse(original.updatedAt),
      );
      expect(updated.createdAt).toBe(original.createdAt);
      expect(updated.createdBy).toBe(ALICE);
      expect(await store.getVersion(FRAUD, 1)).toEqual(updated);

      const [entry] = (await store.listHistory(FRAUD, { version: 1, limit: 1 }))
        .items;
      expect(entry).toEqual({
        id: expect.any(Number),
        modelRef: FRAUD,
        version: 1,
        action: 'version.update',
        actor: BOB,
        comment: 'retrained',
        before: {
          status: 'ready',
          runId: 'run-1',
          description: 'old',
          metrics: { auc: 0.9, f1: 0.8 },
          params: { lr: '0.01', epochs: '3' },
          tags: { team: 'risk', env: 'dev' },
        },
        after: {
          status: 'failed',
          description: 'new',
          metrics: { auc: 0.95, f1: 0.8, loss: 0.1 },
          params: { lr: '0.01', epochs: '5' },
          tags: { env: 'prod', region: 'eu' },
        },
        createdAt: updated.updatedAt,
      });

      // Clearing fields with null.
      const cleared = await store.updateVersion(
        FRAUD,
        1,
        { description: null, code: null, card: null, signature: null },
        alice,
      );
      expect(cleared).not.toHaveProperty('description');
      expect(cleared.tags).toEqual({ env: 'prod', region: 'eu' });
    });

    it('fails with NotFoundError for a missing or deleted version', async () => {
      const { store } = await createStore();
      await store.registerVersion(FRAUD, input(1), aliceStage);
      await store.registerVersion(FRAUD, input(2), aliceStage);
      await store.deleteVersion(FRAUD, 2, aliceStage);
      await expect(
        store.updateVersion(FRAUD, 2, { description: 'x' }, alice),
      ).rejects.toThrow(NotFoundError);
      await expect(
        store.updateVersion(FRAUD, 9, { description: 'x' }, alice),
      ).rejects.toThrow(NotFoundError);
      await expect(
        store.updateVersion(CHURN, 1, { description: 'x' }, alice),
      ).rejects.toThrow(NotFoundError);
    });
  });

  // --- deleteVersion ----------------------------------------------------------------

  describe('deleteVersion', () => {
    it('soft-deletes, removes aliases, keeps history and never reuses the number', async () => {
      const { store, knex } = await createStore();
      for (let i = 1; i <= 3; i++) {
        await store.registerVersion(FRAUD, input(i), aliceStage);
      }
      await store.setAlias(FRAUD, 'champion', 3, alice);
      await store.setAlias(FRAUD, 'challenger', 2, alice);

      await store.deleteVersion(FRAUD, 3, {
        ...aliceStage,
        actor: BOB,
        comment: 'bad data',
      });
      expect(await store.getVersion(FRAUD, 3)).toBeUndefined();
      expect(
        (await store.listVersions(FRAUD, { limit: 10 })).items.map(
          v => v.version,
        ),
      ).toEqual([2, 1]);
      expect(await store.getVersionByAlias(FRAUD, 'champion')).toBeUndefined();
      expect((await store.listAliases(FRAUD)).map(a => a.alias)).toEqual([
        'challenger',
      ]);
      // The row stays, marked deleted.
      const row = await knex('model_versions')
        .where({ model_ref: FRAUD, version: 3 })
        .first();
      expect(row.deleted_by).toBe(BOB);
      expect(row.deleted_at).not.toBeNull();

      // The highest number was deleted, and still the next one is 4.
      const next = await store.registerVersion(FRAUD, input(4), aliceStage);
      expect(next.version.version).toBe(4);
      await store.deleteVersion(FRAUD, 4, aliceStage);
      await store.deleteVersion(FRAUD, 1, aliceStage);
      const after = await store.registerVersion(FRAUD, input(5), aliceStage);
      expect(after.version.version).toBe(5);
      expect(
        (await store.listVersions(FRAUD, { limit: 10 })).items.map(
          v => v.version,
        ),
      ).toEqual([5, 2]);

      const history = await store.listHistory(FRAUD, {
        version: 3,
        limit: 10,
      });
      expect(history.items.map(h => [h.action, h.actor])).toEqual([
        ['version.delete', BOB],
        ['alias.set', ALICE],
        ['version.register', ALICE],
      ]);
      expect(history.items[0]).toMatchObject({
        comment: 'bad data',
        before: {
          version: 3,
          aliases: ['champion'],
          source: 's3://models/3',
        },
      });

      // Gone is gone.
      await expect(store.deleteVersion(FRAUD, 3, aliceStage)).rejects.toThrow(
        NotFoundError,
      );
      await expect(store.deleteVersion(FRAUD, 42, aliceStage)).rejects.toThrow(
        NotFoundError,
      );
      await expect(
        store.transitionStage(FRAUD, 3, 'staging', aliceStage),
      ).rejects.toThrow(NotFoundError);
      await expect(
        store.addLineage(
          FRAUD,
          3,
          [{ relation: 'trainedOn', entityRef: 'resource:default/x' }],
          alice,
        ),
      ).rejects.toThrow(NotFoundError);
      expect(await store.listLineageEdges(FRAUD, 3)).toEqual([]);
    });

    it('refuses to delete the production version', async () => {
      const { store } = await createStore();
      await store.registerVersion(FRAUD, input(1), aliceStage);
      await store.registerVersion(FRAUD, input(2), aliceStage);
      await store.transitionStage(FRAUD, 1, 'production', aliceStage);
      await store.setAlias(FRAUD, 'champion', 1, alice);
      await expect(store.deleteVersion(FRAUD, 1, aliceStage)).rejects.toThrow(
        ConflictError,
      );
      expect(await store.getVersion(FRAUD, 1)).toMatchObject({
        version: 1,
        stage: 'production',
        aliases: ['champion'],
      });
      // Once replaced, it can go.
      await store.transitionStage(FRAUD, 2, 'production', aliceStage);
      await store.deleteVersion(FRAUD, 1, aliceStage);
      expect(await store.getVersion(FRAUD, 1)).toBeUndefined();
    });
  });

  describe('version numbers out of range', () => {
    it('treats a version above 2147483647 as missing, or as bad input for a change', async () => {
      const { store } = await createStore();
      await store.registerVersion(FRAUD, input(1), aliceStage);
      const huge = 3_000_000_000;
      for (const version of [huge, 0, -1, 1.5, Number.MAX_SAFE_INTEGER]) {
        expect(await store.getVersion(FRAUD, version)).toBeUndefined();
        expect(await store.listLineageEdges(FRAUD, version)).toEqual([]);
        expect(await store.listHistory(FRAUD, { version, limit: 5 })).toEqual({
          items: [],
        });
        await expect(
          store.getLineage(FRAUD, version, { direction: 'both', depth: 1 }),
        ).rejects.toThrow(NotFoundError);
        await expect(
          store.updateVersion(FRAUD, version, { description: 'x' }, alice),
        ).rejects.toThrow(
          new InputError('version must be an integer from 1 to 2147483647'),
        );
        await expect(
          store.deleteVersion(FRAUD, version, aliceStage),
        ).rejects.toThrow(InputError);
        await expect(
          store.transitionStage(FRAUD, version, 'staging', aliceStage),
        ).rejects.toThrow(InputError);
        await expect(
          store.setAlias(FRAUD, 'champion', version, alice),
        ).rejects.toThrow(InputError);
        await expect(
          store.addLineage(
            FRAUD,
            version,
            [{ relation: 'trainedOn', entityRef: 'resource:default/d' }],
            alice,
          ),
        ).rejects.toThrow(InputError);
      }
      expect((await store.getVersion(FRAUD, 1))?.stage).toBe('none');
    });
  });
});
