/**
 * The model registry backend plugin.
 *
 * @packageDocumentation
 */

export {
  modelRegistryPlugin as default,
  MODEL_REGISTRY_MODELS_TOPIC,
} from './plugin';
