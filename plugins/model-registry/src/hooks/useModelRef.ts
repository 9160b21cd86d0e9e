import { useApi } from '@backstage/core-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import { modelRegistryApiRef } from '../api';

/**
 * The MLModel entity of the current page, its ref (lower-cased, as the registry keys
 * models) and the registry client.
 */
export function useModelRef() {
  const { entity } = useEntity();
  const api = useApi(modelRegistryApiRef);
  const entityRef = stringifyEntityRef(entity).toLocaleLowerCase('en-US');
  return { entity, entityRef, api };
}
