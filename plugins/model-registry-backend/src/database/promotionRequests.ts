import {
  ConflictError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import {
  ModelVersion,
  Page,
  StageRules,
} from '@model-registry/plugin-model-registry-common';
import { Knex } from 'knex';
import { GateInput, GateResult } from '../gates/builtInGates';
import { GatesFailedError, RecordedGateResult } from '../gates/PromotionGates';
import { CursorCodec } from './cursors';
import { loadGateInput } from './gateInput';
import { setAlias } from './aliases';
import { appendHistory } from './history';
import { lockModel } from './models';
import { ChangeContext } from './ModelRegistryStore';
import { jsonOrNull, parseJson, toIso } from './rows';
import { transitionStage } from './stages';
import { requireVersion } from './versions';

/** Where a promotion request stands; `expired` is an open request past its expiry. */
export type PromotionRequestStatus =
  | 'open'
  | 'executed'
  | 'rejected'
  | 'cancelled'
  | 'expired';

export type PromotionDecision = {
  decidedBy: string;
  decision: 'approve' | 'reject';
  comment?: string;
  decidedAt: string;
};

export type PromotionRequest = {
  id: number;
  modelRef: string;
  version: number;
  stage: string;
  status: PromotionRequestStatus;
  requestedBy: string;
  comment?: string;
  requiredApprovals: number;
  /** An alias the executed promotion points at the version (e.g. champion). */
  alias?: string;
  /** Distinct users who approved (the requester never counts unless self-approval is on). */
  approvals: number;
  decisions: PromotionDecision[];
  gateResults?: unknown;
  createdAt: string;
  updatedAt: string;
  expiresAt?: string;
  closedAt?: string;
  closedBy?: string;
};

export type NewPromotionRequest = {
  version: number;
  stage: string;
  requiredApprovals: number;
  /** An alias to point at the version when the promotion executes. */
  alias?: string;
  expiresAt?: Date;
  gateResults?: unknown;
};

export type ListPromotionRequestsOptions = {
  /** One model's requests; every model's when absent. */
  modelRef?: string;
  status?: PromotionRequestStatus;
  /** Only the requests of this actor. */
  requestedBy?: string;
  /** Leaves out the requests of this actor. */
  notRequestedBy?: string;
  limit: number;
  cursor?: string;
};

export type DecideContext = ChangeContext & {
  stageRules: StageRules;
  /** Whether the requester's own approval counts (off by default, config only). */
  allowSelfApproval?: boolean;
  /**
   * The stage's gates, re-checked in the executing transaction on the version as it is
   * then; a failing gate that was not overridden when the request was opened blocks the
   * execution (GatesFailedError) and leaves everything as it was.
   */
  checkGates?: (input: GateInput) => Promise<GateResult[]>;
};

export type DecisionResult = {
  request: PromotionRequest;
  /** Set when this approval was the last one needed: the promotion it executed. */
  executed?: { version: ModelVersion; archived: number[] };
};

type RequestRow = {
  id: number;
  model_ref: string;
  version: number;
  stage: string;
  status: string;
  requested_by: string;
  comment: string | null;
  required_approvals: number;
  move_alias: string | null;
  gate_results: string | null;
  open_key: string | null;
  created_at: Date | string;
  updated_at: Date | string;
  expires_at: Date | string | null;
  closed_at: Date | string | null;
  closed_by: string | null;
};

type DecisionRow = {
  request_id: number;
  decided_by: string;
  decision: 'approve' | 'reject';
  comment: string | null;
  created_at: Date | string;
};

const openKey = (modelRef: string, version: number, stage: string) =>
  `${modelRef} ${version} ${stage}`;

function isExpired(row: RequestRow, now: Date) {
  return (
    row.status === 'open' &&
    row.expires_at !== null &&
    new Date(row.expires_at).getTime() <= now.getTime()
  );
}

function toRequest(
  row: RequestRow,
  decisions: DecisionRow[],
  now: Date,
): PromotionRequest {
  return {
    id: Number(row.id),
    modelRef: row.model_ref,
    version: Number(row.version),
    stage: row.stage,
    status: isExpired(row, now)
      ? 'expired'
      : (row.status as PromotionRequestStatus),
    requestedBy: row.requested_by,
    ...(row.comment ? { comment: row.comment } : {}),
    requiredApprovals: Number(row.required_approvals),
    ...(row.move_alias ? { alias: row.move_alias } : {}),
    approvals: decisions.filter(d => d.decision === 'approve').length,
    decisions: decisions.map(d => ({
      decidedBy: d.decided_by,
      decision: d.decision,
      ...(d.comment ? { comment: d.comment } : {}),
      decidedAt: toIso(d.created_at),
    })),
    ...(row.gate_results !== null
      ? { gateResults: parseJson(row.gate_results) }
      : {}),
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
    ...(row.expires_at ? { expiresAt: toIso(row.expires_at) } : {}),
    ...(row.closed_at ? { closedAt: toIso(row.closed_at) } : {}),
    ...(row.closed_by ? { closedBy: row.closed_by } : {}),
  };
}

async function withDecisions(
  db: Knex,
  rows: RequestRow[],
  now: Date,
): Promise<PromotionRequest[]> {
  if (rows.length === 0) return [];
  const decisions = await db<DecisionRow>('promotion_decisions')
    .whereIn(
      'request_id',
      rows.map(r => r.id),
    )
    .orderBy(['request_id', 'created_at', 'decided_by']);
  return rows.map(row =>
    toRequest(
      row,
      decisions.filter(d => Number(d.request_id) === Number(row.id)),
      now,
    ),
  );
}

/** Closes an open request: its key is freed for a new request of the same version and stage. */
async function close(
  trx: Knex,
  row: RequestRow,
  status: Exclude<PromotionRequestStatus, 'open'>,
  actor: string | null,
  at: Date,
) {
  await trx('promotion_requests').where({ id: row.id }).update({
    status,
    open_key: null,
    closed_at: at,
    closed_by: actor,
    updated_at: at,
  });
}

/**
 * Opens a request to move a version into a stage. A version has at most one open request
 * per stage (ConflictError naming it); an expired one is closed as expired first.
 */
export async function openPromotionRequest(
  db: Knex,
  modelRef: string,
  input: NewPromotionRequest,
  context: ChangeContext,
): Promise<PromotionRequest> {
  const now = new Date();
  const id = await db.transaction(async trx => {
    await lockModel(trx, modelRef);
    const version = await requireVersion(trx, modelRef, input.version);
    if (version.stage === input.stage) {
      throw new ConflictError(
        `version ${input.version} of ${modelRef} is already in ${input.stage}`,
      );
    }
    const key = openKey(modelRef, input.version, input.stage);
    const current = await trx<RequestRow>('promotion_requests')
      .where({ open_key: key })
      .first();
    if (current && isExpired(current, now)) {
      await close(trx, current, 'expired', null, now);
    } else if (current) {
      throw new ConflictError(
        `version ${input.version} of ${modelRef} already has an open request for ${input.stage} (request ${current.id})`,
      );
    }
    const [inserted] = await trx('promotion_requests')
      .insert({
        model_ref: modelRef,
        version: input.version,
        stage: input.stage,
        status: 'open',
        requested_by: context.actor,
        comment: context.comment ?? null,
        required_approvals: input.requiredApprovals,
        move_alias: input.alias ?? null,
        gate_results: jsonOrNull(input.gateResults),
        open_key: key,
        created_at: now,
        updated_at: now,
        expires_at: input.expiresAt ?? null,
      })
      .returning('id');
    const requestId = Number(
      typeof inserted === 'object' ? inserted.id : inserted,
    );
    await appendHistory(trx, {
      modelRef,
      version: input.version,
      action: 'promotion.request',
      context,
      before: { stage: version.stage },
      after: {
        requestId,
        stage: input.stage,
        requiredApprovals: input.requiredApprovals,
        ...(input.alias ? { alias: input.alias } : {}),
      },
      at: now,
    });
    return requestId;
  });
  return (await getPromotionRequest(db, modelRef, id))!;
}

/** One request of a model, or undefined. */
export async function getPromotionRequest(
  db: Knex,
  modelRef: string,
  id: number,
): Promise<PromotionRequest | undefined> {
  if (!Number.isSafeInteger(id) || id < 1) return undefined;
  const row = await db<RequestRow>('promotion_requests')
    .where({ id, model_ref: modelRef })
    .first();
  return row ? (await withDecisions(db, [row], new Date()))[0] : undefined;
}

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

/** The open request, locked for this transaction; ConflictError when it is closed or expired. */
async function lockOpenRequest(
  trx: Knex.Transaction,
  modelRef: string,
  id: number,
  now: Date,
): Promise<RequestRow> {
  if (!Number.isSafeInteger(id) || id < 1) {
    throw new NotFoundError(`promotion request ${id} does not exist`);
  }
  const row = await trx<RequestRow>('promotion_requests')
    .where({ id, model_ref: modelRef })
    .forUpdate()
    .first();
  if (!row) {
    throw new NotFoundError(
      `promotion request ${id} of ${modelRef} does not exist`,
    );
  }
  if (isExpired(row, now)) {
    throw new ConflictError(
      `promotion request ${id} expired at ${toIso(row.expires_at!)}`,
    );
  }
  if (row.status !== 'open') {
    throw new ConflictError(`promotion request ${id} is ${row.status}`);
  }
  return row;
}

/**
 * Records an approval or a rejection. A rejection closes the request. The approval that
 * reaches the required number executes the promotion in the same transaction (the request
 * row is locked, so two approvals at the same moment execute it once); if the stage change
 * fails (the version was deleted, a gate no longer passes), nothing is recorded.
 */
export async function decidePromotionRequest(
  db: Knex,
  modelRef: string,
  id: number,
  decision: 'approve' | 'reject',
  context: DecideContext,
): Promise<DecisionResult> {
  const now = new Date();
  const executed = await db.transaction(async trx => {
    const row = await lockOpenRequest(trx, modelRef, id, now);
    if (
      decision === 'approve' &&
      row.requested_by === context.actor &&
      !context.allowSelfApproval
    ) {
      throw new NotAllowedError(
        `the requester of promotion request ${id} cannot approve it; another user must`,
      );
    }
    const earlier = await trx<DecisionRow>('promotion_decisions')
      .where({ request_id: row.id, decided_by: context.actor })
      .first();
    if (earlier) {
      throw new ConflictError(
        `you already decided on promotion request ${id} (${earlier.decision})`,
      );
    }
    await trx('promotion_decisions').insert({
      request_id: row.id,
      decided_by: context.actor,
      decision,
      comment: context.comment ?? null,
      created_at: now,
    });
    await appendHistory(trx, {
      modelRef,
      version: Number(row.version),
      action: decision === 'approve' ? 'promotion.approve' : 'promotion.reject',
      context,
      after: { requestId: Number(row.id), stage: row.stage },
      at: now,
    });
    if (decision === 'reject') {
      await close(trx, row, 'rejected', context.actor, now);
      return undefined;
    }
    const [{ count }] = await trx('promotion_decisions')
      .where({ request_id: row.id, decision: 'approve' })
      .count({ count: '*' });
    if (Number(count) < Number(row.required_approvals)) return undefined;
    if (context.checkGates) {
      const input = await loadGateInput(
        trx,
        modelRef,
        Number(row.version),
        row.stage,
        context.stageRules,
      );
      if (!input) {
        throw new NotFoundError(
          `version ${row.version} of ${modelRef} was deleted`,
        );
      }
      // gates passed by an override when the request was opened stay passed
      const recorded = parseJson<unknown>(row.gate_results);
      const overridden = new Set(
        Array.isArray(recorded)
          ? (recorded as RecordedGateResult[])
              .filter(g => g.overridden)
              .map(g => g.gate)
          : [],
      );
      const failed = (await context.checkGates(input)).filter(
        g => !g.passed && !overridden.has(g.gate),
      );
      if (failed.length) throw new GatesFailedError(failed);
    }
    const moved = await transitionStage(
      trx,
      modelRef,
      Number(row.version),
      row.stage,
      {
        actor: context.actor,
        comment: `Promotion request ${row.id} approved${
          context.comment ? `: ${context.comment}` : ''
        }`,
        stageRules: context.stageRules,
      },
    );
    if (row.move_alias) {
      // the approved request moves its alias in the same transaction (a protected alias
      // moves this way without the protected-alias permission: the approvers decided)
      await setAlias(trx, modelRef, row.move_alias, Number(row.version), {
        actor: context.actor,
        comment: `Promotion request ${row.id} approved`,
      });
    }
    await close(trx, row, 'executed', context.actor, now);
    return moved;
  });
  const request = (await getPromotionRequest(db, modelRef, id))!;
  return executed ? { request, executed } : { request };
}

/** Cancels an open request; only its requester may. */
export async function cancelPromotionRequest(
  db: Knex,
  modelRef: string,
  id: number,
  context: ChangeContext,
): Promise<PromotionRequest> {
  const now = new Date();
  await db.transaction(async trx => {
    const row = await lockOpenRequest(trx, modelRef, id, now);
    if (row.requested_by !== context.actor) {
      throw new NotAllowedError(
        `only the requester (${row.requested_by}) may cancel promotion request ${id}`,
      );
    }
    await close(trx, row, 'cancelled', context.actor, now);
    await appendHistory(trx, {
      modelRef,
      version: Number(row.version),
      action: 'promotion.cancel',
      context,
      after: { requestId: Number(row.id), stage: row.stage },
      at: now,
    });
  });
  return (await getPromotionRequest(db, modelRef, id))!;
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
