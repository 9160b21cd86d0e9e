import { parseEntityRef } from '@backstage/catalog-model';
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
  /**
   * Stages a version enters only through an approved promotion request
   * (`modelRegistry.stages.approvals.<stage>`); none when absent.
   */
  approvals?: Record<string, StageApprovalRule>;
}

/** How a stage's promotion requests are approved. @public */
export interface StageApprovalRule {
  /** Distinct approvers needed (the requester never counts unless allowSelfApproval). */
  required: number;
  /** Whether the requester's own approval counts; default false. */
  allowSelfApproval: boolean;
  /** Hours after which an open request expires; none when absent. */
  expiresAfterHours?: number;
  /**
   * `break-glass`: a user with the stage's promote permission may still move a version in
   * directly, giving a reason (recorded as a break-glass promotion); `never` (default): only
   * through an approved request.
   */
  directPromotion: 'never' | 'break-glass';
  /** Entity refs (users or groups) notified when a request for the stage opens. */
  notify: string[];
}

/** The approval rule of a stage, or undefined when it is entered directly. @public */
export function approvalRuleOf(
  rules: StageRules,
  stage: string,
): StageApprovalRule | undefined {
  return rules.approvals?.[stage];
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
  for (const [stage, rule] of Object.entries(rules.approvals ?? {})) {
    known(`approvals.${stage}`, stage);
    if (stage === rules.stages[0] || stage === rules.archivedStage) {
      throw new Error(
        `${key}.approvals.${stage}: the initial and the archived stage cannot need approvals`,
      );
    }
    if (
      !Number.isInteger(rule.required) ||
      rule.required < 1 ||
      rule.required > 10
    ) {
      throw new Error(
        `${key}.approvals.${stage}.required must be an integer from 1 to 10`,
      );
    }
    if (rule.expiresAfterHours !== undefined && !(rule.expiresAfterHours > 0)) {
      throw new Error(
        `${key}.approvals.${stage}.expiresAfterHours must be a positive number`,
      );
    }
    for (const ref of rule.notify ?? []) {
      try {
        parseEntityRef(ref);
      } catch {
        throw new Error(
          `${key}.approvals.${stage}.notify: "${ref}" is not an entity ref (e.g. group:default/risk-approvers)`,
        );
      }
    }
    if (!['never', 'break-glass'].includes(rule.directPromotion)) {
      throw new Error(
        `${key}.approvals.${stage}.directPromotion must be "never" or "break-glass"`,
      );
    }
  }
  return rules;
}

function readApprovals(
  stages: Config,
): Record<string, StageApprovalRule> | undefined {
  const approvals = stages.getOptionalConfig('approvals');
  if (!approvals) return undefined;
  return Object.fromEntries(
    approvals
      .keys()
      // `required: 0` turns a stage's approvals off (e.g. an environment override)
      .filter(
        stage => approvals.getConfig(stage).getOptionalNumber('required') !== 0,
      )
      .map(stage => {
        const rule = approvals.getConfig(stage);
        const directPromotion =
          rule.getOptionalString('directPromotion') ?? 'never';
        return [
          stage,
          {
            required: rule.getNumber('required'),
            allowSelfApproval:
              rule.getOptionalBoolean('allowSelfApproval') ?? false,
            ...(rule.has('expiresAfterHours')
              ? { expiresAfterHours: rule.getNumber('expiresAfterHours') }
              : {}),
            directPromotion:
              directPromotion as StageApprovalRule['directPromotion'],
            notify: rule.getOptionalStringArray('notify') ?? [],
          },
        ];
      }),
  );
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
    ...(stages.has('approvals') ? { approvals: readApprovals(stages) } : {}),
  });
}

/**
 * The stage that serves a model, its "production version" ("production" by default): the
 * first single-occupancy stage, else the first protected one; undefined when the rules have
 * neither. @public
 */
export function servingStageOf(rules: StageRules): string | undefined {
  return rules.singleOccupancyStages[0] ?? rules.protectedStages[0];
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
