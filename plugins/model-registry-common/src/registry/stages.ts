import { Config } from '@backstage/config';

/** How versions move between stages. @public */
export interface StageRules {
  /** Every stage, in display order; the first is where new versions start. */
  stages: string[];
  /** The stage a displaced single-occupancy version moves to. */
  archivedStage: string;
  /** Stages that hold at most one version of a model at a time. */
  singleOccupancyStages: string[];
  /** Stages that need the promote-production permission rather than the stage permission. */
  protectedStages: string[];
}

/** The default stages: none → staging → production → archived, production single and protected. @public */
export const DEFAULT_STAGE_RULES: StageRules = {
  stages: ['none', 'staging', 'production', 'archived'],
  archivedStage: 'archived',
  singleOccupancyStages: ['production'],
  protectedStages: ['production'],
};

const STAGE_NAME = /^[a-z][a-z0-9-]{0,62}$/;

/**
 * Checks stage rules for consistency, throwing an error that names the config key.
 * @public
 */
export function createStageRules(rules: StageRules): StageRules {
  const key = 'modelRegistry.stages';
  if (rules.stages.length < 2) {
    throw new Error(`${key}.order must list at least two stages`);
  }
  for (const stage of rules.stages) {
    if (!STAGE_NAME.test(stage)) {
      throw new Error(
        `${key}.order has an invalid stage name "${stage}" (lower-case letters, digits and hyphens)`,
      );
    }
  }
  if (new Set(rules.stages).size !== rules.stages.length) {
    throw new Error(`${key}.order lists a stage twice`);
  }
  const known = (field: string, stage: string) => {
    if (!rules.stages.includes(stage)) {
      throw new Error(
        `${key}.${field} names "${stage}", which is not in ${key}.order`,
      );
    }
  };
  known('archived', rules.archivedStage);
  rules.singleOccupancyStages.forEach(s => known('singleOccupancy', s));
  rules.protectedStages.forEach(s => known('protected', s));
  if (rules.singleOccupancyStages.includes(rules.archivedStage)) {
    throw new Error(`${key}.archived cannot be a single-occupancy stage`);
  }
  if (rules.stages[0] === rules.archivedStage) {
    throw new Error(`${key}.archived cannot be the initial stage`);
  }
  return rules;
}

/** Reads `modelRegistry.stages` from config, falling back to the defaults. @public */
export function readStageRules(config: Config): StageRules {
  const stages = config.getOptionalConfig('modelRegistry.stages');
  if (!stages) {
    return DEFAULT_STAGE_RULES;
  }
  const order =
    stages.getOptionalStringArray('order') ?? DEFAULT_STAGE_RULES.stages;
  const singleOccupancyStages =
    stages.getOptionalStringArray('singleOccupancy') ??
    DEFAULT_STAGE_RULES.singleOccupancyStages.filter(s => order.includes(s));
  return createStageRules({
    stages: order,
    archivedStage:
      stages.getOptionalString('archived') ?? DEFAULT_STAGE_RULES.archivedStage,
    singleOccupancyStages,
    protectedStages:
      stages.getOptionalStringArray('protected') ?? singleOccupancyStages,
  });
}

/** Whether moving into this stage needs the promote-production permission. @public */
export function isProtectedStage(rules: StageRules, stage: string): boolean {
  return rules.protectedStages.includes(stage);
}

/** Returns why a stage name is not acceptable as a target, or undefined. @public */
export function checkStage(
  rules: StageRules,
  stage: unknown,
): string | undefined {
  if (typeof stage !== 'string' || !rules.stages.includes(stage)) {
    return `must be one of ${rules.stages.join(', ')}`;
  }
  return undefined;
}
