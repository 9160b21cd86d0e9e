import {
  createApiFactory,
  createComponentExtension,
  createPlugin,
  createRoutableExtension,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/core-plugin-api';
import { createScaffolderFieldExtension } from '@backstage/plugin-scaffolder-react';
import { ModelRegistryClient } from '@model-registry/plugin-model-registry-common';
import {
  ModelNamePicker,
  validateModelName,
} from './components/ModelNamePicker';
import { modelRegistryApiRef } from './api';
import {
  modelsPageRouteRef,
  promotionRequestsRouteRef,
  webhooksRouteRef,
} from './routes';

/** The model registry plugin for legacy (createApp from @backstage/app-defaults) apps. @public */
export const modelRegistryPlugin = createPlugin({
  id: 'model-registry',
  apis: [
    createApiFactory({
      api: modelRegistryApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new ModelRegistryClient({ discoveryApi, fetchApi }),
    }),
  ],
  routes: {
    models: modelsPageRouteRef,
    promotionRequests: promotionRequestsRouteRef,
    webhooks: webhooksRouteRef,
  },
});

/** The Models page. @public */
export const ModelsPage = modelRegistryPlugin.provide(
  createRoutableExtension({
    name: 'ModelsPage',
    component: () => import('./components/ModelsPage').then(m => m.ModelsPage),
    mountPoint: modelsPageRouteRef,
  }),
);

/**
 * The Promotion requests page: open requests the signed-in user may approve, and the
 * requests they opened. @public
 */
export const PromotionRequestsPage = modelRegistryPlugin.provide(
  createRoutableExtension({
    name: 'PromotionRequestsPage',
    component: () =>
      import('./components/PromotionRequests').then(
        m => m.PromotionRequestsPage,
      ),
    mountPoint: promotionRequestsRouteRef,
  }),
);

/**
 * The Webhooks admin page: subscriptions, their one-time secrets and their deliveries
 * (model-registry.webhook.manage). @public
 */
export const WebhooksPage = modelRegistryPlugin.provide(
  createRoutableExtension({
    name: 'WebhooksPage',
    component: () =>
      import('./components/WebhooksPage').then(m => m.WebhooksPage),
    mountPoint: webhooksRouteRef,
  }),
);

function entityComponent<T>(name: string, load: () => Promise<T>) {
  return modelRegistryPlugin.provide(
    createComponentExtension({ name, component: { lazy: load as any } }),
  );
}

/** The model card, for MLModel entity overview pages. @public */
export const EntityModelCard = entityComponent('EntityModelCard', () =>
  import('./components/ModelCard').then(m => m.ModelCard),
);

/** The versions table with promotion controls, for an MLModel "Versions" tab. @public */
export const EntityModelVersionsContent = entityComponent(
  'EntityModelVersionsContent',
  () => import('./components/VersionsTab').then(m => m.VersionsTab),
);

/** The lineage graph, for an MLModel "Lineage" tab. @public */
export const EntityModelLineageContent = entityComponent(
  'EntityModelLineageContent',
  () => import('./components/LineageContent').then(m => m.LineageContent),
);

/** Metrics across versions, for an MLModel "Metrics" tab. @public */
export const EntityModelMetricsContent = entityComponent(
  'EntityModelMetricsContent',
  () => import('./components/MetricsContent').then(m => m.MetricsContent),
);

/** The history timeline, for an MLModel "History" tab. @public */
export const EntityModelHistoryContent = entityComponent(
  'EntityModelHistoryContent',
  () => import('./components/HistoryContent').then(m => m.HistoryContent),
);

/** The "ML models" card for Component pages. @public */
export const EntityComponentModelsCard = entityComponent(
  'EntityComponentModelsCard',
  () =>
    import('./components/ComponentModelsCard').then(m => m.ComponentModelsCard),
);

/**
 * The scaffolder field `ModelNamePicker` (checks the model naming rule as you type), for
 * legacy apps: put it inside `<ScaffolderFieldExtensions>` of the scaffolder page. @public
 */
export const ModelNamePickerFieldExtension = modelRegistryPlugin.provide(
  createScaffolderFieldExtension({
    name: 'ModelNamePicker',
    component: ModelNamePicker,
    validation: validateModelName,
  }),
);
