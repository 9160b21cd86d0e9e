import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import {
  MODEL_REGISTRY_MODELS_TOPIC,
  modelRegistryPermissions,
  readAllowedSourceSchemes,
  readModelNamingRule,
  readStageRules,
} from '@model-registry/plugin-model-registry-common';
import { DatabaseModelRegistryStore } from './database/DatabaseModelRegistryStore';
import { createRouter } from './service/router';
import { seedFromFile } from './seed/seedFromFile';
import { resolve as resolvePath } from 'node:path';

// The topic is defined once, in model-registry-common, and re-exported here.
export { MODEL_REGISTRY_MODELS_TOPIC };

/**
 * The model registry backend plugin: versions, stages, aliases, lineage and history of
 * MLModel entities, under /api/model-registry.
 * @public
 */
export const modelRegistryPlugin = createBackendPlugin({
  pluginId: 'model-registry',
  register(env) {
    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        auditor: coreServices.auditor,
        userInfo: coreServices.userInfo,
        auth: coreServices.auth,
        catalog: catalogServiceRef,
        events: eventsServiceRef,
      },
      async init(deps) {
        deps.permissionsRegistry.addPermissions(modelRegistryPermissions);
        const store = await DatabaseModelRegistryStore.create({
          database: deps.database,
        });
        const stageRules = readStageRules(deps.config);
        const allowedSourceSchemes = readAllowedSourceSchemes(deps.config);
        const seedFile = deps.config.getOptionalString(
          'modelRegistry.seed.file',
        );
        if (seedFile) {
          await seedFromFile({
            file: resolvePath(seedFile),
            store,
            stageRules,
            allowedSourceSchemes,
            logger: deps.logger,
          });
        }
        deps.httpRouter.use(
          await createRouter({
            store,
            catalog: deps.catalog,
            permissions: deps.permissions,
            httpAuth: deps.httpAuth,
            auditor: deps.auditor,
            logger: deps.logger,
            userInfo: deps.userInfo,
            auth: deps.auth,
            requireOwnerMembership:
              deps.config.getOptionalBoolean(
                'modelRegistry.models.requireOwnerMembership',
              ) ?? true,
            stageRules,
            namingRule: readModelNamingRule(deps.config),
            allowedSourceSchemes,
            onModelsChanged: modelRef => {
              deps.events
                .publish({
                  topic: MODEL_REGISTRY_MODELS_TOPIC,
                  eventPayload: { modelRef },
                })
                .catch(error =>
                  deps.logger.warn(
                    `Failed to announce change of ${modelRef}`,
                    error,
                  ),
                );
            },
          }),
        );
      },
    });
  },
});
