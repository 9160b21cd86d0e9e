import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import {
  checkStage,
  isProtectedStage,
  modelVersionPromoteProductionPermission,
  modelVersionStagePermission,
  StageRules,
} from '@model-registry/plugin-model-registry-common';
import { ModelAccess } from './ModelAccess';

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
}) {
  const { access, stageRules, modelRef, stage, credentials } = deps;
  const problem = checkStage(stageRules, stage);
  if (problem) throw new InputError(`stage ${problem}`);
  await access.authorize(
    isProtectedStage(stageRules, stage)
      ? modelVersionPromoteProductionPermission
      : modelVersionStagePermission,
    modelRef,
    credentials,
  );
}
