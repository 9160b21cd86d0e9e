import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { scaffolderActionsExtensionPoint } from '@backstage/plugin-scaffolder-node';
import {
  readAllowedSourceSchemes,
  readModelNamingRule,
} from '@model-registry/plugin-model-registry-common';
import { createModelAction } from './actions/createModel';
import { publishLocalAction } from './actions/publishLocal';
import { registerVersionAction } from './actions/registerVersion';

/**
 * The scaffolder module of the model registry: `model-registry:model:create`,
 * `model-registry:version:register` and `model-registry:publish:local`.
 * @public
 */
export const scaffolderModuleModelRegistry = createBackendModule({
  pluginId: 'scaffolder',
  moduleId: 'model-registry',
  register(reg) {
    reg.registerInit({
      deps: {
        scaffolder: scaffolderActionsExtensionPoint,
        auth: coreServices.auth,
        discovery: coreServices.discovery,
        config: coreServices.rootConfig,
        catalog: catalogServiceRef,
      },
      async init({ scaffolder, auth, discovery, config, catalog }) {
        scaffolder.addActions(
          createModelAction({
            auth,
            discovery,
            catalog,
            namingRule: readModelNamingRule(config),
            catalogWaitSeconds:
              config.getOptionalNumber(
                'modelRegistry.scaffolder.catalogWaitSeconds',
              ) ?? 30,
          }),
          registerVersionAction({
            auth,
            discovery,
            allowedSourceSchemes: readAllowedSourceSchemes(config),
          }),
          publishLocalAction({
            directory: config.getOptionalString(
              'modelRegistry.scaffolder.localPublish.directory',
            ),
          }),
        );
      },
    });
  },
});
