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
      const { stage, comment, breakGlass } = req.body;
      const result = await frame.mutateModel(
        req,
        'version.stage',
        { version: number, stage, ...(breakGlass ? { breakGlass } : {}) },
        async ({ modelRef, credentials }) => {
          await authorizeStageChange({
            access,
            stageRules,
            modelRef,
            stage,
            credentials,
            ...(breakGlass ? { breakGlass: { reason: comment } } : {}),
          });
          return store.transitionStage(modelRef, number, stage, {
            actor: actorOf(credentials),
            comment: breakGlass ? `Break-glass promotion: ${comment}` : comment,
            stageRules,
          });
        },
      );
      res.json(result);
    },
  );
}
