import { configApiRef, useApi } from '@backstage/core-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  readStageRules,
  StageRules,
} from '@model-registry/plugin-model-registry-common';
import { useMemo } from 'react';
import { modelRegistryApiRef } from '../api';

/** The MLModel entity of the current page, its ref, the registry client and the stage rules. */
export function useModel() {
  const { entity } = useEntity();
  const api = useApi(modelRegistryApiRef);
  const config = useApi(configApiRef);
  const entityRef = stringifyEntityRef(entity);
  const stageRules: StageRules = useMemo(
    () => readStageRules(config),
    [config],
  );
  return { entity, entityRef, api, stageRules };
}

/** The server's message of a failed request, for showing next to the control that failed. */
export function errorMessage(error: unknown): string {
  const e = error as {
    body?: { error?: { message?: string } };
    message?: string;
  };
  return e?.body?.error?.message ?? e?.message ?? String(error);
}
