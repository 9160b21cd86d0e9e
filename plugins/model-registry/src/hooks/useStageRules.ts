import { configApiRef, useApi } from '@backstage/core-plugin-api';
import {
  readStageRules,
  servingStageOf,
  StageRules,
} from '@model-registry/plugin-model-registry-common';
import { useMemo } from 'react';

/** The stage rules of `modelRegistry.stages` in the app config (the defaults when unset). */
export function useStageRules(): StageRules {
  const config = useApi(configApiRef);
  return useMemo(() => readStageRules(config), [config]);
}

/** The serving stage of stage rules, from the common package, next to the hook that reads them. */
export { servingStageOf };
