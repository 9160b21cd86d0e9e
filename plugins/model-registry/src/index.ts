/**
 * The model registry frontend plugin. Legacy apps use the exports below; apps on the new
 * frontend system use the default export of `@model-registry/plugin-model-registry/alpha`.
 *
 * @packageDocumentation
 */

export {
  modelRegistryPlugin,
  ModelsPage,
  PromotionRequestsPage,
  WebhooksPage,
  EntityModelCard,
  EntityModelVersionsContent,
  EntityModelLineageContent,
  EntityModelMetricsContent,
  EntityModelHistoryContent,
  EntityComponentModelsCard,
  ModelNamePickerFieldExtension,
} from './plugin';
export { modelRegistryApiRef } from './api';
export type { ModelRegistryApi } from './api';
export {
  modelsPageRouteRef,
  promotionRequestsRouteRef,
  webhooksRouteRef,
} from './routes';
