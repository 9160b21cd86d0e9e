import { Knex } from 'knex';
import type {
  PromotionDecision,
  PromotionRequest,
  PromotionRequestStatus,
} from '../schema/openapi/generated/models';
import { parseJson, toIso } from './rows';

// The shapes of the API (openapi.yaml): `expired` is an open request past its expiry.
export type { PromotionDecision, PromotionRequest, PromotionRequestStatus };

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

export type RequestRow = {
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

export type DecisionRow = {
  request_id: number;
  decided_by: string;
  decision: 'approve' | 'reject';
  comment: string | null;
  created_at: Date | string;
};

export const openKey = (modelRef: string, version: number, stage: string) =>
  `${modelRef} ${version} ${stage}`;

export function isExpired(row: RequestRow, now: Date) {
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

export async function withDecisions(
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
export async function close(
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
