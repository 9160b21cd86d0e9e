import { Knex } from 'knex';

/**
 * On a SQLite file (the embedded default), the write-ahead log instead of the rollback
 * journal: a commit appends to the log and syncs it once, where the rollback journal syncs
 * the journal and the database file; readers no longer wait for a writer. `synchronous =
 * FULL` on every connection keeps a committed change durable through a power loss, as the
 * rollback journal's default does (better-sqlite3 would default to NORMAL in WAL mode,
 * which survives a killed process but may lose the last commits on a power loss).
 * In-memory databases and PostgreSQL are left alone.
 */
export async function useWriteAheadLog(knex: Knex): Promise<boolean> {
  const client = String(knex.client.config?.client ?? '');
  if (client !== 'better-sqlite3' && client !== 'sqlite3') return false;
  const connection = knex.client.config?.connection as
    | { filename?: string }
    | undefined;
  const filename = connection?.filename;
  if (
    !filename ||
    filename === ':memory:' ||
    filename.startsWith('file::memory:')
  ) {
    return false;
  }
  const pool = knex.client.pool as
    | {
        on?: (
          event: string,
          listener: (id: unknown, resource: any) => void,
        ) => void;
      }
    | undefined;
  pool?.on?.('createSuccess', (_id, resource) => {
    if (typeof resource?.pragma === 'function')
      resource.pragma('synchronous = FULL');
  });
  await knex.raw('PRAGMA journal_mode = WAL');
  await knex.raw('PRAGMA synchronous = FULL');
  return true;
}
