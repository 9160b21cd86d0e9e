import {
  ConflictError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import {
  approvalRuleOf,
  ModelVersion,
  StageRules,
} from '@model-registry/plugin-model-registry-common';
import { Knex } from 'knex';
import { GateInput, GateResult } from '../gates/builtInGates';
import { GatesFailedError, RecordedGateResult } from '../gates/PromotionGates';
import { setAlias } from './aliases';
import { loadGateInput } from './gateInput';
import { appendHistory } from './history';
import { lockModel } from './models';
import { ChangeContext } from './ModelRegistryStore';
import {
  close,
  DecisionRow,
  getPromotionRequest,
  isExpired,
  NewPromotionRequest,
  openKey,
  PromotionRequest,
  RequestRow,
} from './promotionRequestRows';
import { jsonOrNull, parseJson, toIso } from './rows';
import { transitionStage } from './stages';
import { requireVersion } from './versions';

export type DecideContext = ChangeContext & {
  /** Also says whether a stage lets the requester approve (`approvals.<stage>`). */
  stageRules: StageRules;
  /**
   * The stages' gates, re-checked in the executing transaction on the version as it is
   * then; a failing gate that was not overridden when the request was opened blocks the
   * execution (GatesFailedError) and leaves everything as it was.
   */
  gates?: {
    has(stage: string): boolean;
    evaluate(input: GateInput): Promise<GateResult[]>;
  };
};

export type DecisionResult = {
  request: PromotionRequest;
  /** Set when this approval was the last one needed: the promotion it executed. */
  executed?: { version: ModelVersion; archived: number[] };
};

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
      !approvalRuleOf(context.stageRules, row.stage)?.allowSelfApproval
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
    if (context.gates?.has(row.stage)) {
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
      const failed = (await context.gates.evaluate(input)).filter(
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
