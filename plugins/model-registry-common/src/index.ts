/**
 * Shared types, JSON schema, validator and naming rule for the MLModel catalog kind.
 *
 * @packageDocumentation
 */

export * from './entity/MLModelEntityV1alpha1';
export * from './entity/validateMLModelEntity';
export * from './entity/relations';
export * from './naming';
export { default as mlModelEntityV1alpha1Schema } from './entity/MLModel.v1alpha1.schema.json';
