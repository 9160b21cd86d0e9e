/**
 * Extension points of the model registry backend (`@model-registry/plugin-model-registry-backend`)
 * for other backend modules.
 *
 * @packageDocumentation
 */
export * from './gates';
