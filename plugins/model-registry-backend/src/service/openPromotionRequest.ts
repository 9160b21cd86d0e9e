import { InputError } from '@backstage/errors';
import {
  approvalRuleOf,
  checkAliasName,
  checkStage,
  modelPromotionRequestPermission,
} from '@model-registry/plugin-model-registry-common';
import { PromotionRequest } from '../database/ModelRegistryStore';
import { actorOf } from './actor';
import { checkGates } from './checkGates';
import { ModelTarget } from './mutationFrame';
import type { RouteContext } from './RouteContext';

const HOUR_MS = 3_600_000;

/** What opening a promotion request takes (the body of POST …/promotion-requests). */
export type OpenPromotionRequestInput = {
  version: number;
  stage: string;
  comment?: string;
  overrideGates?: boolean;
  alias?: string;
};

/**
 * Opens a promotion request of a version the caller can read (the caller of the frame has
 * checked that): the stage must be one that needs approvals, the caller needs
 * model-registry.promotion.request on the model, and the stage's gates must pass (or be
 * overridden with a reason and model-registry.gate.override). The one implementation behind
 * POST …/versions/:version/promotion-requests and the model-registry:request-promotion
 * action; the caller runs it in its audit frame and sends the notices afterwards.
 */
export async function openPromotionRequest(
  ctx: Pick<RouteContext, 'store' | 'stageRules' | 'access' | 'gates'>,
  { modelRef, credentials }: ModelTarget,
  input: OpenPromotionRequestInput,
): Promise<PromotionRequest> {
  const { store, stageRules, access } = ctx;
  const { version, stage, comment, overrideGates, alias } = input;
  const problem = checkStage(stageRules, stage);
  if (problem) throw new InputError(`stage ${problem}`);
  if (alias !== undefined) {
    const aliasProblem = checkAliasName(alias);
    if (aliasProblem) throw new InputError(`alias ${aliasProblem}`);
  }
  const rule = approvalRuleOf(stageRules, stage);
  if (!rule) {
    throw new InputError(
      `stage: ${stage} needs no approval (modelRegistry.stages.approvals); move the version there directly`,
    );
  }
  await access.authorize(
    modelPromotionRequestPermission,
    modelRef,
    credentials,
  );
  const gateResults = await checkGates(ctx, {
    modelRef,
    version,
    stage,
    credentials,
    ...(overrideGates ? { overrideReason: comment ?? '' } : {}),
  });
  return store.openPromotionRequest(
    modelRef,
    {
      version,
      stage,
      requiredApprovals: rule.required,
      ...(alias ? { alias } : {}),
      ...(gateResults ? { gateResults } : {}),
      ...(rule.expiresAfterHours
        ? {
            expiresAt: new Date(Date.now() + rule.expiresAfterHours * HOUR_MS),
          }
        : {}),
    },
    { actor: actorOf(credentials), comment },
  );
}
