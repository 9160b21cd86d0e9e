import { NotFoundError } from '@backstage/errors';
import { ModelAccess } from '../ModelAccess';
import { pageLimit } from '../paging';
import { RegistryRouter, RouteContext } from '../RouteContext';

/**
 * The catalog module's entity provider reads the models registered through the API here
 * (service credentials only): all of them page by page, or one after a change event.
 */
export function addEntityProviderRoutes(
  router: RegistryRouter,
  ctx: RouteContext,
) {
  const { store, httpAuth } = ctx;

  router.get('/entity-provider/models', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['service'] });
    const page = await store.listApiModels({
      limit: pageLimit(req.query.limit),
      cursor: req.query.cursor,
    });
    res.json({
      items: page.items.map(m => ({ entityRef: m.modelRef, entity: m.entity })),
      nextCursor: page.nextCursor,
    });
  });

  router.get('/entity-provider/models/:namespace/:name', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['service'] });
    const modelRef = ModelAccess.modelRef(
      req.params.namespace,
      req.params.name,
    );
    const model = await store.getApiModel(modelRef);
    if (!model) {
      throw new NotFoundError(`${modelRef} is not registered through the API`);
    }
    res.json({ entityRef: model.modelRef, entity: model.entity });
  });
}
