export { modelRegistryApiRef } from './ModelRegistryApi';
export type { ModelRegistryApi } from './ModelRegistryApi';
