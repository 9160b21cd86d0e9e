/*
 * The fresh databases a run measures: a temporary SQLite file, or a new PostgreSQL
 * database bench_<random> on the configured server, both removed at the end.
 */
import { DatabaseService } from '@backstage/backend-plugin-api';
import knexFactory, { Knex } from 'knex';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseModelRegistryStore } from '../src/database/DatabaseModelRegistryStore';
import { ModelRegistryStore } from '../src/database/ModelRegistryStore';
import { log } from './log';

/** Drops the PostgreSQL database and removes the SQLite file when a run fails or is interrupted. */
const cleanups: Array<() => Promise<void>> = [];

/** Runs the pending clean-ups of databases not closed yet (failure or interruption). */
export async function cleanUpDatabases() {
  for (const cleanup of cleanups.splice(0)) {
    await cleanup().catch(() => {});
  }
}

/** One database under test, with what the report says about it. */
export type BenchDatabase = {
  label: string;
  knex: Knex;
  details: string;
  /** What a production database would have done by now to its planner statistics. */
  analyze: () => Promise<void>;
  close: () => Promise<void>;
};

/** The registry store on a Knex instance, through the plugin's own entry point (migrations included). */
export function openStore(knex: Knex): Promise<ModelRegistryStore> {
  const database: DatabaseService = { getClient: async () => knex };
  return DatabaseModelRegistryStore.create({ database });
}

/** A new SQLite file in a temporary directory, with foreign keys on as Backstage sets them. */
export async function createSqlite(keep: boolean): Promise<BenchDatabase> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'model-registry-bench-'));
  const filename = path.join(dir, 'registry.sqlite');
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: { filename },
    useNullAsDefault: true,
    pool: {
      afterCreate(
        connection: { pragma(sql: string): unknown },
        done: (error: Error | null, connection: unknown) => void,
      ) {
        connection.pragma('foreign_keys = ON');
        done(null, connection);
      },
    },
  });
  const [{ foreign_keys: foreignKeys }] = await knex.raw('PRAGMA foreign_keys');
  if (Number(foreignKeys) !== 1) {
    throw new Error('PRAGMA foreign_keys = ON did not take effect');
  }
  const [{ version }] = await knex.raw('select sqlite_version() as version');
  const [{ journal_mode: journal }] = await knex.raw('PRAGMA journal_mode');
  const [{ synchronous }] = await knex.raw('PRAGMA synchronous');
  const removeFile = async () => {
    fs.rmSync(dir, { recursive: true, force: true });
  };
  if (!keep) cleanups.push(removeFile);
  return {
    label: 'SQLite',
    knex,
    details: `SQLite ${version} (better-sqlite3, file ${filename}, journal_mode=${journal}, synchronous=${
      ['OFF', 'NORMAL', 'FULL', 'EXTRA'][Number(synchronous)] ?? synchronous
    } (SQLite's defaults, which Backstage's connector keeps), foreign_keys=ON)`,
    // Backstage never runs ANALYZE on SQLite: the planner works without statistics.
    analyze: async () => {},
    close: async () => {
      await knex.destroy();
      if (keep) {
        log(`kept ${filename}`);
      } else {
        await removeFile();
        cleanups.splice(cleanups.indexOf(removeFile), 1);
      }
    },
  };
}

/** A new database bench_<random> on the server of `url` (a superuser connection). */
export async function createPostgres(
  url: string,
  keep: boolean,
): Promise<BenchDatabase> {
  const name = `bench_${randomBytes(6).toString('hex')}`;
  const admin = knexFactory({ client: 'pg', connection: url });
  await admin.raw(`CREATE DATABASE ${name}`);
  const target = new URL(url);
  target.pathname = `/${name}`;
  const knex = knexFactory({ client: 'pg', connection: target.toString() });
  const { rows } = await knex.raw('show server_version');
  const dropDatabase = async () => {
    await admin.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.destroy();
  };
  if (!keep) cleanups.push(dropDatabase);
  return {
    label: 'PostgreSQL',
    knex,
    details: `PostgreSQL ${rows[0].server_version} (pg, database ${name} on ${target.host}, dropped at the end)`,
    // What autovacuum would have done by the time a registry holds this much: planner
    // statistics and a visibility map; it also keeps autovacuum out of the measurements.
    analyze: async () => {
      await knex.raw('VACUUM ANALYZE');
    },
    close: async () => {
      await knex.destroy();
      if (keep) {
        await admin.destroy();
        log(`kept database ${name}`);
      } else {
        await dropDatabase();
        cleanups.splice(cleanups.indexOf(dropDatabase), 1);
      }
    },
  };
}
