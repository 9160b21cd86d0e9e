import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { readModelNamingRule } from '@model-registry/plugin-model-registry-common';
import { MLModelEntitiesProcessor } from './processor/MLModelEntitiesProcessor';
import { RegistryModelEntityProvider } from './provider/RegistryModelEntityProvider';

/**
 * Adds the MLModel kind to the catalog: validation against its schema and the
 * naming rule (`modelRegistry.naming`), its relations, and the models registered
 * through the model registry API (one model whenever the registry announces its change,
 * all of them on `modelRegistry.entityProvider.schedule`, by default every 10 minutes).
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
        discovery: coreServices.discovery,
        auth: coreServices.auth,
        scheduler: coreServices.scheduler,
        logger: coreServices.logger,
        events: eventsServiceRef,
      },
      async init({
        catalog,
        config,
        discovery,
        auth,
        scheduler,
        logger,
        events,
      }) {
        catalog.addProcessor(
          new MLModelEntitiesProcessor({
            namingRule: readModelNamingRule(config),
          }),
        );
        catalog.addEntityProvider(
          RegistryModelEntityProvider.create({
            discovery,
            auth,
            scheduler,
            logger,
            config,
            events,
          }),
        );
      },
    });
  },
});
