import {
  BackstageCredentials,
  BackstageUserPrincipal,
} from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import {
  MLMODEL_KIND,
  modelDeletePermission,
  modelVersionUpdatePermission,
} from '@model-registry/plugin-model-registry-common';
import express from 'express';
import { ModelOverview } from '../database/ModelRegistryStore';
import { actorOf } from '../service/actor';
import { registerApiModel } from '../service/registerApiModel';
import { MlflowError } from './mlflowErrors';
import {
  checkModelTag,
  readableRegisteredModel,
} from './registeredModelAliasTagRoutes';
import { fromMlflowTags, toMlflowRegisteredModel } from './mlflowJson';
import {
  listParam,
  maxResultsParam,
  mlflowParams,
  optionalString,
  requiredString,
} from './mlflowRequest';
import { mlflowRoute, MlflowRouteContext } from './MlflowRouteContext';
import {
  matchesClause,
  parseMlflowFilter,
  parseMlflowOrderBy,
} from './mlflowSearchFilter';

/** The tag of registered-models/create that names the model's owner (an entity ref). */
export const MLFLOW_OWNER_TAG = 'backstage.io/owner';

/** MLflow's limits of registered-models/search. */
const SEARCH_LIMITS = { fallback: 100, max: 1000 };
/** Catalog entities read per request while searching. */
const CATALOG_PAGE = 500;

/** The owner of a model created through MLflow: the owner tag, else the caller's one group. */
async function ownerOf(
  ctx: MlflowRouteContext,
  credentials: BackstageCredentials,
  tags: Record<string, string>,
): Promise<string> {
  const howTo = `set the tag "${MLFLOW_OWNER_TAG}" to the owning group's entity ref, e.g. tags={"${MLFLOW_OWNER_TAG}": "group:default/my-team"}`;
  if (tags[MLFLOW_OWNER_TAG]) return tags[MLFLOW_OWNER_TAG];
  const principal = credentials.principal as { type?: string };
  if (principal.type !== 'user' || !ctx.userInfo) {
    throw new MlflowError(
      'INVALID_PARAMETER_VALUE',
      `a registered model needs an owner: ${howTo}`,
    );
  }
  const { ownershipEntityRefs } = await ctx.userInfo.getUserInfo(
    credentials as BackstageCredentials<BackstageUserPrincipal>,
  );
  const groups = ownershipEntityRefs.filter(ref => {
    try {
      return parseEntityRef(ref).kind.toLocaleLowerCase('en-US') === 'group';
    } catch {
      return false;
    }
  });
  if (groups.length !== 1) {
    throw new MlflowError(
      'INVALID_PARAMETER_VALUE',
      `a registered model needs an owner and you belong to ${
        groups.length === 0 ? 'no group' : `${groups.length} groups`
      }: ${howTo}`,
    );
  }
  return groups[0];
}

/** registered-models/*: create, get, search, update, delete, rename, latest versions, tags, aliases. */
export function addRegisteredModelRoutes(
  router: express.Router,
  ctx: MlflowRouteContext,
) {
  const { store, stageRules, models, stages } = ctx;

  /**
   * A model in MLflow's shape; the description of a catalog-file model is the entity's
   * (`catalogDescription`), an API model's is the registry's copy, which is current where
   * the catalog's may lag behind.
   */
  function toRegisteredModel(
    name: string,
    overview: ModelOverview,
    catalogDescription: string | undefined,
  ) {
    const { apiModel, aliases, latestVersions, tags } = overview;
    const description = apiModel
      ? (apiModel.entity.metadata as { description?: string } | undefined)
          ?.description
      : catalogDescription;
    return toMlflowRegisteredModel({
      name,
      description,
      createdAt: apiModel?.createdAt,
      updatedAt: apiModel?.updatedAt,
      latestVersions: latestVersions.map(v => ctx.version(name, v)),
      tags,
      aliases,
    });
  }

  /** Models in MLflow's shape, read in bulk (a fixed number of statements per page). */
  async function describeMany(
    names: string[],
    catalogDescriptions: Array<string | undefined>,
  ) {
    const refs = names.map(name => models.refOf(name));
    const overviews = await store.getModelOverviews(refs, stageRules.stages);
    return names.map((name, index) =>
      toRegisteredModel(
        name,
        overviews.get(refs[index])!,
        catalogDescriptions[index],
      ),
    );
  }

  const describe = async (
    name: string,
    catalogDescription: string | undefined,
  ) => (await describeMany([name], [catalogDescription]))[0];

  const readable = (req: express.Request) => readableRegisteredModel(ctx, req);

  mlflowRoute(router, 'post', 'registered-models/create', async (req, res) => {
    const params = mlflowParams(req);
    const name = requiredString(params, 'name');
    const modelRef = models.refOf(name);
    const tags = fromMlflowTags(params.tags);
    Object.entries(tags).forEach(([key, value]) => checkModelTag(key, value));
    const description = optionalString(params, 'description');
    const credentials = await ctx.credentials(req);
    const alreadyExists = () =>
      new MlflowError(
        'RESOURCE_ALREADY_EXISTS',
        `Registered Model (name=${name}) already exists (${modelRef})`,
      );
    await ctx.frame.audited(
      req,
      'model.register',
      { modelRef, api: 'mlflow' },
      async () => {
        // before the owner is worked out: register_model's create must fail with this
        // (which it ignores) for a caller who has no group or names no owner
        if (await models.exists(modelRef)) throw alreadyExists();
        const owner = await ownerOf(ctx, credentials, tags);
        try {
          await registerApiModel(ctx, credentials, {
            name,
            namespace: models.namespace,
            owner,
            type: 'other',
            ...(description ? { description } : {}),
          });
        } catch (error) {
          // another replica's create, between the check above and this one
          if ((error as Error).name === 'ConflictError') throw alreadyExists();
          throw error;
        }
        for (const [key, value] of Object.entries(tags)) {
          await store.setModelTag(modelRef, key, value, {
            actor: actorOf(credentials),
          });
        }
      },
    );
    await ctx.awaitCatalog(modelRef, true);
    res.json({
      registered_model: await describe(name, description),
    });
  });

  mlflowRoute(router, 'get', 'registered-models/get', async (req, res) => {
    const { name, modelRef, description, data } = await readableRegisteredModel(
      ctx,
      req,
      ref => store.getModelOverviews([ref], stageRules.stages),
    );
    res.json({
      registered_model: toRegisteredModel(
        name,
        data.get(modelRef)!,
        description,
      ),
    });
  });

  mlflowRoute(router, 'patch', 'registered-models/update', async (req, res) => {
    const params = mlflowParams(req);
    const name = requiredString(params, 'name');
    const modelRef = models.refOf(name);
    const wanted = optionalString(params, 'description');
    const description = await ctx.mutate(
      req,
      {
        actionType: 'model.update',
        modelRef,
        permission: modelVersionUpdatePermission,
      },
      async credentials => {
        const registered = await store.getApiModel(modelRef);
        const current = (
          registered?.entity.metadata as { description?: string } | undefined
        )?.description;
        if (wanted === undefined || wanted === (current ?? '')) return current;
        if (!registered) {
          throw new MlflowError(
            'INVALID_PARAMETER_VALUE',
            `description: ${modelRef} comes from the catalog's files; change its metadata.description there (only models registered through the API or MLflow are described here)`,
          );
        }
        await store.updateApiModelDescription(modelRef, wanted, {
          actor: actorOf(credentials),
        });
        ctx.onModelsChanged?.(modelRef);
        return wanted;
      },
    );
    res.json({
      registered_model: await describe(name, description),
    });
  });

  mlflowRoute(router, 'post', 'registered-models/rename', async req => {
    const { params, modelRef } = await readable(req);
    requiredString(params, 'new_name');
    throw new MlflowError(
      'INVALID_PARAMETER_VALUE',
      `a registered model is the catalog entity ${modelRef} and cannot be renamed; register a model under the new name instead`,
    );
  });

  mlflowRoute(
    router,
    'delete',
    'registered-models/delete',
    async (req, res) => {
      const name = requiredString(mlflowParams(req), 'name');
      const modelRef = models.refOf(name);
      const registeredByApi = await ctx.mutate(
        req,
        {
          actionType: 'model.delete',
          modelRef,
          permission: modelDeletePermission,
        },
        async credentials => {
          const registered = await store.getApiModel(modelRef);
          await store.deleteModel(modelRef, { actor: actorOf(credentials) });
          ctx.onModelsChanged?.(modelRef);
          return Boolean(registered);
        },
      );
      // the entity provider drops an API model from the catalog; a model from the
      // catalog's files stays there
      if (registeredByApi) await ctx.awaitCatalog(modelRef, false);
      res.json({});
    },
  );

  const getLatest: express.RequestHandler = async (req, res) => {
    const { name, modelRef, data } = await readableRegisteredModel(
      ctx,
      req,
      (ref, params) => {
        const wanted = listParam(params, 'stages');
        return store.getModelOverviews(
          [ref],
          wanted.length
            ? [...new Set(wanted.map(s => stages.fromMlflow(s, 'stages')))]
            : stageRules.stages,
        );
      },
    );
    res.json({
      model_versions: data
        .get(modelRef)!
        .latestVersions.map(v => ctx.version(name, v)),
    });
  };
  mlflowRoute(
    router,
    'get',
    'registered-models/get-latest-versions',
    getLatest,
  );
  mlflowRoute(
    router,
    'post',
    'registered-models/get-latest-versions',
    getLatest,
  );

  mlflowRoute(router, 'get', 'registered-models/search', async (req, res) => {
    const params = mlflowParams(req);
    const credentials = await ctx.credentials(req);
    const limit = maxResultsParam(params, SEARCH_LIMITS);
    const filter = typeof params.filter === 'string' ? params.filter : '';
    const clauses = parseMlflowFilter(params.filter, ['name']);
    const order = parseMlflowOrderBy(params.order_by, ['name']);
    const descending = order[0]?.descending ?? false;
    const token = optionalString(params, 'page_token');
    const offset = token
      ? store.cursors.decode<{ offset: number }>(
          'mlflow-registered-models',
          token,
          v =>
            Number.isInteger(v.offset) &&
            v.filter === filter &&
            v.descending === descending,
        ).offset
      : 0;
    const candidates: Array<{ name: string; description?: string }> = [];
    let catalogCursor: string | undefined;
    do {
      const page = await ctx.catalog.queryEntities(
        catalogCursor
          ? { cursor: catalogCursor, limit: CATALOG_PAGE }
          : {
              filter: {
                kind: MLMODEL_KIND,
                'metadata.namespace': models.namespace,
              },
              orderFields: { field: 'metadata.name', order: 'asc' },
              fields: ['metadata.name', 'metadata.description'],
              limit: CATALOG_PAGE,
            },
        { credentials },
      );
      candidates.push(
        ...page.items.map(e => ({
          name: e.metadata.name,
          description: e.metadata.description,
        })),
      );
      catalogCursor = page.pageInfo.nextCursor;
    } while (catalogCursor);
    const tagsByRef = clauses.some(c => c.key === 'tags')
      ? await store.listModelTags(candidates.map(c => models.refOf(c.name)))
      : new Map<string, Record<string, string>>();
    const found = candidates.filter(({ name }) => {
      const tags = tagsByRef.get(models.refOf(name)) ?? {};
      return clauses.every(c =>
        matchesClause(c, c.key === 'name' ? name : tags[c.tag!]),
      );
    });
    // by UTF-16 code units, as MLflow's store orders names
    found.sort((a, b) => Number(a.name > b.name) - Number(a.name < b.name));
    if (descending) found.reverse();
    const page = found.slice(offset, offset + limit);
    const registered = await describeMany(
      page.map(m => m.name),
      page.map(m => m.description),
    );
    res.json({
      registered_models: registered,
      ...(offset + limit < found.length
        ? {
            next_page_token: store.cursors.encode('mlflow-registered-models', {
              offset: offset + limit,
              filter,
              descending,
            }),
          }
        : {}),
    });
  });
}
