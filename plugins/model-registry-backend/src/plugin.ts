import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { actionsRegistryServiceRef } from '@backstage/backend-plugin-api/alpha';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import {
  MODEL_REGISTRY_MODELS_TOPIC,
  modelRegistryPermissions,
  readAllowedSourceSchemes,
  readModelNamingRule,
  readProtectedAliases,
  readStageRules,
} from '@model-registry/plugin-model-registry-common';
import { DatabaseModelRegistryStore } from './database/DatabaseModelRegistryStore';
import {
  modelRegistryGatesExtensionPoint,
  PromotionGate,
} from '@model-registry/plugin-model-registry-node';
import { readBuiltInGates } from './gates/builtInGates';
import { PromotionGates } from './gates/PromotionGates';
import { notificationService } from '@backstage/plugin-notifications-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import { catalogApiServiceRef } from './service/catalogApiServiceRef';
import { scheduleRequestExpiry } from './service/expirePromotionRequests';
import { scheduleEventDispatch } from './service/dispatchRegistryEvents';
import { readWebhookOptions } from './webhooks/webhookOptions';
import { createWebhookSender } from './webhooks/sendWebhook';
import { scheduleWebhookDelivery } from './webhooks/deliverWebhooks';
import { createMonitoringNotices } from './monitoring/monitoringNotices';
import { createPromotionNotices } from './service/promotionNotices';
import { createRouter, RouterOptions } from './service/router';
import { createRouteContext } from './service/createRouteContext';
import { registerRegistryActions } from './actions/registryActions';
import { seedFromConfig } from './seed/seedFromFile';
import { announceModelChanges } from './events/announceModelChanges';
import {
  createTrackingServerRunReader,
  readTrackingServerOptions,
} from './mlflow/trackingServerRuns';

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
    const customGates: Array<{ stage: string; gate: PromotionGate }> = [];
    env.registerExtensionPoint(modelRegistryGatesExtensionPoint, {
      addGate(stage, gate) {
        customGates.push({ stage, gate });
      },
    });
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
        scheduler: coreServices.scheduler,
        catalog: catalogServiceRef,
        catalogApi: catalogApiServiceRef,
        notifications: notificationService,
        signals: signalsServiceRef,
        events: eventsServiceRef,
        actionsRegistry: actionsRegistryServiceRef,
      },
      async init(deps) {
        deps.permissionsRegistry.addPermissions(modelRegistryPermissions);
        const store = await DatabaseModelRegistryStore.create({
          database: deps.database,
          monitoringSeriesLimit: deps.config.getOptionalNumber(
            'modelRegistry.monitoring.maxObservationsPerSeries',
          ),
        });
        const stageRules = readStageRules(deps.config);
        const allowedSourceSchemes = readAllowedSourceSchemes(deps.config);
        const trackingServer = readTrackingServerOptions(deps.config);
        await seedFromConfig({
          config: deps.config,
          store,
          stageRules,
          allowedSourceSchemes,
          logger: deps.logger,
        });
        // MLflow's routes ask for credentials themselves, to answer a missing token in
        // MLflow's error shape (UNAUTHENTICATED) rather than Backstage's.
        deps.httpRouter.addAuthPolicy({
          path: '/mlflow',
          allow: 'unauthenticated',
        });
        const notices = createPromotionNotices({
          notifications: deps.notifications,
          signals: deps.signals,
          stageRules,
          logger: deps.logger,
        });
        await scheduleRequestExpiry({
          scheduler: deps.scheduler,
          store,
          notices,
          logger: deps.logger,
        });
        await scheduleEventDispatch({
          scheduler: deps.scheduler,
          store,
          events: deps.events,
          logger: deps.logger,
        });
        const webhookOptions = readWebhookOptions(deps.config);
        const mlflowNamespace =
          deps.config.getOptionalString('modelRegistry.mlflow.namespace') ??
          'default';
        await scheduleWebhookDelivery({
          scheduler: deps.scheduler,
          logger: deps.logger,
          webhooks: store.webhooks,
          send: createWebhookSender({
            policy: webhookOptions,
            timeoutMs: webhookOptions.timeoutMs,
          }),
          options: webhookOptions,
          pollMs: webhookOptions.pollMs,
          mlflowNamespace,
        });
        const routerOptions: RouterOptions = {
          ...deps,
          store,
          requireOwnerMembership:
            deps.config.getOptionalBoolean(
              'modelRegistry.models.requireOwnerMembership',
            ) ?? true,
          stageRules,
          namingRule: readModelNamingRule(deps.config),
          allowedSourceSchemes,
          mlflowNamespace: deps.config.getOptionalString(
            'modelRegistry.mlflow.namespace',
          ),
          mlflowCatalogWaitMs:
            (deps.config.getOptionalNumber(
              'modelRegistry.mlflow.catalogWaitSeconds',
            ) ?? 10) * 1000,
          mlflowRunData:
            trackingServer &&
            createTrackingServerRunReader(trackingServer, deps.logger),
          gates: PromotionGates.combine(
            readBuiltInGates(deps.config, stageRules),
            customGates,
            stageRules.stages,
          ),
          protectedAliases: readProtectedAliases(deps.config),
          webhookOptions,
          notices,
          monitoringNotices: createMonitoringNotices({
            notifications: deps.notifications,
            signals: deps.signals,
            logger: deps.logger,
          }),
          onModelsChanged: announceModelChanges(deps),
        };
        deps.httpRouter.use(await createRouter(routerOptions));
        // MCP tools through the actions registry (docs/events.md, MCP actions): the same
        // context, store and checks as the routes
        registerRegistryActions(
          deps.actionsRegistry,
          await createRouteContext(routerOptions),
        );
      },
    });
  },
});
