/**
 * The catalog module for the MLModel kind.
 *
 * @packageDocumentation
 */

export { catalogModuleModelRegistry as default } from './module';
export { MLModelEntitiesProcessor } from './processor/MLModelEntitiesProcessor';
export {
  MODEL_REGISTRY_MODELS_TOPIC,
  RegistryModelEntityProvider,
} from './provider/RegistryModelEntityProvider';
