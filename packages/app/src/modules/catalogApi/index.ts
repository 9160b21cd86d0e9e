import {
  ApiBlueprint,
  createFrontendModule,
  discoveryApiRef,
  fetchApiRef,
} from '@backstage/frontend-plugin-api';
import { catalogApiRef } from '@backstage/plugin-catalog-react';
import { DedupingCatalogClient } from './DedupingCatalogClient';

/** Replaces the catalog plugin's API (`api:catalog`) with the deduplicating client. */
export const catalogApiModule = createFrontendModule({
  pluginId: 'catalog',
  extensions: [
    ApiBlueprint.make({
      params: defineParams =>
        defineParams({
          api: catalogApiRef,
          deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
          factory: ({ discoveryApi, fetchApi }) =>
            new DedupingCatalogClient({ discoveryApi, fetchApi }),
        }),
    }),
  ],
});
