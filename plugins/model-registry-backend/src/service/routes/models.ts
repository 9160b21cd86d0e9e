import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import {
  checkStage,
  modelDeletePermission,
} from '@model-registry/plugin-model-registry-common';
import { actorOf } from '../actor';
import { ModelAccess } from '../ModelAccess';
import { firstModelsQuery, ModelListParams } from '../modelsQuery';
import {
  isStageScanCursor,
  listModelsInStage,
  StageScanCursor,
} from '../listModelsInStage';
import { pageLimit } from '../paging';
import { registerApiModel } from '../registerApiModel';
import { RegistryRouter, RouteContext } from '../RouteContext';

/** The summary of a catalog model that has no registry data yet. */
export function emptySummary(modelRef: string) {
  return {
    modelRef,
    registeredByApi: false,
    versionCount: 0,
    stageOccupants: {},
    aliases: {},
  };
}

function parseDryRun(value: unknown): boolean {
  // the typed router may already have coerced the query value to a boolean
  if (value === undefined || value === false || value === 'false') return false;
  if (value === true || value === 'true' || value === '') return true;
  throw new InputError('dryRun must be true or false');
}

/** GET/POST /models, GET/DELETE /models/:namespace/:name, POST /models/by-refs. */
export function addModelRoutes(router: RegistryRouter, ctx: RouteContext) {
  const { store, stageRules, access, frame, httpAuth } = ctx;
  const cursors = store.cursors;

  router.get('/models', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const limit = pageLimit(req.query.limit);
    const stage =
      req.query.stage !== undefined ? String(req.query.stage) : undefined;
    if (stage !== undefined) {
      const problem = checkStage(stageRules, stage);
      if (problem) throw new InputError(`stage ${problem}`);
    }
    const params: ModelListParams = {
      owner: req.query.owner ? String(req.query.owner) : undefined,
      task: req.query.task ? String(req.query.task) : undefined,
      lifecycle: req.query.lifecycle ? String(req.query.lifecycle) : undefined,
      q: req.query.q ? String(req.query.q).trim() : undefined,
    };

    const respond = async (
      entities: Entity[],
      page: { nextCursor?: string; totalCount?: number },
    ) => {
      const refs = entities.map(e =>
        stringifyEntityRef(e).toLocaleLowerCase('en-US'),
      );
      const summaries = await store.getSummaries(refs, stageRules);
      res.json({
        items: entities.map((entity: Entity, index) => ({
          entityRef: refs[index],
          name: entity.metadata.name,
          namespace: entity.metadata.namespace ?? 'default',
          title: entity.metadata.title,
          description: entity.metadata.description,
          owner: entity.spec?.owner as string | undefined,
          task: entity.spec?.type as string | undefined,
          lifecycle: entity.spec?.lifecycle as string | undefined,
          summary: summaries.get(refs[index]) ?? emptySummary(refs[index]),
        })),
        ...page,
      });
    };

    if (stage === undefined) {
      // The catalog's cursor travels inside our signed cursor: a client cannot edit the
      // catalog query it encodes (e.g. to list other kinds through the registry).
      const position = req.query.cursor
        ? cursors.decode<{ catalogCursor: string }>(
            'models',
            String(req.query.cursor),
            v => typeof v.catalogCursor === 'string',
          )
        : undefined;
      const page = await ctx.catalog.queryEntities(
        position
          ? { cursor: position.catalogCursor, limit }
          : { ...firstModelsQuery(params), limit },
        { credentials },
      );
      await respond(page.items, {
        nextCursor: page.pageInfo.nextCursor
          ? cursors.encode('models', {
              catalogCursor: page.pageInfo.nextCursor,
            })
          : undefined,
        totalCount: page.totalItems,
      });
      return;
    }

    const position: StageScanCursor = req.query.cursor
      ? cursors.decode<StageScanCursor>(
          'models-in-stage',
          String(req.query.cursor),
          isStageScanCursor(stage),
        )
      : { stage, skip: 0, params };
    const page = await listModelsInStage({
      catalog: ctx.catalog,
      store,
      credentials,
      position,
      limit,
    });
    await respond(page.items, {
      nextCursor: page.next
        ? cursors.encode('models-in-stage', page.next)
        : undefined,
    });
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
