import { Page } from '@model-registry/plugin-model-registry-common';
import { Knex } from 'knex';
import { CursorCodec } from './cursors';
import { appendHistory } from './history';
import {
  close,
  getPromotionRequest,
  ListPromotionRequestsOptions,
  PromotionRequest,
  RequestRow,
  withDecisions,
} from './promotionRequestRows';

/** A model's requests, newest first, optionally of one status (expired ones are computed). */
export async function listPromotionRequests(
  db: Knex,
  cursors: CursorCodec,
  options: ListPromotionRequestsOptions,
): Promise<Page<PromotionRequest>> {
  const now = new Date();
  const query = db<RequestRow>('promotion_requests');
  if (options.modelRef) query.where({ model_ref: options.modelRef });
  if (options.requestedBy) query.where({ requested_by: options.requestedBy });
  if (options.notRequestedBy) {
    query.whereNot({ requested_by: options.notRequestedBy });
  }
  if (options.status === 'open') {
    query
      .where({ status: 'open' })
      .andWhere(q => q.whereNull('expires_at').orWhere('expires_at', '>', now));
  } else if (options.status === 'expired') {
    query.where(q =>
      q
        .where({ status: 'expired' })
        .orWhere(open =>
          open.where({ status: 'open' }).andWhere('expires_at', '<=', now),
        ),
    );
  } else if (options.status) {
    query.where({ status: options.status });
  }
  if (options.cursor) {
    const { i } = cursors.decode<{ i: number }>(
      'promotion-requests',
      options.cursor,
      c => Number.isSafeInteger(c.i),
    );
    query.where('id', '<', i);
  }
  const rows = await query.orderBy('id', 'desc').limit(options.limit + 1);
  const page = rows.slice(0, options.limit);
  return {
    items: await withDecisions(db, page, now),
    nextCursor:
      rows.length > options.limit
        ? cursors.encode('promotion-requests', {
            i: Number(page[page.length - 1].id),
          })
        : undefined,
  };
}

/**
 * Closes the open requests past their expiry as expired (with a history entry each) and
 * returns them. On PostgreSQL the rows are claimed with SKIP LOCKED, so replicas that sweep
 * at once close each request once.
 */
export async function expirePromotionRequests(
  db: Knex,
  now: Date = new Date(),
): Promise<PromotionRequest[]> {
  const ids = await db.transaction(async trx => {
    const query = trx<RequestRow>('promotion_requests')
      .where({ status: 'open' })
      .andWhere('expires_at', '<=', now)
      .orderBy('id')
      .limit(500);
    const rows =
      trx.client.dialect === 'postgresql'
        ? await query.forUpdate().skipLocked()
        : await query;
    for (const row of rows) {
      await close(trx, row, 'expired', null, now);
      await appendHistory(trx, {
        modelRef: row.model_ref,
        version: Number(row.version),
        action: 'promotion.expire',
        context: { actor: 'plugin:model-registry' },
        after: { requestId: Number(row.id), stage: row.stage },
        at: now,
      });
    }
    return rows.map(r => ({ id: Number(r.id), modelRef: r.model_ref }));
  });
  const expired: PromotionRequest[] = [];
  for (const { id, modelRef } of ids) {
    const request = await getPromotionRequest(db, modelRef, id);
    if (request) expired.push(request);
  }
  return expired;
}
