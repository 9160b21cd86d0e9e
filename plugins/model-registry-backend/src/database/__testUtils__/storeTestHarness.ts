import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { DEFAULT_STAGE_RULES } from '@model-registry/plugin-model-registry-common';
import { Knex } from 'knex';
import { DatabaseModelRegistryStore } from '../DatabaseModelRegistryStore';
import { NewModelVersion } from '../ModelRegistryStore';

/** The stage rules the store tests use. */
export const rules = DEFAULT_STAGE_RULES;
/** Actors and change contexts of the store tests. */
export const ALICE = 'user:default/alice';
export const BOB = 'user:default/bob';
export const alice = { actor: ALICE };
export const bob = { actor: BOB };
export const aliceStage = { actor: ALICE, stageRules: rules };

/** Models the store tests register versions of. */
export const FRAUD = 'mlmodel:default/fraud';
export const CHURN = 'mlmodel:default/churn';

/** An ISO timestamp as the store returns it. */
export const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

/** A minimal registration, distinct per n. */
export function input(n: number, extra: Partial<NewModelVersion> = {}) {
  return { source: `s3://models/${n}`, ...extra };
}

/** Rows of a table matching a where clause. */
export async function countRows(knex: Knex, table: string, where: object = {}) {
  const [{ n }] = await knex(table).where(where).count({ n: '*' });
  return Number(n);
}

/** A fresh, migrated test database and a store on it. */
export type TestStore = { knex: Knex; store: DatabaseModelRegistryStore };

/**
 * Declares a store test suite that runs once on each supported database (SQLite and, when
 * configured, PostgreSQL). `createStore` gives each test a fresh, migrated database.
 */
export function describeOnEachDatabase(
  name: string,
  tests: (createStore: () => Promise<TestStore>) => void,
) {
  // The suite's name is the caller's string.
  // eslint-disable-next-line jest/valid-title
  describe(name, () => {
    const databases = TestDatabases.create({
      ids: ['SQLITE_3', 'POSTGRES_15'],
      disableDocker: true,
    });

    async function createStore(databaseId: TestDatabaseId): Promise<TestStore> {
      const knex = await databases.init(databaseId);
      return {
        knex,
        store: await DatabaseModelRegistryStore.createFromKnex(knex),
      };
    }

    describe.each(databases.eachSupportedId())('on %p', databaseId => {
      tests(() => createStore(databaseId));
    });
  });
}
