import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  approvalRuleOf,
  checkStage,
  isProtectedStage,
  modelVersionPromoteProductionPermission,
  modelVersionStagePermission,
  StageRules,
} from '@model-registry/plugin-model-registry-common';
import { ModelAccess } from './ModelAccess';
import { PromotionBlockedError } from './PromotionBlockedError';

/**
 * The one place a stage change is authorized: the target stage must be configured, and
 * moving into a protected stage (production by default) needs its own permission, separate
 * from the one for ordinary stages.
 */
export async function authorizeStageChange(deps: {
  access: ModelAccess;
  stageRules: StageRules;
  modelRef: string;
  stage: string;
  credentials: BackstageCredentials;
  /** A break-glass promotion into a stage that needs approvals, with its reason. */
  breakGlass?: { reason?: string };
}) {
  const { access, stageRules, modelRef, stage, credentials, breakGlass } = deps;
  const problem = checkStage(stageRules, stage);
  if (problem) throw new InputError(`stage ${problem}`);
  const approvals = approvalRuleOf(stageRules, stage);
  if (approvals) {
    // a stage that needs approvals is entered through an approved request, or, where
    // config allows it, by a break-glass promotion with a reason
    if (!breakGlass) {
      throw new PromotionBlockedError(
        `${stage} needs ${approvals.required} approval${
          approvals.required === 1 ? '' : 's'
        }: request the promotion (POST …/versions/{version}/promotion-requests) and have it approved`,
      );
    }
    if (approvals.directPromotion !== 'break-glass') {
      throw new InputError(
        `breakGlass: ${stage} takes no direct promotion (modelRegistry.stages.approvals.${stage}.directPromotion is "never")`,
      );
    }
    if (!breakGlass.reason?.trim()) {
      throw new InputError(
        'comment: a break-glass promotion needs its reason as the comment',
      );
    }
    await access.authorize(
      modelVersionPromoteProductionPermission,
      modelRef,
      credentials,
    );
    return;
  }
  if (breakGlass) {
    throw new InputError(
      `breakGlass: ${stage} needs no approval; move the version without breakGlass`,
    );
  }
  await access.authorize(
    isProtectedStage(stageRules, stage)
      ? modelVersionPromoteProductionPermission
      : modelVersionStagePermission,
    modelRef,
    credentials,
  );
}
