import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { readModelNamingRule } from '@model-registry/plugin-model-registry-common';
import { MLModelEntitiesProcessor } from './processor/MLModelEntitiesProcessor';

/**
 * Adds the MLModel kind to the catalog: validation against its schema and the
 * naming rule (`modelRegistry.naming`), and its relations.
 * @public
 */
export const catalogModuleModelRegistry = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'model-registry',
  register(reg) {
    reg.registerInit({
      deps: {
        catalog: catalogProcessingExtensionPoint,
        config: coreServices.rootConfig,
      },
      async init({ catalog, config }) {
        catalog.addProcessor(
          new MLModelEntitiesProcessor({
            namingRule: readModelNamingRule(config),
          }),
        );
      },
    });
  },
});
