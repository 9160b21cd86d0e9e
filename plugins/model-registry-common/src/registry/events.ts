/**
 * The events topic on which the registry backend announces models registered or deleted
 * through its API; the catalog module's entity provider refreshes on it. @public
 */
export const MODEL_REGISTRY_MODELS_TOPIC = 'model-registry.models';
