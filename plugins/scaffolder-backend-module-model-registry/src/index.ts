/**
 * Scaffolder actions of the model registry.
 *
 * @packageDocumentation
 */

export { scaffolderModuleModelRegistry as default } from './module';
export {
  createModelAction,
  CREATE_MODEL_ACTION_ID,
} from './actions/createModel';
export {
  registerVersionAction,
  REGISTER_VERSION_ACTION_ID,
} from './actions/registerVersion';
export {
  publishLocalAction,
  PUBLISH_LOCAL_ACTION_ID,
} from './actions/publishLocal';
export type { RegistryAccess } from './actions/registry';
