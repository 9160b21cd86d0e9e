import { NotFoundError } from '@backstage/errors';
import {
  webhookEventMatches,
  WebhookAttempt,
  WebhookDelivery,
  WebhookDeliveryPage,
  WebhookDeliveryStatus,
  WebhookFormat,
  WebhookSubscription,
} from '@model-registry/plugin-model-registry-common';
import { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { CursorCodec } from './cursors';
import type { RegistryEvent } from './eventOutbox';
import { DbTime, toIso } from './rows';

type WebhookRow = {
  id: string;
  url: string;
  description: string | null;
  events: string;
  model_ref: string | null;
  format: string;
  secret: string;
  enabled: boolean | number;
  created_by: string;
  created_at: DbTime;
  updated_at: DbTime;
};

type DeliveryRow = {
  id: number | string;
  delivery_id: string;
  webhook_id: string;
  event_id: string;
  event_type: string;
  model_ref: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  next_attempt_at: DbTime;
  lease_token: string | null;
  lease_until: DbTime | null;
  last_status_code: number | null;
  last_error: string | null;
  created_at: DbTime;
  delivered_at: DbTime | null;
};

type AttemptRow = {
  delivery_row_id: number | string;
  attempt: number;
  started_at: DbTime;
  duration_ms: number;
  status_code: number | null;
  error: string | null;
  response_excerpt: string | null;
};

/** A subscription's fields as stored (the secret stays in the store). */
export type WebhookFields = {
  url: string;
  events: string[];
  modelRef?: string;
  format: WebhookFormat;
  description?: string;
  enabled: boolean;
};

/** A delivery claimed by one replica: what it posts and the lease it holds. */
export type ClaimedDelivery = {
  rowId: number;
  deliveryId: string;
  attempts: number;
  leaseToken: string;
  url: string;
  format: WebhookFormat;
  secret: string;
  event: RegistryEvent;
};

/** The result of an attempt, as the worker reports it. */
export type AttemptRecord = {
  startedAt: Date;
  durationMs: number;
  ok: boolean;
  statusCode?: number;
  error?: string;
  responseExcerpt?: string;
};

/** Where a subscription routes events: its id, patterns and model filter. */
export type WebhookRoute = { id: string; events: string[]; modelRef?: string };

function toSubscription(row: WebhookRow): WebhookSubscription {
  return {
    id: row.id,
    url: row.url,
    ...(row.description ? { description: row.description } : {}),
    events: JSON.parse(row.events),
    ...(row.model_ref ? { modelRef: row.model_ref } : {}),
    format: row.format as WebhookFormat,
    enabled: Boolean(row.enabled),
    createdBy: row.created_by,
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
  };
}

function toAttempt(row: AttemptRow): WebhookAttempt {
  return {
    attempt: Number(row.attempt),
    startedAt: toIso(row.started_at),
    durationMs: Number(row.duration_ms),
    ...(row.status_code !== null
      ? { statusCode: Number(row.status_code) }
      : {}),
    ...(row.error ? { error: row.error } : {}),
    ...(row.response_excerpt ? { responseExcerpt: row.response_excerpt } : {}),
  };
}

function toDelivery(row: DeliveryRow, log: WebhookAttempt[]): WebhookDelivery {
  return {
    id: row.delivery_id,
    webhookId: row.webhook_id,
    eventId: row.event_id,
    eventType: row.event_type,
    modelRef: row.model_ref,
    status: row.status,
    attempts: Number(row.attempts),
    ...(row.status === 'pending'
      ? { nextAttemptAt: toIso(row.next_attempt_at) }
      : {}),
    ...(row.last_status_code !== null
      ? { lastStatusCode: Number(row.last_status_code) }
      : {}),
    ...(row.last_error ? { lastError: row.last_error } : {}),
    createdAt: toIso(row.created_at),
    ...(row.delivered_at ? { deliveredAt: toIso(row.delivered_at) } : {}),
    log,
  };
}

/** The enabled subscriptions' routes, read once per dispatch round. */
export async function loadWebhookRoutes(db: Knex): Promise<WebhookRoute[]> {
  const rows = await db<WebhookRow>('registry_webhooks')
    .where({ enabled: true })
    .select('id', 'events', 'model_ref');
  return rows.map(row => ({
    id: row.id,
    events: JSON.parse(row.events),
    ...(row.model_ref ? { modelRef: row.model_ref } : {}),
  }));
}

/**
 * Queues one delivery of the event per matching subscription (by event type and model).
 * Idempotent: a delivery exists once per subscription and event id, so an event that the
 * outbox dispatches again queues nothing new.
 */
export async function fanOutEvent(
  db: Knex,
  event: RegistryEvent,
  routes: WebhookRoute[],
  now: Date,
) {
  const rows = routes
    .filter(
      route =>
        webhookEventMatches(route.events, event.type) &&
        (!route.modelRef || route.modelRef === event.modelRef),
    )
    .map(route => ({
      delivery_id: randomUUID(),
      webhook_id: route.id,
      event_id: event.id,
      event_type: event.type,
      model_ref: event.modelRef,
      status: 'pending',
      attempts: 0,
      next_attempt_at: now,
      created_at: now,
    }));
  if (rows.length === 0) return;
  await db('registry_webhook_deliveries')
    .insert(rows)
    .onConflict(['webhook_id', 'event_id'])
    .ignore();
}

/** Webhook subscriptions and their deliveries, on the registry's database. */
export class WebhookStore {
  constructor(
    private readonly db: Knex,
    private readonly cursors: CursorCodec,
  ) {}

  async create(
    fields: WebhookFields,
    secret: string,
    actor: string,
    now = new Date(),
  ): Promise<WebhookSubscription> {
    const id = randomUUID();
    await this.db('registry_webhooks').insert({
      id,
      url: fields.url,
      description: fields.description ?? null,
      events: JSON.stringify(fields.events),
      model_ref: fields.modelRef ?? null,
      format: fields.format,
      secret,
      enabled: fields.enabled,
      created_by: actor,
      created_at: now,
      updated_at: now,
    });
    return (await this.get(id))!;
  }

  async list(): Promise<WebhookSubscription[]> {
    const rows = await this.db<WebhookRow>('registry_webhooks').orderBy([
      { column: 'created_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ]);
    return rows.map(toSubscription);
  }

  async get(id: string): Promise<WebhookSubscription | undefined> {
    const row = await this.db<WebhookRow>('registry_webhooks')
      .where({ id })
      .first();
    return row ? toSubscription(row) : undefined;
  }

  async require(id: string): Promise<WebhookSubscription> {
    const found = await this.get(id);
    if (!found) throw new NotFoundError(`webhook ${id} does not exist`);
    return found;
  }

  /** Changes the given fields (null clears description and modelRef). */
  async update(
    id: string,
    patch: Partial<Omit<WebhookFields, 'modelRef' | 'description'>> & {
      modelRef?: string | null;
      description?: string | null;
    },
    now = new Date(),
  ): Promise<WebhookSubscription> {
    const changes: Record<string, unknown> = { updated_at: now };
    if (patch.url !== undefined) changes.url = patch.url;
    if (patch.events !== undefined)
      changes.events = JSON.stringify(patch.events);
    if (patch.modelRef !== undefined) changes.model_ref = patch.modelRef;
    if (patch.format !== undefined) changes.format = patch.format;
    if (patch.description !== undefined) {
      changes.description = patch.description;
    }
    if (patch.enabled !== undefined) changes.enabled = patch.enabled;
    const updated = await this.db('registry_webhooks')
      .where({ id })
      .update(changes);
    if (!updated) throw new NotFoundError(`webhook ${id} does not exist`);
    return (await this.get(id))!;
  }

  async rotateSecret(id: string, secret: string, now = new Date()) {
    const updated = await this.db('registry_webhooks')
      .where({ id })
      .update({ secret, updated_at: now });
    if (!updated) throw new NotFoundError(`webhook ${id} does not exist`);
    return (await this.get(id))!;
  }

  /** Deletes the subscription, its deliveries and their log. */
  async delete(id: string): Promise<void> {
    await this.db.transaction(async trx => {
      const deliveries = trx('registry_webhook_deliveries')
        .where({ webhook_id: id })
        .select('id');
      await trx('registry_webhook_attempts')
        .whereIn('delivery_row_id', deliveries)
        .delete();
      await trx('registry_webhook_deliveries')
        .where({ webhook_id: id })
        .delete();
      const deleted = await trx('registry_webhooks').where({ id }).delete();
      if (!deleted) throw new NotFoundError(`webhook ${id} does not exist`);
    });
  }

  /** A subscription's deliveries, newest first, each with its attempts. */
  async listDeliveries(
    webhookId: string,
    options: {
      status?: WebhookDeliveryStatus;
      eventId?: string;
      limit: number;
      cursor?: string;
    },
  ): Promise<WebhookDeliveryPage> {
    const query = this.db<DeliveryRow>('registry_webhook_deliveries').where({
      webhook_id: webhookId,
    });
    if (options.status) query.where({ status: options.status });
    if (options.eventId) query.where({ event_id: options.eventId });
    if (options.cursor) {
      const { i } = this.cursors.decode<{ i: number }>(
        'webhook-deliveries',
        options.cursor,
        c => Number.isSafeInteger(c.i),
      );
      query.where('id', '<', i);
    }
    const rows = await query.orderBy('id', 'desc').limit(options.limit + 1);
    const page = rows.slice(0, options.limit);
    const logs = await this.attemptsOf(page.map(r => Number(r.id)));
    return {
      items: page.map(row => toDelivery(row, logs.get(Number(row.id)) ?? [])),
      ...(rows.length > options.limit
        ? {
            nextCursor: this.cursors.encode('webhook-deliveries', {
              i: Number(page[page.length - 1].id),
            }),
          }
        : {}),
    };
  }

  async getDelivery(
    webhookId: string,
    deliveryId: string,
  ): Promise<WebhookDelivery | undefined> {
    const row = await this.db<DeliveryRow>('registry_webhook_deliveries')
      .where({ webhook_id: webhookId, delivery_id: deliveryId })
      .first();
    if (!row) return undefined;
    const logs = await this.attemptsOf([Number(row.id)]);
    return toDelivery(row, logs.get(Number(row.id)) ?? []);
  }

  /** Queues a delivery again, due now (same delivery and event id; attempts continue). */
  async redeliver(webhookId: string, deliveryId: string, now = new Date()) {
    const updated = await this.db('registry_webhook_deliveries')
      .where({ webhook_id: webhookId, delivery_id: deliveryId })
      .update({
        status: 'pending',
        next_attempt_at: now,
        lease_token: null,
        lease_until: null,
      });
    if (!updated) {
      throw new NotFoundError(
        `delivery ${deliveryId} of webhook ${webhookId} does not exist`,
      );
    }
    return (await this.getDelivery(webhookId, deliveryId))!;
  }

  private async attemptsOf(rowIds: number[]) {
    const logs = new Map<number, WebhookAttempt[]>();
    if (rowIds.length === 0) return logs;
    const rows = await this.db<AttemptRow>('registry_webhook_attempts')
      .whereIn('delivery_row_id', rowIds)
      .orderBy('id');
    for (const row of rows) {
      const key = Number(row.delivery_row_id);
      logs.set(key, [...(logs.get(key) ?? []), toAttempt(row)]);
    }
    return logs;
  }

  /**
   * Claims the oldest due delivery for `leaseMs`: a pending one whose next attempt is due
   * and that no live lease holds, in one UPDATE. On PostgreSQL its sub-select takes the row
   * with FOR UPDATE SKIP LOCKED, so replicas claiming at once take different deliveries;
   * the lease then keeps every other replica off it while it is posted (outside any
   * transaction). A replica that dies holding a lease leaves the delivery to be claimed
   * again when the lease ends.
   */
  async claimNext(
    now: Date,
    leaseMs: number,
  ): Promise<ClaimedDelivery | undefined> {
    const leaseToken = randomUUID();
    // one statement, atomic on SQLite (where replicas are lanes of one process) and, with
    // the row lock of the sub-select, on PostgreSQL
    const due = this.db<DeliveryRow>('registry_webhook_deliveries')
      .where({ status: 'pending' })
      .andWhere('next_attempt_at', '<=', now)
      .andWhere(q =>
        q.whereNull('lease_until').orWhere('lease_until', '<', now),
      )
      // a disabled subscription's deliveries wait until it is enabled again
      .whereIn(
        'webhook_id',
        this.db('registry_webhooks').where({ enabled: true }).select('id'),
      )
      .orderBy('id')
      .limit(1)
      .select('id');
    if (this.db.client.dialect === 'postgresql') due.forUpdate().skipLocked();
    const claimed = await this.db('registry_webhook_deliveries')
      .whereIn('id', due)
      .update({
        lease_token: leaseToken,
        lease_until: new Date(now.getTime() + leaseMs),
      });
    if (!claimed) return undefined;
    const row = await this.db('registry_webhook_deliveries as d')
      .join('registry_webhooks as w', 'w.id', 'd.webhook_id')
      .join('registry_events as e', 'e.event_id', 'd.event_id')
      .where('d.lease_token', leaseToken)
      .first(
        'd.id',
        'd.delivery_id',
        'd.attempts',
        'w.url',
        'w.format',
        'w.secret',
        'e.payload',
      );
    if (!row) return undefined;
    return {
      rowId: Number(row.id),
      deliveryId: row.delivery_id,
      attempts: Number(row.attempts),
      leaseToken,
      url: row.url,
      format: row.format,
      secret: row.secret,
      event: JSON.parse(row.payload),
    };
  }

  /**
   * Logs an attempt and moves the delivery on: delivered on success; failed when the
   * attempts reach `maxAttempts`; otherwise pending again after `retryDelayMs`. Changes
   * nothing but the log if the lease was lost meanwhile (another replica took over).
   */
  async recordAttempt(
    claim: ClaimedDelivery,
    outcome: AttemptRecord,
    options: {
      maxAttempts: number;
      retryDelayMs: (attempts: number) => number;
    },
  ): Promise<WebhookDeliveryStatus | undefined> {
    const attempts = claim.attempts + 1;
    const finishedAt = new Date(
      outcome.startedAt.getTime() + outcome.durationMs,
    );
    let status: WebhookDeliveryStatus;
    if (outcome.ok) status = 'delivered';
    else if (attempts >= options.maxAttempts) status = 'failed';
    else status = 'pending';
    return this.db.transaction(async trx => {
      await trx('registry_webhook_attempts').insert({
        delivery_row_id: claim.rowId,
        attempt: attempts,
        started_at: outcome.startedAt,
        duration_ms: Math.round(outcome.durationMs),
        status_code: outcome.statusCode ?? null,
        error: outcome.error?.slice(0, 2000) ?? null,
        response_excerpt: outcome.responseExcerpt ?? null,
      });
      const updated = await trx('registry_webhook_deliveries')
        .where({ id: claim.rowId, lease_token: claim.leaseToken })
        .update({
          status,
          attempts,
          lease_token: null,
          lease_until: null,
          last_status_code: outcome.statusCode ?? null,
          last_error: outcome.ok ? null : outcome.error?.slice(0, 2000) ?? null,
          ...(outcome.ok ? { delivered_at: finishedAt } : {}),
          ...(status === 'pending'
            ? {
                next_attempt_at: new Date(
                  finishedAt.getTime() + options.retryDelayMs(attempts),
                ),
              }
            : {}),
        });
      return updated ? status : undefined;
    });
  }
}
