import { StageRules } from '@model-registry/plugin-model-registry-common';
import { MlflowError } from './mlflowErrors';

/** MLflow's four stages and the registry stages they stand for. */
export type MlflowStageMap = {
  /** Registry stage → MLflow stage name (stages outside MLflow's four keep their own name). */
  toMlflow(stage: string): string;
  /** MLflow stage name (any case) or a configured stage → registry stage. */
  fromMlflow(stage: unknown, field?: string): string;
};

/**
 * The stage mapping: the first configured stage ↔ "None", `staging` ↔ "Staging", the
 * protected single-occupancy stage ↔ "Production", the archived stage ↔ "Archived".
 */
export function createMlflowStageMap(rules: StageRules): MlflowStageMap {
  const production = rules.protectedStages.find(s =>
    rules.singleOccupancyStages.includes(s),
  );
  const pairs: Array<[string, string | undefined]> = [
    ['None', rules.stages[0]],
    ['Staging', rules.stages.includes('staging') ? 'staging' : undefined],
    ['Production', production],
    ['Archived', rules.archivedStage],
  ];
  const toMlflow = new Map<string, string>();
  const fromMlflow = new Map<string, string>();
  for (const [mlflow, registry] of pairs) {
    if (!registry || toMlflow.has(registry)) continue;
    toMlflow.set(registry, mlflow);
    fromMlflow.set(mlflow.toLocaleLowerCase('en-US'), registry);
  }
  return {
    toMlflow: stage => toMlflow.get(stage) ?? stage,
    fromMlflow: (stage, field = 'stage') => {
      const text = typeof stage === 'string' ? stage : '';
      const mapped = fromMlflow.get(text.toLocaleLowerCase('en-US'));
      if (mapped) return mapped;
      if (rules.stages.includes(text) && !toMlflow.has(text)) return text;
      const names = [
        ...[...toMlflow.values()],
        ...rules.stages.filter(s => !toMlflow.has(s)),
      ];
      throw new MlflowError(
        'INVALID_PARAMETER_VALUE',
        `${field} "${text}" is not a stage; expected one of ${names.join(
          ', ',
        )}`,
      );
    },
  };
}
