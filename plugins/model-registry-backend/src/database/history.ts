import {
  HistoryEntry,
  Page,
} from '@model-registry/plugin-model-registry-common';
import { Knex } from 'knex';
import { CursorCodec } from './cursors';
import { ChangeContext } from './ModelRegistryStore';
import { HistoryRow, jsonOrNull, toHistoryEntry } from './rows';
import { appendEvent } from './eventOutbox';
import { isVersionNumber } from './versionNumbers';

/** One change to append to the history, in the transaction that makes the change. */
export type HistoryAppend = {
  modelRef: string;
  version?: number;
  action: string;
  context: ChangeContext;
  before?: unknown;
  after?: unknown;
  at: Date;
};

/**
 * Appends an entry to the append-only history, and the event of the change to the outbox
 * (registry_events) in the same transaction: a change that commits has its event, one that
 * rolls back has neither.
 */
export async function appendHistory(trx: Knex, entry: HistoryAppend) {
  await trx('history').insert({
    model_ref: entry.modelRef,
    version: entry.version ?? null,
    action: entry.action,
    actor: entry.context.actor,
    comment: entry.context.comment ?? null,
    before: jsonOrNull(entry.before),
    after: jsonOrNull(entry.after),
    created_at: entry.at,
  });
  await appendEvent(trx, entry);
}

/** The history of a model, or of one of its versions, newest first. */
export async function listHistory(
  db: Knex,
  modelRef: string,
  options: { version?: number; limit: number; cursor?: string },
  cursors: CursorCodec,
): Promise<Page<HistoryEntry>> {
  if (options.version !== undefined && !isVersionNumber(options.version)) {
    return { items: [] };
  }
  const query = db<HistoryRow>('history').where({ model_ref: modelRef });
  if (options.version !== undefined) {
    query.where({ version: options.version });
  }
  if (options.cursor) {
    const { i } = cursors.decode<{ i: number }>('history', options.cursor, c =>
      Number.isSafeInteger(c.i),
    );
    query.where('id', '<', i);
  }
  const rows = await query.orderBy('id', 'desc').limit(options.limit + 1);
  const page = rows.slice(0, options.limit);
  return {
    items: page.map(toHistoryEntry),
    nextCursor:
      rows.length > options.limit
        ? cursors.encode('history', { i: Number(page[page.length - 1].id) })
        : undefined,
  };
}
