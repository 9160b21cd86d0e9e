import {
  coreServices,
  createServiceFactory,
  createServiceRef,
} from '@backstage/backend-plugin-api';
import { CatalogApi, CatalogClient } from '@backstage/catalog-client';

/**
 * The catalog's HTTP client the registry sends its service callers' reads through, with one
 * reused plugin token (catalogAsPluginForServices). A service of its own so that tests can
 * replace it together with the catalog service.
 */
export const catalogApiServiceRef = createServiceRef<CatalogApi>({
  id: 'model-registry.catalog-api',
  defaultFactory: async service =>
    createServiceFactory({
      service,
      deps: { discovery: coreServices.discovery },
      factory: ({ discovery }) =>
        new CatalogClient({ discoveryApi: discovery }),
    }),
});
