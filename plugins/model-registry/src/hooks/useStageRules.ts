import { configApiRef, useApi } from '@backstage/core-plugin-api';
import {
  readStageRules,
  StageRules,
} from '@model-registry/plugin-model-registry-common';
import { useMemo } from 'react';

/** The stage rules of `modelRegistry.stages` in the app config (the defaults when unset). */
export function useStageRules(): StageRules {
  const config = useApi(configApiRef);
  return useMemo(() => readStageRules(config), [config]);
}

/**
 * The stage that serves a model ("production" by default): the first single-occupancy
 * stage, else the first protected one; undefined when the rules have neither.
 */
export function servingStageOf(rules: StageRules): string | undefined {
  return rules.singleOccupancyStages[0] ?? rules.protectedStages[0];
}
