import { TestDatabases } from '@backstage/backend-test-utils';
import knexFactory, { Knex } from 'knex';
import path from 'node:path';
import { DEFAULT_STAGE_RULES } from '@model-registry/plugin-model-registry-common';
import { DatabaseModelRegistryStore } from '../database/DatabaseModelRegistryStore';

jest.setTimeout(60_000);

const TABLES = [
  'models',
  'model_versions',
  'model_version_tags',
  'model_aliases',
  'lineage_edges',
  'history',
  'model_registry_secrets',
  'model_tags',
  'promotion_requests',
  'promotion_decisions',
  'registry_events',
  'registry_webhooks',
  'registry_webhook_deliveries',
  'registry_webhook_attempts',
  'registry_monitoring_observations',
  'registry_monitoring_thresholds',
  'registry_monitoring_alerts',
];

const MIGRATIONS = [
  '20261128000000_init.js',
  '20261128120000_summary_counters_and_sort_indexes.js',
  '20261201000000_cursor_key_and_scoped_idempotency.js',
  '20261202000000_model_tags.js',
  '20261203000000_promotion_requests.js',
  '20261204000000_event_outbox.js',
  '20261205000000_webhooks.js',
  '20261206000000_monitoring.js',
];
const MIGRATIONS_DIR = path.resolve(__dirname, '../../migrations');

async function cursorKeys(knex: Knex): Promise<string[]> {
  const rows = await knex('model_registry_secrets')
    .where({ name: 'cursor-signing-key' })
    .select('value');
  return rows.map(r => r.value);
}

async function migrationState(knex: Knex) {
  const rows = await knex('knex_migrations')
    .orderBy('id')
    .select('name', 'batch');
  const locks = await knex('knex_migrations_lock').select('is_locked');
  return {
    migrations: rows.map(r => ({ name: r.name, batch: Number(r.batch) })),
    locks: locks.map(l => Number(l.is_locked)),
  };
}

describe('migrations', () => {
  const databases = TestDatabases.create({
    ids: ['SQLITE_3', 'POSTGRES_15'],
    disableDocker: true,
  });

  it.each(databases.eachSupportedId())(
    'creates every table and is a no-op when run again, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);

      for (const table of TABLES) {
        expect(await knex.schema.hasTable(table)).toBe(false);
      }

      await DatabaseModelRegistryStore.migrate(knex);

      for (const table of TABLES) {
        expect(await knex.schema.hasTable(table)).toBe(true);
      }
      expect(await knex.schema.hasColumn('models', 'next_version')).toBe(true);
      expect(
        await knex.schema.hasColumn('model_versions', 'idempotency_key'),
      ).toBe(true);
      const first = await migrationState(knex);
      expect(first).toEqual({
        migrations: MIGRATIONS.map(name => ({ name, batch: 1 })),
        locks: [0],
      });

      // Some data, which the second run must leave alone.
      const store = await DatabaseModelRegistryStore.createFromKnex(knex, {
        skipMigrations: true,
      });
      const key = await cursorKeys(knex);
      expect(key).toHaveLength(1);
      await store.registerModel(
        'mlmodel:default/kept',
        { kind: 'MLModel' },
        { actor: 'user:default/a' },
      );

      await DatabaseModelRegistryStore.migrate(knex);
      await DatabaseModelRegistryStore.migrate(knex);

      expect(await migrationState(knex)).toEqual(first);
      expect(
        (await knex('models').select('model_ref')).map(r => r.model_ref),
      ).toEqual(['mlmodel:default/kept']);
      const [{ n }] = await knex('history').count({ n: '*' });
      expect(Number(n)).toBe(1);
      // The signing key stays the one made first, so cursors made before still work.
      expect(await cursorKeys(knex)).toEqual(key);
      expect(Buffer.from(key[0], 'base64')).toHaveLength(32);
    },
  );

  it.each(databases.eachSupportedId())(
    'enforces the unique constraints the store relies on, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await DatabaseModelRegistryStore.migrate(knex);
      const now = new Date();
      await knex('models').insert({
        model_ref: 'mlmodel:default/m',
        next_version: 2,
        registered_by_api: false,
        created_by: 'a',
        created_at: now,
        updated_at: now,
      });
      const version = {
        model_ref: 'mlmodel:default/m',
        version: 1,
        status: 'ready',
        stage: 'none',
        source: 's3://bucket/m/1',
        metrics: '{}',
        params: '{}',
        idempotency_key: 'k1',
        idempotency_actor: 'user:default/a',
        created_by: 'a',
        created_at: now,
        updated_by: 'a',
        updated_at: now,
        stage_updated_at: now,
      };
      await knex('model_versions').insert(version);
      // The driver's errors are matched by message: better-sqlite3's SqliteError is not
      // a real Error, which jest's toThrow does not always recognise.
      // the same number twice
      await expect(
        knex('model_versions').insert({ ...version, idempotency_key: 'k2' }),
      ).rejects.toMatchObject({ message: expect.stringMatching(/unique/i) });
      // the same idempotency key twice from the same caller
      await expect(
        knex('model_versions').insert({ ...version, version: 2 }),
      ).rejects.toMatchObject({ message: expect.stringMatching(/unique/i) });
      // the same key from another caller is another key
      await knex('model_versions').insert({
        ...version,
        version: 4,
        idempotency_actor: 'user:default/b',
      });
      // no idempotency key is not a key: many versions may have none
      await knex('model_versions').insert({
        ...version,
        version: 2,
        idempotency_key: null,
      });
      await knex('model_versions').insert({
        ...version,
        version: 3,
        idempotency_key: null,
      });
      const [{ n }] = await knex('model_versions').count({ n: '*' });
      expect(Number(n)).toBe(4);
    },
  );

  const onPostgres = databases.supports('POSTGRES_15');

  (onPostgres ? describe : describe.skip)(
    `on PostgreSQL${
      onPostgres
        ? ''
        : ' (skipped: needs BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING)'
    }`,
    () => {
      it('applies the schema once when three replicas migrate at the same time', async () => {
        // The race is timing-dependent, so it runs on several fresh databases.
        for (let round = 0; round < 5; round++) {
          const knex = await databases.init('POSTGRES_15');
          const connection = (knex.client.config as Knex.Config)
            .connection as Knex.PgConnectionConfig;
          const replicas = [
            knex,
            ...[1, 2].map(() =>
              knexFactory({
                client: 'pg',
                connection: { ...connection },
                pool: { min: 0, max: 5 },
              }),
            ),
          ];
          try {
            const results = await Promise.allSettled(
              replicas.map(r => DatabaseModelRegistryStore.migrate(r)),
            );
            expect(
              results.map(r =>
                r.status === 'rejected' ? String(r.reason) : r.status,
              ),
            ).toEqual(['fulfilled', 'fulfilled', 'fulfilled']);
            for (const table of TABLES) {
              expect(await knex.schema.hasTable(table)).toBe(true);
            }
            // Applied once, one lock row, and it is free.
            expect(await migrationState(knex)).toEqual({
              migrations: MIGRATIONS.map(name => ({ name, batch: 1 })),
              locks: [0],
            });
            // Each replica can use the schema, and a later start is still a no-op.
            // One signing key, shared: a cursor of one replica is valid on another.
            expect(await cursorKeys(knex)).toHaveLength(1);
            const stores = await Promise.all(
              replicas.map(r =>
                DatabaseModelRegistryStore.createFromKnex(r, {
                  skipMigrations: true,
                }),
              ),
            );
            const cursor = stores[0].cursors.encode('history', { i: 7 });
            for (const store of stores) {
              expect(
                store.cursors.decode('history', cursor, () => true),
              ).toEqual({ i: 7 });
            }
            for (const [i, store] of stores.entries()) {
              await store.registerModel(
                `mlmodel:default/replica-${i}`,
                {},
                { actor: 'user:default/a' },
              );
            }
            await Promise.all(
              replicas.map(r => DatabaseModelRegistryStore.migrate(r)),
            );
            expect(await migrationState(knex)).toEqual({
              migrations: MIGRATIONS.map(name => ({ name, batch: 1 })),
              locks: [0],
            });
            expect(
              (
                await knex('models').orderBy('model_ref').select('model_ref')
              ).map(r => r.model_ref),
            ).toEqual([
              'mlmodel:default/replica-0',
              'mlmodel:default/replica-1',
              'mlmodel:default/replica-2',
            ]);
          } finally {
            await Promise.all(replicas.slice(1).map(r => r.destroy()));
          }
        }
      });
    },
  );
  it.each(databases.eachSupportedId())(
    'fills the model counters from the versions already stored, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      // Stop after the first migration, store versions the old way, then migrate on.
      await knex.migrate.up({ directory: MIGRATIONS_DIR, name: MIGRATIONS[0] });
      const now = new Date();
      await knex('models').insert([
        {
          model_ref: 'mlmodel:default/a',
          next_version: 4,
          registered_by_api: false,
          created_by: 'x',
          created_at: now,
          updated_at: now,
        },
        {
          model_ref: 'mlmodel:default/b',
          next_version: 1,
          registered_by_api: false,
          created_by: 'x',
          created_at: now,
          updated_at: now,
        },
      ]);
      const version = (n: number, deleted: boolean) => ({
        model_ref: 'mlmodel:default/a',
        version: n,
        status: 'ready',
        stage: 'none',
        source: `s3://m/${n}`,
        metrics: '{}',
        params: '{}',
        created_by: 'x',
        created_at: now,
        updated_by: 'x',
        updated_at: now,
        stage_updated_at: now,
        deleted_at: deleted ? now : null,
      });
      await knex('model_versions').insert([
        version(1, false),
        version(2, false),
        version(3, true),
      ]);
      await DatabaseModelRegistryStore.migrate(knex);
      const rows = await knex('models')
        .orderBy('model_ref')
        .select('model_ref', 'live_version_count', 'latest_version');
      expect(
        rows.map(r => [
          r.model_ref,
          Number(r.live_version_count),
          r.latest_version === null ? null : Number(r.latest_version),
        ]),
      ).toEqual([
        ['mlmodel:default/a', 2, 2],
        ['mlmodel:default/b', 0, null],
      ]);
      const store = await DatabaseModelRegistryStore.createFromKnex(knex, {
        skipMigrations: true,
      });
      const summaries = await store.getSummaries(['mlmodel:default/a'], {
        stages: ['none', 'production', 'archived'],
        archivedStage: 'archived',
        singleOccupancyStages: ['production'],
        protectedStages: ['production'],
      });
      expect(summaries.get('mlmodel:default/a')).toMatchObject({
        versionCount: 2,
        latestVersion: 2,
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'keeps the idempotency keys stored before they were scoped to their caller, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      for (const name of MIGRATIONS.slice(0, 2)) {
        await knex.migrate.up({ directory: MIGRATIONS_DIR, name });
      }
      const now = new Date();
      await knex('models').insert({
        model_ref: 'mlmodel:default/old',
        next_version: 2,
        live_version_count: 1,
        latest_version: 1,
        registered_by_api: false,
        created_by: 'user:default/a',
        created_at: now,
        updated_at: now,
      });
      await knex('model_versions').insert({
        model_ref: 'mlmodel:default/old',
        version: 1,
        status: 'ready',
        stage: 'none',
        source: 's3://m/1',
        metrics: '{}',
        params: '{}',
        idempotency_key: 'retry-me',
        created_by: 'user:default/a',
        created_at: now,
        updated_by: 'user:default/a',
        updated_at: now,
        stage_updated_at: now,
      });
      const store = await DatabaseModelRegistryStore.createFromKnex(knex);
      const context = (actor: string) => ({
        actor,
        idempotencyKey: 'retry-me',
        stageRules: DEFAULT_STAGE_RULES,
      });
      // Its creator's retry is answered with the stored version (no hash to compare).
      const retry = await store.registerVersion(
        'mlmodel:default/old',
        { source: 's3://m/other' },
        context('user:default/a'),
      );
      expect([retry.created, retry.version.version]).toEqual([false, 1]);
      // Another caller's key is their own.
      const other = await store.registerVersion(
        'mlmodel:default/old',
        { source: 's3://m/2' },
        context('user:default/b'),
      );
      expect([other.created, other.version.version]).toEqual([true, 2]);
    },
  );
});
