import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';

const migrationsDir = resolvePackagePath(
  '@model-registry/plugin-model-registry-backend',
  'migrations',
);

/** Advisory lock key that serialises the creation of knex's migration tables ("mreg"). */
const MIGRATIONS_ADVISORY_LOCK = 0x6d726567;

/**
 * Runs the shipped migrations on a Knex instance; safe when several replicas start at once.
 *
 * Knex creates its own knex_migrations and knex_migrations_lock tables without any lock
 * (knex #3538): replicas starting together on an empty PostgreSQL database fail with
 * "relation already exists", or each insert a lock row, after which every later
 * migration fails with "Migration table is already locked". On PostgreSQL those tables
 * are therefore created first, under a transaction-scoped advisory lock; knex's own
 * lock row then serialises the (transactional) migrations themselves.
 */
export async function migrate(knex: Knex): Promise<void> {
  if (knex.client.dialect === 'postgresql') {
    await knex.transaction(async trx => {
      await trx.raw('SELECT pg_advisory_xact_lock(?)', [
        MIGRATIONS_ADVISORY_LOCK,
      ]);
      await ensureKnexMigrationTables(trx);
    });
  }
  await knex.migrate.latest({ directory: migrationsDir });
}

/** Creates knex's migration tables and lock row as knex would, when they are missing. */
async function ensureKnexMigrationTables(trx: Knex.Transaction) {
  if (!(await trx.schema.hasTable('knex_migrations'))) {
    await trx.schema.createTable('knex_migrations', t => {
      t.increments();
      t.string('name');
      t.integer('batch');
      t.timestamp('migration_time');
    });
  }
  if (!(await trx.schema.hasTable('knex_migrations_lock'))) {
    await trx.schema.createTable('knex_migrations_lock', t => {
      t.increments('index').primary();
      t.integer('is_locked');
    });
  }
  const locks = await trx('knex_migrations_lock').select('index');
  if (locks.length === 0) {
    await trx('knex_migrations_lock').insert({ is_locked: 0 });
  }
}
