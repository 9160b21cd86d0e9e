import { pageLimit } from '../paging';
import { RegistryRouter, RouteContext } from '../RouteContext';

/** GET …/history and GET …/versions/:version/history (newest first). */
export function addHistoryRoutes(router: RegistryRouter, ctx: RouteContext) {
  const { store, frame } = ctx;

  router.get('/models/:namespace/:name/history', async (req, res) => {
    const { modelRef } = await frame.readableModel(req);
    res.json(
      await store.listHistory(modelRef, {
        limit: pageLimit(req.query.limit),
        cursor: req.query.cursor,
      }),
    );
  });

  router.get(
    '/models/:namespace/:name/versions/:version/history',
    async (req, res) => {
      const { modelRef } = await frame.readableModel(req);
      res.json(
        await store.listHistory(modelRef, {
          version: Number(req.params.version),
          limit: pageLimit(req.query.limit),
          cursor: req.query.cursor,
        }),
      );
    },
  );
}
