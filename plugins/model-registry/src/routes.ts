import { createRouteRef } from '@backstage/core-plugin-api';

/** The route of the Models page. @public */
export const modelsPageRouteRef = createRouteRef({
  id: 'model-registry:models',
});

/** The route of the Promotion requests page. @public */
export const promotionRequestsRouteRef = createRouteRef({
  id: 'model-registry:promotion-requests',
});

/** The route of the Webhooks admin page. @public */
export const webhooksRouteRef = createRouteRef({
  id: 'model-registry:webhooks',
});
