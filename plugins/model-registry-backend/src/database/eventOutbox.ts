import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import type { HistoryAppend } from './history';

/** The events topic of a registry event type (`model-registry.version.stage`, …). */
export function eventTopic(type: string) {
  return `model-registry.${type}`;
}

/** A registry event as it is published: a stable id, the change, who made it and when. */
export type RegistryEvent = {
  id: string;
  type: string;
  modelRef: string;
  version?: number;
  actor: string;
  comment?: string;
  before?: unknown;
  after?: unknown;
  occurredAt: string;
};

type EventRow = {
  id: number | string;
  event_id: string;
  type: string;
  model_ref: string;
  version: number | null;
  payload: string;
  attempts: number;
};

/** Writes the event of a change to the outbox, in the change's transaction. */
export async function appendEvent(trx: Knex, entry: HistoryAppend) {
  const event: RegistryEvent = {
    id: randomUUID(),
    type: entry.action,
    modelRef: entry.modelRef,
    ...(entry.version !== undefined ? { version: entry.version } : {}),
    actor: entry.context.actor,
    ...(entry.context.comment ? { comment: entry.context.comment } : {}),
    ...(entry.before !== undefined ? { before: entry.before } : {}),
    ...(entry.after !== undefined ? { after: entry.after } : {}),
    occurredAt: entry.at.toISOString(),
  };
  await trx('registry_events').insert({
    event_id: event.id,
    type: event.type,
    model_ref: event.modelRef,
    version: entry.version ?? null,
    payload: JSON.stringify(event),
    created_at: entry.at,
    next_attempt_at: entry.at,
  });
}

/** Retry delay after a failed publish: 2^attempts seconds, at most 10 minutes. */
export function retryDelayMs(attempts: number) {
  return Math.min(2 ** attempts, 600) * 1000;
}

/**
 * Publishes the due events of the outbox in id order, at most `limit`, and marks each one
 * dispatched in the same transaction. The rows are locked while they are published: on
 * PostgreSQL with SKIP LOCKED, so that replicas dispatching at once each claim other
 * events and none is published by two of them; SQLite serialises writers. A process that
 * dies before the commit leaves its events pending: they are published again (same id).
 * A failed publish is counted and retried later with backoff, and ends the round (the
 * events after it go out in the next one). Returns how many events were published.
 */
export async function dispatchEvents(
  db: Knex,
  publish: (event: RegistryEvent) => Promise<void>,
  options: { limit?: number; now?: () => Date } = {},
): Promise<number> {
  const now = options.now ?? (() => new Date());
  return db.transaction(async trx => {
    const query = trx<EventRow>('registry_events')
      .whereNull('dispatched_at')
      .andWhere('next_attempt_at', '<=', now())
      .orderBy('id')
      .limit(options.limit ?? 100)
      .select(
        'id',
        'event_id',
        'type',
        'model_ref',
        'version',
        'payload',
        'attempts',
      );
    const rows =
      trx.client.dialect === 'postgresql'
        ? await query.forUpdate().skipLocked()
        : await query;
    let published = 0;
    for (const row of rows) {
      try {
        await publish(JSON.parse(row.payload) as RegistryEvent);
      } catch (error) {
        const attempts = Number(row.attempts) + 1;
        await trx('registry_events')
          .where({ id: row.id })
          .update({
            attempts,
            next_attempt_at: new Date(now().getTime() + retryDelayMs(attempts)),
            last_error: String((error as Error)?.message ?? error).slice(
              0,
              2000,
            ),
          });
        break;
      }
      await trx('registry_events')
        .where({ id: row.id })
        .update({ dispatched_at: now(), attempts: Number(row.attempts) + 1 });
      published += 1;
    }
    return published;
  });
}
