import { createApiRef } from '@backstage/core-plugin-api';
import { ModelRegistryClient } from '@model-registry/plugin-model-registry-common';

/** The model registry API as the frontend sees it: the typed client's methods. @public */
export type ModelRegistryApi = Pick<
  ModelRegistryClient,
  keyof ModelRegistryClient
>;

/** The API ref of the model registry client. @public */
export const modelRegistryApiRef = createApiRef<ModelRegistryApi>({
  id: 'plugin.model-registry.client',
});
