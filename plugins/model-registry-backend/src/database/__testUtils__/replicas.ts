import { TestDatabases } from '@backstage/backend-test-utils';
import knexFactory, { Knex } from 'knex';
import { DatabaseModelRegistryStore } from '../DatabaseModelRegistryStore';

export const PG_ENV = 'BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING';

export type Replicas = {
  knex: Knex;
  stores: DatabaseModelRegistryStore[];
  /** The store of replica i modulo the number of replicas. */
  at(i: number): DatabaseModelRegistryStore;
};

/**
 * Three "replicas" on one PostgreSQL test database: the pool TestDatabases gives and two
 * more Knex pools, each with a store, so that store methods race on separate connections.
 * Call in a describe body; `onPostgres` says whether PostgreSQL is configured.
 */
export function replicaHarness() {
  const databases = TestDatabases.create({
    ids: ['POSTGRES_15'],
    disableDocker: true,
  });
  const extraPools: Knex[] = [];

  /** A fresh database with the schema, and a store on each of three separate pools. */
  async function createReplicas(): Promise<Replicas> {
    const knex = await databases.init('POSTGRES_15');
    await DatabaseModelRegistryStore.migrate(knex);
    const connection = (knex.client.config as Knex.Config).connection as
      | Knex.PgConnectionConfig
      | string;
    const others = [1, 2].map(() =>
      knexFactory({
        client: 'pg',
        connection:
          typeof connection === 'string' ? connection : { ...connection },
        pool: { min: 0, max: 5, acquireTimeoutMillis: 60_000 },
      }),
    );
    extraPools.push(...others);
    const stores = await Promise.all(
      [knex, ...others].map(k =>
        DatabaseModelRegistryStore.createFromKnex(k, {
          skipMigrations: true,
        }),
      ),
    );
    return { knex, stores, at: (i: number) => stores[i % stores.length] };
  }

  /** In afterEach: before TestDatabases drops the databases (it refuses while connected). */
  async function closeExtraPools() {
    await Promise.all(extraPools.splice(0).map(k => k.destroy()));
  }

  return {
    onPostgres: databases.supports('POSTGRES_15'),
    extraPools,
    createReplicas,
    closeExtraPools,
  };
}
