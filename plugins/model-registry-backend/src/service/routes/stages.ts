import { actorOf } from '../actor';
import { authorizeStageChange } from '../authorizeStageChange';
import { RegistryRouter, RouteContext } from '../RouteContext';

/** POST …/versions/:version/stage. */
export function addStageRoutes(router: RegistryRouter, ctx: RouteContext) {
  const { store, stageRules, access, frame } = ctx;

  router.post(
    '/models/:namespace/:name/versions/:version/stage',
    async (req, res) => {
      const number = Number(req.params.version);
      const { stage, comment } = req.body;
      const result = await frame.mutateModel(
        req,
        'version.stage',
        { version: number, stage },
        async ({ modelRef, credentials }) => {
          await authorizeStageChange({
            access,
            stageRules,
            modelRef,
            stage,
            credentials,
          });
          return store.transitionStage(modelRef, number, stage, {
            actor: actorOf(credentials),
            comment,
            stageRules,
          });
        },
      );
      res.json(result);
    },
  );
}
