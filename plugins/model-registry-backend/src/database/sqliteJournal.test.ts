import { mkdtempSync, rmSync } from 'fs';
import knexFactory, { Knex } from 'knex';
import { tmpdir } from 'os';
import { join } from 'path';
import { useWriteAheadLog } from './sqliteJournal';

describe('useWriteAheadLog', () => {
  const dirs: string[] = [];
  const opened: Knex[] = [];
  const open = (filename: string) => {
    const knex = knexFactory({
      client: 'better-sqlite3',
      connection: { filename },
      useNullAsDefault: true,
      // idle connections go at once, so that the next query opens a new one
      pool: { min: 0, max: 1, idleTimeoutMillis: 20, reapIntervalMillis: 10 },
    });
    opened.push(knex);
    return knex;
  };
  afterAll(async () => {
    await Promise.all(opened.map(k => k.destroy()));
    dirs.forEach(d => rmSync(d, { recursive: true, force: true }));
  });

  it('puts a SQLite file in WAL mode with full syncs, on every new connection too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'registry-wal-'));
    dirs.push(dir);
    const knex = open(join(dir, 'registry.sqlite'));
    await expect(useWriteAheadLog(knex)).resolves.toBe(true);
    const mode = await knex.raw('PRAGMA journal_mode');
    expect(mode[0].journal_mode).toBe('wal');
    const sync = await knex.raw('PRAGMA synchronous');
    expect(sync[0].synchronous).toBe(2);
    // a connection the pool makes later gets FULL syncs as well
    let created = 0;
    knex.client.pool.on('createSuccess', () => created++);
    await new Promise(resolve => setTimeout(resolve, 200));
    const again = await knex.raw('PRAGMA synchronous');
    expect(created).toBe(1);
    expect(again[0].synchronous).toBe(2);
  });

  it('leaves in-memory databases alone', async () => {
    const knex = open(':memory:');
    await expect(useWriteAheadLog(knex)).resolves.toBe(false);
    const mode = await knex.raw('PRAGMA journal_mode');
    expect(mode[0].journal_mode).toBe('memory');
  });
});
