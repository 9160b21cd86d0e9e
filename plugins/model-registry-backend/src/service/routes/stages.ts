import { actorOf } from '../actor';
import { authorizeStageChange } from '../authorizeStageChange';
import { RecordedGateResult } from '../../gates/PromotionGates';
import { checkGates } from '../checkGates';
import { ownerOf } from '../promotionNotices';
import { RegistryRouter, RouteContext } from '../RouteContext';

/** The history comment of a stage change: what was special about it, then the caller's. */
function historyComment(
  comment: string | undefined,
  breakGlass: boolean | undefined,
  gates: RecordedGateResult[] | undefined,
): string | undefined {
  const notes: string[] = [];
  if (breakGlass) notes.push('Break-glass promotion');
  const overridden = (gates ?? []).filter(g => g.overridden).map(g => g.gate);
  if (overridden.length) {
    notes.push(`gates overridden (${overridden.join(', ')})`);
  }
  return [...notes, ...(comment ? [comment] : [])].join(': ') || undefined;
}

/** POST …/versions/:version/stage. */
export function addStageRoutes(router: RegistryRouter, ctx: RouteContext) {
  const { store, stageRules, access, frame } = ctx;

  router.post(
    '/models/:namespace/:name/versions/:version/stage',
    async (req, res) => {
      const number = Number(req.params.version);
      const { stage, comment, breakGlass, overrideGates } = req.body;
      const result = await frame.mutateModel(
        req,
        'version.stage',
        {
          version: number,
          stage,
          ...(breakGlass ? { breakGlass } : {}),
          ...(overrideGates ? { overrideGates } : {}),
        },
        async ({ modelRef, credentials }) => {
          await authorizeStageChange({
            access,
            stageRules,
            modelRef,
            stage,
            credentials,
            ...(breakGlass ? { breakGlass: { reason: comment } } : {}),
          });
          const gates = await checkGates(ctx, {
            modelRef,
            version: number,
            stage,
            credentials,
            ...(overrideGates ? { overrideReason: comment ?? '' } : {}),
          });
          return store.transitionStage(modelRef, number, stage, {
            actor: actorOf(credentials),
            comment: historyComment(comment, breakGlass, gates),
            stageRules,
          });
        },
      );
      await ctx.notices?.stageChanged(
        {
          modelRef: result.version.modelRef,
          owner: stageRules.protectedStages.includes(stage)
            ? await ownerOf(ctx, result.version.modelRef)
            : undefined,
        },
        { version: number, stage, actor: result.version.updatedBy },
      );
      res.json(result);
    },
  );
}
