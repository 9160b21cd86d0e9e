/**
 * Shared by the model registry plugins: the MLModel kind (types, JSON schema, validator,
 * relations, naming rule), the registry's rules (stages, aliases, sources, limits), its
 * permissions, and the typed API client.
 *
 * @packageDocumentation
 */

export * from './entity/MLModelEntityV1alpha1';
export * from './entity/validateMLModelEntity';
export * from './entity/relations';
export * from './naming';
export { default as mlModelEntityV1alpha1Schema } from './entity/MLModel.v1alpha1.schema.json';
export * from './permissions';
export * from './registry/aliases';
export * from './registry/events';
export * from './registry/limits';
export * from './registry/newModel';
export * from './registry/sources';
export * from './registry/stages';
export * from './registry/types';
export * from './registry/validateVersionInput';
export * from './registry/webhooks';
export * from './client';
