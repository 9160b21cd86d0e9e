import { InputError, NotFoundError } from '@backstage/errors';
import {
  approvalRuleOf,
  checkStage,
  modelPromotionApprovePermission,
} from '@model-registry/plugin-model-registry-common';
import { actorOf } from '../actor';
import { openPromotionRequest } from '../openPromotionRequest';
import { ownerOf } from '../promotionNotices';
import { pageLimit } from '../paging';
import { RegistryRouter, RouteContext } from '../RouteContext';

/**
 * Promotion requests of a model (docs/governance.md): open, list, read, approve, reject,
 * cancel. Reading follows the catalog; opening needs model-registry.promotion.request,
 * deciding model-registry.promotion.approve, cancelling being the requester.
 */
export function addPromotionRequestRoutes(
  router: RegistryRouter,
  ctx: RouteContext,
) {
  const { store, stageRules, access, frame } = ctx;

  router.post(
    '/models/:namespace/:name/versions/:version/promotion-requests',
    async (req, res) => {
      const number = Number(req.params.version);
      const { stage, comment, overrideGates, alias } = req.body;
      const request = await frame.mutateModel(
        req,
        'promotion.request',
        { version: number, stage },
        target =>
          openPromotionRequest(ctx, target, {
            version: number,
            stage,
            comment,
            overrideGates,
            alias,
          }),
      );
      await ctx.notices?.requestOpened(request, { modelRef: request.modelRef });
      res.status(201).json(request as any);
    },
  );

  router.get(
    '/models/:namespace/:name/versions/:version/gates',
    async (req, res) => {
      const { modelRef } = await frame.readableModel(req);
      const { stage } = req.query;
      const problem = checkStage(stageRules, stage);
      if (problem) throw new InputError(`stage ${problem}`);
      const version = Number(req.params.version);
      const input = await store.getGateInput(
        modelRef,
        version,
        stage,
        stageRules,
      );
      if (!input) {
        throw new NotFoundError(
          `version ${version} of ${modelRef} does not exist`,
        );
      }
      const results = ctx.gates?.has(stage)
        ? await ctx.gates.evaluate(input)
        : [];
      res.json({ stage, passed: results.every(r => r.passed), results });
    },
  );

  router.get('/promotion-requests', async (req, res) => {
    const credentials = await ctx.httpAuth.credentials(req);
    const actor = actorOf(credentials);
    const { mine } = req.query;
    if (
      mine === 'to-approve' &&
      req.query.status &&
      req.query.status !== 'open'
    ) {
      throw new InputError(
        'status: mine=to-approve lists open requests; leave status out or set it to open',
      );
    }
    const page = await store.listPromotionRequests({
      status: mine === 'to-approve' ? 'open' : req.query.status,
      ...(mine === 'requested' ? { requestedBy: actor } : {}),
      limit: pageLimit(req.query.limit),
      cursor: req.query.cursor,
    });
    const refs = page.items.map(r => r.modelRef);
    // reading follows the catalog: requests of models the caller cannot read are left out
    const readable = await access.filterReadable(refs, credentials);
    let items = page.items.filter(r => readable.has(r.modelRef));
    if (mine === 'to-approve') {
      const approvable = await access.allowedOn(
        modelPromotionApprovePermission,
        items.map(r => r.modelRef),
        credentials,
      );
      items = items.filter(
        r =>
          approvable.has(r.modelRef) &&
          !r.decisions.some(d => d.decidedBy === actor) &&
          (r.requestedBy !== actor ||
            approvalRuleOf(stageRules, r.stage)?.allowSelfApproval),
      );
    }
    res.json({ items, nextCursor: page.nextCursor } as any);
  });

  router.get(
    '/models/:namespace/:name/promotion-requests',
    async (req, res) => {
      const { modelRef } = await frame.readableModel(req);
      const page = await store.listPromotionRequests({
        modelRef,
        status: req.query.status,
        limit: pageLimit(req.query.limit),
        cursor: req.query.cursor,
      });
      res.json(page as any);
    },
  );

  router.get(
    '/models/:namespace/:name/promotion-requests/:requestId',
    async (req, res) => {
      const { modelRef } = await frame.readableModel(req);
      const request = await store.getPromotionRequest(
        modelRef,
        Number(req.params.requestId),
      );
      if (!request) {
        throw new NotFoundError(
          `promotion request ${req.params.requestId} of ${modelRef} does not exist`,
        );
      }
      res.json(request as any);
    },
  );

  for (const decision of ['approve', 'reject'] as const) {
    router.post(
      `/models/:namespace/:name/promotion-requests/:requestId/${decision}`,
      async (req, res) => {
        const id = Number(req.params.requestId);
        const result = await frame.mutateModel(
          req,
          `promotion.${decision}`,
          { requestId: id },
          async ({ modelRef, credentials }) => {
            await access.authorize(
              modelPromotionApprovePermission,
              modelRef,
              credentials,
            );
            return store.decidePromotionRequest(modelRef, id, decision, {
              actor: actorOf(credentials),
              comment: req.body?.comment,
              stageRules,
              gates: ctx.gates,
            });
          },
        );
        const { request, executed } = result;
        await ctx.notices?.requestDecided(request, {
          modelRef: request.modelRef,
        });
        if (executed) {
          await ctx.notices?.stageChanged(
            {
              modelRef: request.modelRef,
              owner: await ownerOf(ctx, request.modelRef),
            },
            {
              version: request.version,
              stage: request.stage,
              actor: request.closedBy ?? '',
            },
          );
        }
        res.json(result as any);
      },
    );
  }

  router.post(
    '/models/:namespace/:name/promotion-requests/:requestId/cancel',
    async (req, res) => {
      const id = Number(req.params.requestId);
      const request = await frame.mutateModel(
        req,
        'promotion.cancel',
        { requestId: id },
        async ({ modelRef, credentials }) =>
          store.cancelPromotionRequest(modelRef, id, {
            actor: actorOf(credentials),
          }),
      );
      res.json(request as any);
    },
  );
}
