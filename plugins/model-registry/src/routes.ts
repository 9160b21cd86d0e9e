import { createRouteRef } from '@backstage/core-plugin-api';

/** The route of the Models page. @public */
export const modelsPageRouteRef = createRouteRef({
  id: 'model-registry:models',
});
