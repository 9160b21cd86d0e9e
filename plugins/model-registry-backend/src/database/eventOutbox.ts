import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import type { HistoryAppend } from './history';
import { fanOutEvent, loadWebhookRoutes } from './webhooks';

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
 * Publishes the due events of the outbox in id order, at most `limit`, marking each one
 * dispatched, and queues each event's webhook deliveries (once per subscription and
 * event, however often the event is dispatched). On PostgreSQL the rows are claimed in a transaction with FOR UPDATE SKIP
 * LOCKED and stay locked while they are published, so that replicas dispatching at once
 * each take other events and none is published by two of them; a process that dies before
 * the commit leaves its events pending, published again (same id). SQLite is one process
 * whose single connection must stay free while publishing (publishing may need the
 * database itself, e.g. for a service token's signing key): its rows are read, published
 * and marked one at a time, outside a transaction (the scheduler never overlaps a task
 * with itself). A failed publish is counted and retried later with backoff, and ends the
 * round (the events after it go out in the next one). Returns how many were published.
 */
export async function dispatchEvents(
  db: Knex,
  publish: (event: RegistryEvent) => Promise<void>,
  options: { limit?: number; now?: () => Date } = {},
): Promise<number> {
  const now = options.now ?? (() => new Date());
  const due = (k: Knex) =>
    k<EventRow>('registry_events')
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
  const run = async (k: Knex, rows: EventRow[]) => {
    let published = 0;
    const routes = rows.length ? await loadWebhookRoutes(k) : [];
    for (const row of rows) {
      try {
        const event = JSON.parse(row.payload) as RegistryEvent;
        await fanOutEvent(k, event, routes, now());
        await publish(event);
      } catch (error) {
        const attempts = Number(row.attempts) + 1;
        await k('registry_events')
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
      await k('registry_events')
        .where({ id: row.id })
        .update({ dispatched_at: now(), attempts: Number(row.attempts) + 1 });
      published += 1;
    }
    return published;
  };
  if (db.client.dialect !== 'postgresql') {
    return run(db, await due(db));
  }
  return db.transaction(async trx =>
    run(trx, await due(trx).forUpdate().skipLocked()),
  );
}
