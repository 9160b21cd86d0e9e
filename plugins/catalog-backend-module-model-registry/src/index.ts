/**
 * The catalog module for the MLModel kind.
 *
 * @packageDocumentation
 */

export { catalogModuleModelRegistry as default } from './module';
export { MLModelEntitiesProcessor } from './processor/MLModelEntitiesProcessor';
