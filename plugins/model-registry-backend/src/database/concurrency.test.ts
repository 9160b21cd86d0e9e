/*
 * Races between replicas. Each test opens two more Knex instances (pools) on the test's
 * PostgreSQL database next to the one TestDatabases gives, so that three "replicas" run
 * the same store methods at once on separate connections.
 *
 * PostgreSQL only: knex runs SQLite on a single connection and drops FOR UPDATE there,
 * so these races cannot happen (nor be tested) on SQLite.
 */
import { ConflictError, NotFoundError } from '@backstage/errors';
import { DEFAULT_STAGE_RULES } from '@model-registry/plugin-model-registry-common';
import { PG_ENV, replicaHarness } from './__testUtils__/replicas';

jest.setTimeout(120_000);

const rules = DEFAULT_STAGE_RULES;
const ctx = { actor: 'user:default/alice', stageRules: rules };
const alice = { actor: 'user:default/alice' };

function input(n: number) {
  return { source: `s3://models/${n}` };
}

function rejections(results: PromiseSettledResult<unknown>[]) {
  return results
    .filter((r): r is PromiseRejectedResult => r.status === 'rejected')
    .map(r => r.reason);
}

function fulfilled<T>(results: PromiseSettledResult<T>[]): T[] {
  return results
    .filter((r): r is PromiseFulfilledResult<T> => r.status === 'fulfilled')
    .map(r => r.value);
}

const { onPostgres, extraPools, createReplicas, closeExtraPools } =
  replicaHarness();

(onPostgres ? describe : describe.skip)(
  `DatabaseModelRegistryStore under concurrency${
    onPostgres ? '' : ` (skipped: needs PostgreSQL, set ${PG_ENV})`
  }`,
  () => {
    afterEach(closeExtraPools);

    it('uses three separate pools on one database', async () => {
      const { stores, knex } = await createReplicas();
      await stores[1].registerVersion('mlmodel:default/m', input(1), ctx);
      expect(await stores[2].getVersion('mlmodel:default/m', 1)).toMatchObject({
        version: 1,
      });
      const pids = await Promise.all(
        [knex, ...extraPools].map(async k => {
          const result = await k.raw('select pg_backend_pid() as pid');
          return result.rows[0].pid;
        }),
      );
      expect(new Set(pids).size).toBe(3);
    });

    it('gives 50 parallel registrations the numbers 1..50', async () => {
      const { knex, at } = await createReplicas();
      const model = 'mlmodel:default/parallel';
      const results = await Promise.allSettled(
        Array.from({ length: 50 }, (_, i) =>
          at(i).registerVersion(model, input(i), ctx),
        ),
      );
      expect(rejections(results)).toEqual([]);
      const done = fulfilled(results);
      expect(done.every(r => r.created)).toBe(true);
      expect(done.map(r => r.version.version).sort((a, b) => a - b)).toEqual(
        Array.from({ length: 50 }, (_, i) => i + 1),
      );
      const rows = await knex('model_versions')
        .where({ model_ref: model })
        .orderBy('version')
        .select('version', 'source');
      expect(rows.map(r => r.version)).toEqual(
        Array.from({ length: 50 }, (_, i) => i + 1),
      );
      // Each caller got the row it wrote.
      for (const { version } of done) {
        expect(rows[version.version - 1].source).toBe(version.source);
      }
      expect(
        await knex('models').where({ model_ref: model }).first('next_version'),
      ).toEqual({ next_version: 51 });
      const [{ n }] = await knex('history')
        .where({ model_ref: model, action: 'version.register' })
        .count({ n: '*' });
      expect(Number(n)).toBe(50);
    });

    it('creates one version for 20 parallel retries with one idempotency key', async () => {
      const { knex, at } = await createReplicas();
      const model = 'mlmodel:default/idempotent';
      // On a model that does not exist yet, and again on one that does.
      for (const [key, expected] of [
        ['job-1', 1],
        ['job-2', 2],
      ] as const) {
        const results = await Promise.allSettled(
          Array.from({ length: 20 }, (_, i) =>
            at(i).registerVersion(model, input(expected), {
              ...ctx,
              idempotencyKey: key,
            }),
          ),
        );
        expect(rejections(results)).toEqual([]);
        const done = fulfilled(results);
        expect(done.filter(r => r.created)).toHaveLength(1);
        const first = done.find(r => r.created)!.version;
        expect(new Set(done.map(r => r.version.version))).toEqual(
          new Set([expected]),
        );
        for (const r of done) {
          expect(r.version).toEqual(first);
        }
      }
      const rows = await knex('model_versions')
        .where({ model_ref: model })
        .orderBy('version')
        .select('version', 'idempotency_key');
      expect(rows).toEqual([
        { version: 1, idempotency_key: 'job-1' },
        { version: 2, idempotency_key: 'job-2' },
      ]);
      const [{ n }] = await knex('history')
        .where({ model_ref: model })
        .count({ n: '*' });
      expect(Number(n)).toBe(2);
    });

    it('creates one version when parallel requests reuse one key with different bodies', async () => {
      const { knex, at } = await createReplicas();
      const model = 'mlmodel:default/reused-key';
      const results = await Promise.allSettled(
        Array.from({ length: 12 }, (_, i) =>
          at(i).registerVersion(model, input(i), {
            ...ctx,
            idempotencyKey: 'job-1',
          }),
        ),
      );
      // Every body differs: the first request wins, each other one is refused.
      const done = fulfilled(results);
      expect(done.map(r => r.created)).toEqual([true]);
      const refused = rejections(results);
      expect(refused).toHaveLength(11);
      for (const error of refused) {
        expect(error.name).toBe('IdempotencyKeyReusedError');
      }
      const [{ n }] = await knex('model_versions')
        .where({ model_ref: model })
        .count({ n: '*' });
      expect(Number(n)).toBe(1);
    });

    it('leaves exactly one production version when promotions race', async () => {
      const { knex, at, stores } = await createReplicas();
      const model = 'mlmodel:default/promote';
      for (let i = 1; i <= 12; i++) {
        await stores[0].registerVersion(model, input(i), ctx);
      }
      // Pairs, as in the scenario, then six at once.
      const rounds = [
        [1, 2],
        [3, 4],
        [5, 6],
        [7, 8, 9, 10, 11, 12],
      ];
      let previousWinner: number | undefined;
      for (const contenders of rounds) {
        const results = await Promise.allSettled(
          contenders.map((v, i) =>
            at(i).transitionStage(model, v, 'production', ctx),
          ),
        );
        expect(rejections(results)).toEqual([]);
        const done = fulfilled(results);

        const production = await knex('model_versions')
          .where({ model_ref: model, stage: 'production' })
          .whereNull('deleted_at')
          .select('version');
        expect(production).toHaveLength(1);
        const winner = production[0].version;
        expect(contenders).toContain(winner);

        // Every other contender (and the previous winner) was archived exactly once.
        const archived = done.flatMap(r => r.archived).sort((a, b) => a - b);
        const losers = [
          ...contenders.filter(v => v !== winner),
          ...(previousWinner ? [previousWinner] : []),
        ].sort((a, b) => a - b);
        expect(archived).toEqual(losers);
        const stages = await knex('model_versions')
          .where({ model_ref: model })
          .whereIn('version', losers)
          .select('stage');
        expect(stages.map(s => s.stage)).toEqual(losers.map(() => 'archived'));
        // Each call saw its own version promoted.
        for (const r of done) {
          expect(r.version.stage).toBe('production');
        }
        previousWinner = winner;
      }
      expect(
        (await stores[2].getSummaries([model], rules)).get(model)
          ?.stageOccupants,
      ).toEqual({ production: previousWinner });
    });

    it('never leaves an alias on a deleted version when setAlias races deleteVersion', async () => {
      const { knex, at, stores } = await createReplicas();
      let existedAtEnd = 0;
      for (let round = 0; round < 16; round++) {
        const model = `mlmodel:default/alias-${round}`;
        for (let i = 1; i <= 4; i++) {
          await stores[0].registerVersion(model, input(i), ctx);
        }
        // Mostly aimed at version 1, the one being deleted, from all three replicas.
        const targets = [1, 1, 2, 1, 3, 1, 4, 1, 2, 1, 3, 1];
        const ops: Array<() => Promise<unknown>> = targets.map(
          (v, i) => () => at(i).setAlias(model, 'champion', v, alice),
        );
        // The delete goes somewhere in the middle of the burst.
        ops.splice(2 + (round % 8), 0, () =>
          at(round).deleteVersion(model, 1, ctx),
        );
        const results = await Promise.allSettled(ops.map(op => op()));

        // Only a late alias to the deleted version may fail, and only as not found.
        for (const reason of rejections(results)) {
          expect(reason).toBeInstanceOf(NotFoundError);
          expect(String(reason.message)).toMatch(/version 1 .* was deleted/);
        }
        expect(await stores[1].getVersion(model, 1)).toBeUndefined();

        const rows = await knex('model_aliases')
          .join(
            'model_versions',
            'model_versions.id',
            'model_aliases.version_id',
          )
          .where({ 'model_aliases.model_ref': model })
          .select(
            'model_aliases.alias',
            'model_versions.version',
            'model_versions.deleted_at',
          );
        expect(rows.length).toBeLessThanOrEqual(1);
        for (const row of rows) {
          expect(row.alias).toBe('champion');
          expect(row.deleted_at).toBeNull();
          expect([2, 3, 4]).toContain(row.version);
        }

        // The outcome is that of running the committed changes one after another, in the
        // order of their history entries.
        const history = await knex('history')
          .where({ model_ref: model })
          .whereIn('action', ['alias.set', 'version.delete'])
          .orderBy('id')
          .select('action', 'version', 'after');
        let expected: number | undefined;
        for (const entry of history) {
          if (entry.action === 'alias.set') {
            expected = JSON.parse(entry.after).version;
          } else if (expected === entry.version) {
            expected = undefined;
          }
        }
        const resolved = await stores[2].getVersionByAlias(model, 'champion');
        expect(resolved?.version).toBe(expected);
        expect(
          (await stores[0].listAliases(model)).map(a => [a.alias, a.version]),
        ).toEqual(expected === undefined ? [] : [['champion', expected]]);
        if (resolved) existedAtEnd++;
      }
      // Most rounds end with the alias set (unless the delete came last after a set to 1).
      expect(existedAtEnd).toBeGreaterThan(0);
    });

    it('never reuses a number when deletes and registrations race', async () => {
      const { knex, at, stores } = await createReplicas();
      const model = 'mlmodel:default/reuse';
      for (let i = 1; i <= 5; i++) {
        await stores[0].registerVersion(model, input(i), ctx);
      }
      const deletes = [5, 4].map((v, i) => at(i).deleteVersion(model, v, ctx));
      const registrations = Array.from({ length: 6 }, (_, i) =>
        at(i + 2).registerVersion(model, input(100 + i), ctx),
      );
      const results = await Promise.allSettled([...deletes, ...registrations]);
      expect(rejections(results)).toEqual([]);
      const numbers = (await Promise.all(registrations))
        .map(r => r.version.version)
        .sort((a, b) => a - b);
      expect(numbers).toEqual([6, 7, 8, 9, 10, 11]);

      // Sequentially too: delete the highest, and the next is still higher.
      await stores[1].deleteVersion(model, 11, ctx);
      expect(
        (await stores[2].registerVersion(model, input(12), ctx)).version
          .version,
      ).toBe(12);

      const rows = await knex('model_versions')
        .where({ model_ref: model })
        .orderBy('version')
        .select('version', 'deleted_at');
      expect(rows.map(r => r.version)).toEqual(
        Array.from({ length: 12 }, (_, i) => i + 1),
      );
      expect(
        rows.filter(r => r.deleted_at !== null).map(r => r.version),
      ).toEqual([4, 5, 11]);
    });

    it('loses no update when parallel patches merge metrics and tags', async () => {
      const { at, stores } = await createReplicas();
      const model = 'mlmodel:default/merge';
      await stores[0].registerVersion(model, input(1), ctx);
      const results = await Promise.allSettled(
        Array.from({ length: 15 }, (_, i) =>
          at(i).updateVersion(
            model,
            1,
            { metrics: { [`m${i}`]: i }, tags: { [`t${i}`]: String(i) } },
            alice,
          ),
        ),
      );
      expect(rejections(results)).toEqual([]);
      const version = await stores[1].getVersion(model, 1);
      expect(version?.metrics).toEqual(
        Object.fromEntries(Array.from({ length: 15 }, (_, i) => [`m${i}`, i])),
      );
      expect(version?.tags).toEqual(
        Object.fromEntries(
          Array.from({ length: 15 }, (_, i) => [`t${i}`, String(i)]),
        ),
      );
    });

    it('registers a model once when registrations race, without failing a first version', async () => {
      const { knex, at } = await createReplicas();
      // The same model registered by several replicas: one wins, the rest conflict.
      const results = await Promise.allSettled(
        Array.from({ length: 6 }, (_, i) =>
          at(i).registerModel(
            'mlmodel:default/api',
            { kind: 'MLModel' },
            alice,
          ),
        ),
      );
      expect(fulfilled(results)).toHaveLength(1);
      for (const reason of rejections(results)) {
        expect(reason).toBeInstanceOf(ConflictError);
      }

      // A model registered while its first version is being registered: both succeed.
      for (let round = 0; round < 10; round++) {
        const model = `mlmodel:default/both-${round}`;
        const [version, registered] = await Promise.allSettled([
          at(round).registerVersion(model, input(1), ctx),
          at(round + 1).registerModel(model, { kind: 'MLModel' }, alice),
        ]);
        expect(rejections([version, registered])).toEqual([]);
        expect(await at(round + 2).getApiModel(model)).toMatchObject({
          modelRef: model,
          entity: { kind: 'MLModel' },
        });
        expect(await at(round + 2).getVersion(model, 1)).toMatchObject({
          version: 1,
        });
      }
      const [{ n }] = await knex('models').count({ n: '*' });
      expect(Number(n)).toBe(11);
    });
  },
);
