import {
  checkAliasName,
  modelVersionUpdatePermission,
  VERSION_LIMITS,
} from '@model-registry/plugin-model-registry-common';
import express from 'express';
import { actorOf } from '../service/actor';
import { aliasPermission } from '../service/aliasPermission';
import { MlflowError } from './mlflowErrors';
import {
  mlflowParams,
  optionalString,
  requiredString,
  versionParam,
} from './mlflowRequest';
import { mlflowRoute, MlflowRouteContext } from './MlflowRouteContext';

/** A registered-model tag within the registry's tag limits (MLflow's own column sizes). */
export function checkModelTag(key: string, value: string) {
  if (key.length > VERSION_LIMITS.tagKeyLength) {
    throw new MlflowError(
      'INVALID_PARAMETER_VALUE',
      `tag key "${key.slice(0, 40)}…" is longer than ${
        VERSION_LIMITS.tagKeyLength
      } characters`,
    );
  }
  if (value.length > VERSION_LIMITS.tagValueLength) {
    throw new MlflowError(
      'INVALID_PARAMETER_VALUE',
      `tag "${key}": value is longer than ${VERSION_LIMITS.tagValueLength} characters`,
    );
  }
}

/**
 * The model a registered-models/* request names, after the caller's read check. `read`
 * (the answer's data) runs alongside the check, which decides alone whether it is answered.
 */
export async function readableRegisteredModel<T = undefined>(
  ctx: MlflowRouteContext,
  req: express.Request,
  read?: (modelRef: string, params: Record<string, unknown>) => Promise<T>,
) {
  const params = mlflowParams(req);
  const name = requiredString(params, 'name');
  const modelRef = ctx.models.refOf(name);
  const credentials = await ctx.credentials(req);
  const [{ description }, data] = await Promise.all([
    ctx.models.requireReadable(modelRef, credentials),
    // a parameter error thrown by `read` rejects like its promise, never beside the check
    read ? (async () => read(modelRef, params))() : (undefined as T),
  ]);
  return { params, name, modelRef, credentials, description, data };
}

/** registered-models/alias (POST, GET, DELETE), set-tag and delete-tag. */
export function addRegisteredModelAliasAndTagRoutes(
  router: express.Router,
  ctx: MlflowRouteContext,
) {
  const { store, models } = ctx;

  mlflowRoute(router, 'post', 'registered-models/alias', async (req, res) => {
    const params = mlflowParams(req);
    const modelRef = models.refOf(requiredString(params, 'name'));
    const alias = requiredString(params, 'alias');
    const version = versionParam(params);
    await ctx.mutate(
      req,
      {
        actionType: 'alias.set',
        modelRef,
        permission: aliasPermission(ctx.protectedAliases, alias),
        meta: { alias, version },
      },
      async credentials => {
        const problem = checkAliasName(alias);
        if (problem) {
          throw new MlflowError('INVALID_PARAMETER_VALUE', `alias ${problem}`);
        }
        return store.setAlias(modelRef, alias, version, {
          actor: actorOf(credentials),
        });
      },
    );
    res.json({});
  });

  mlflowRoute(router, 'delete', 'registered-models/alias', async (req, res) => {
    const params = mlflowParams(req);
    const modelRef = models.refOf(requiredString(params, 'name'));
    const alias = requiredString(params, 'alias');
    await ctx.mutate(
      req,
      {
        actionType: 'alias.delete',
        modelRef,
        permission: aliasPermission(ctx.protectedAliases, alias),
        meta: { alias },
      },
      async credentials => {
        // MLflow deletes a missing alias without complaint
        const aliases = await store.listAliases(modelRef);
        if (!aliases.some(a => a.alias === alias)) return;
        await store.deleteAlias(modelRef, alias, {
          actor: actorOf(credentials),
        });
      },
    );
    res.json({});
  });

  mlflowRoute(router, 'get', 'registered-models/alias', async (req, res) => {
    const {
      params,
      name,
      data: version,
    } = await readableRegisteredModel(ctx, req, async (modelRef, p) =>
      store.getVersionByAlias(modelRef, requiredString(p, 'alias')),
    );
    if (!version) {
      // MLflow's own answer to a missing alias
      throw new MlflowError(
        'INVALID_PARAMETER_VALUE',
        `Registered model alias ${params.alias} not found.`,
      );
    }
    res.json({ model_version: ctx.version(name, version) });
  });

  mlflowRoute(router, 'post', 'registered-models/set-tag', async (req, res) => {
    const params = mlflowParams(req);
    const modelRef = models.refOf(requiredString(params, 'name'));
    const key = requiredString(params, 'key');
    const value = optionalString(params, 'value') ?? '';
    await ctx.mutate(
      req,
      {
        actionType: 'model.tag.set',
        modelRef,
        permission: modelVersionUpdatePermission,
        meta: { key },
      },
      async credentials => {
        checkModelTag(key, value);
        await store.setModelTag(modelRef, key, value, {
          actor: actorOf(credentials),
        });
      },
    );
    res.json({});
  });

  mlflowRoute(
    router,
    'delete',
    'registered-models/delete-tag',
    async (req, res) => {
      const params = mlflowParams(req);
      const modelRef = models.refOf(requiredString(params, 'name'));
      const key = requiredString(params, 'key');
      await ctx.mutate(
        req,
        {
          actionType: 'model.tag.delete',
          modelRef,
          permission: modelVersionUpdatePermission,
          meta: { key },
        },
        async credentials => {
          await store.deleteModelTag(modelRef, key, {
            actor: actorOf(credentials),
          });
        },
      );
      res.json({});
    },
  );
}
