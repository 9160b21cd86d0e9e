import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { modelDeletePermission } from '@model-registry/plugin-model-registry-common';
import { actorOf } from '../actor';
import { emptySummary, listModels } from '../listModels';
import { ModelAccess } from '../ModelAccess';
import { pageLimit } from '../paging';
import { registerApiModel } from '../registerApiModel';
import { RegistryRouter, RouteContext } from '../RouteContext';

export { emptySummary };

function parseDryRun(value: unknown): boolean {
  // the typed router may already have coerced the query value to a boolean
  if (value === undefined || value === false || value === 'false') return false;
  if (value === true || value === 'true' || value === '') return true;
  throw new InputError('dryRun must be true or false');
}

/** GET/POST /models, GET/DELETE /models/:namespace/:name, POST /models/by-refs. */
export function addModelRoutes(router: RegistryRouter, ctx: RouteContext) {
  const { store, stageRules, access, frame, httpAuth } = ctx;

  router.get('/models', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    res.json(
      await listModels(ctx, credentials, {
        owner: req.query.owner ? String(req.query.owner) : undefined,
        task: req.query.task ? String(req.query.task) : undefined,
        lifecycle: req.query.lifecycle
          ? String(req.query.lifecycle)
          : undefined,
        q: req.query.q ? String(req.query.q).trim() : undefined,
        stage:
          req.query.stage !== undefined ? String(req.query.stage) : undefined,
        tag: req.query.tag !== undefined ? String(req.query.tag) : undefined,
        metric:
          req.query.metric !== undefined ? String(req.query.metric) : undefined,
        sort: req.query.sort !== undefined ? String(req.query.sort) : undefined,
        order:
          req.query.order !== undefined ? String(req.query.order) : undefined,
        limit: pageLimit(req.query.limit),
        cursor: req.query.cursor ? String(req.query.cursor) : undefined,
      }),
    );
  });

  router.post('/models', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const body = req.body;
    const namespace = body.namespace ?? 'default';
    const modelRef = ModelAccess.modelRef(namespace, String(body.name));
    const dryRun = parseDryRun(req.query.dryRun);
    const result = await frame.audited(
      req,
      'model.register',
      { modelRef, ...(dryRun ? { dryRun } : {}) },
      () => registerApiModel(ctx, credentials, body, { dryRun }),
    );
    res
      .status('dryRun' in result ? 200 : 201)
      .json({ entityRef: result.modelRef, entity: result.entity });
  });

  router.post('/models/by-refs', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const refs = req.body.entityRefs.map((raw, index) => {
      try {
        const ref = parseEntityRef(raw, {
          defaultKind: 'mlmodel',
          defaultNamespace: 'default',
        });
        if (ref.kind.toLocaleLowerCase('en-US') !== 'mlmodel') {
          throw new Error(`kind ${ref.kind} is not MLModel`);
        }
        return stringifyEntityRef(ref).toLocaleLowerCase('en-US');
      } catch (error) {
        throw new InputError(
          `entityRefs[${index}] "${raw}" is not an MLModel entity ref: ${
            (error as Error).message
          }`,
        );
      }
    });
    const readable = await access.filterReadable(refs, credentials);
    const summaries = await store.getSummaries(
      refs.filter(r => readable.has(r)),
      stageRules,
    );
    res.json({
      items: refs.map(r =>
        readable.has(r) ? summaries.get(r) ?? emptySummary(r) : null,
      ),
    });
  });

  router.get('/models/:namespace/:name', async (req, res) => {
    const { modelRef } = await frame.readableModel(req);
    const summaries = await store.getSummaries([modelRef], stageRules);
    res.json(summaries.get(modelRef) ?? emptySummary(modelRef));
  });

  router.delete('/models/:namespace/:name', async (req, res) => {
    await frame.mutateModel(
      req,
      'model.delete',
      {},
      async ({ modelRef, credentials }) => {
        await access.authorize(modelDeletePermission, modelRef, credentials);
        await store.deleteModel(modelRef, {
          actor: actorOf(credentials),
          comment: req.query.comment,
        });
        ctx.onModelsChanged?.(modelRef);
      },
    );
    res.status(204).end();
  });
}
