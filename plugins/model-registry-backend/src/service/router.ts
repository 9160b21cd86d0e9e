import express from 'express';
import { createMlflowRouter } from '../mlflow/createMlflowRouter';
import { createOpenApiRouter, spec } from '../schema/openapi';
import { createRouteContext } from './createRouteContext';
import { requestBodyGuards } from './requestBodyGuards';
import { RouterOptions } from './RouteContext';
import { addAliasRoutes } from './routes/aliases';
import { addEntityProviderRoutes } from './routes/entityProvider';
import { addHistoryRoutes } from './routes/history';
import { addLineageRoutes } from './routes/lineage';
import { addModelRoutes } from './routes/models';
import { addPromotionRequestRoutes } from './routes/promotionRequests';
import { addStageRoutes } from './routes/stages';
import { addVersionRoutes } from './routes/versions';
import { addWebhookRoutes } from './routes/webhooks';
import { addMonitoringRoutes } from './routes/monitoring';
import { specRequestRules } from './specRequestRules';
import { rewordValidationErrors } from './validationMessages';

export type { RouterOptions } from './RouteContext';

/**
 * The registry's router: body guards (415, 413) in front of the OpenAPI-validated router,
 * which the route modules fill, one per concept. Each route parses, authorizes, calls the
 * store and serializes.
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const ctx = await createRouteContext(options);
  const api = await createOpenApiRouter({
    // the body is parsed by requestBodyGuards, in front of this router
    middleware: [specRequestRules(spec as any)],
  });
  api.use(rewordValidationErrors());
  addModelRoutes(api, ctx);
  addVersionRoutes(api, ctx);
  addStageRoutes(api, ctx);
  addPromotionRequestRoutes(api, ctx);
  addAliasRoutes(api, ctx);
  addLineageRoutes(api, ctx);
  addHistoryRoutes(api, ctx);
  addEntityProviderRoutes(api, ctx);
  addWebhookRoutes(api, ctx);
  addMonitoringRoutes(api, ctx);

  const router = express.Router();
  router.use('/mlflow', createMlflowRouter(ctx));
  router.use(...requestBodyGuards());
  router.use(api);
  return router;
}
