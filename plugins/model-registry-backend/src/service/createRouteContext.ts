import { catalogAsPluginForServices } from './catalogAsPluginForServices';
import { ModelAccess } from './ModelAccess';
import { createMutationFrame } from './mutationFrame';
import { RouteContext, RouterOptions } from './RouteContext';

/**
 * The context the routes run in, built from the router's options as createRouter builds
 * it: the catalog as the routes call it (a service caller's reads made as the plugin), the
 * read and permission checks (ModelAccess) and the audit and mutation frame. The registry's
 * actions (src/actions) run in a context built here, so that an action reads and decides
 * exactly as the route it mirrors.
 */
export async function createRouteContext(
  options: RouterOptions,
): Promise<RouteContext> {
  const catalog = options.auth
    ? catalogAsPluginForServices(
        options.catalog,
        options.auth,
        await options.auth.getOwnServiceCredentials(),
        options.catalogApi,
      )
    : options.catalog;
  const access = new ModelAccess(catalog, options.permissions);
  return {
    ...options,
    catalog,
    access,
    frame: createMutationFrame({
      httpAuth: options.httpAuth,
      auditor: options.auditor,
      access,
    }),
  };
}
