import express from 'express';
import Router from 'express-promise-router';
import { RouteContext } from '../service/RouteContext';
import { mlflowEndpointNotFound, mlflowErrorHandler } from './mlflowErrors';
import { toMlflowVersion } from './mlflowJson';
import { MlflowModels } from './MlflowModels';
import { MlflowRouteContext } from './MlflowRouteContext';
import { createMlflowStageMap } from './mlflowStages';
import { addModelVersionRoutes } from './modelVersionRoutes';
import { addRegisteredModelAliasAndTagRoutes } from './registeredModelAliasTagRoutes';
import { addRegisteredModelRoutes } from './registeredModelRoutes';
import { waitForCatalogEntity } from './waitForCatalogEntity';

/** The namespace of MLflow names when `modelRegistry.mlflow.namespace` is not set. */
export const DEFAULT_MLFLOW_NAMESPACE = 'default';

/**
 * MLflow's model-registry REST API (2.0), mounted at `/mlflow` of the registry's router: a
 * translation onto the same store, permissions, audit events and history as the native
 * API. Every answer, errors and unknown paths included, is in MLflow's JSON shape.
 */
export function createMlflowRouter(ctx: RouteContext): express.Router {
  const stages = createMlflowStageMap(ctx.stageRules);
  const isInCatalog = async (modelRef: string) =>
    Boolean(
      ctx.auth &&
        (await ctx.catalog.getEntityByRef(modelRef, {
          credentials: await ctx.auth.getOwnServiceCredentials(),
        })),
    );
  const models = new MlflowModels({
    namespace: ctx.mlflowNamespace ?? DEFAULT_MLFLOW_NAMESPACE,
    namingRule: ctx.namingRule,
    access: ctx.access,
    store: ctx.store,
    isInCatalog,
  });
  // The plugin lets requests under /mlflow through without credentials, so that a missing
  // token is answered in MLflow's shape; every route asks for a user or a service here.
  const credentials = (req: express.Request) =>
    ctx.httpAuth.credentials(req, { allow: ['user', 'service'] });
  const mlflow: MlflowRouteContext = {
    ...ctx,
    models,
    stages,
    credentials,
    async awaitCatalog(modelRef, present) {
      if (!ctx.mlflowCatalogWaitMs || !ctx.auth) return;
      const done = await waitForCatalogEntity({
        isInCatalog: async () => (await isInCatalog(modelRef)) === present,
        timeoutMs: ctx.mlflowCatalogWaitMs,
      });
      if (!done) {
        ctx.logger.warn(
          `${modelRef} was ${
            present ? 'registered' : 'deleted'
          } through MLflow but the catalog has not caught up after ${
            ctx.mlflowCatalogWaitMs
          } ms`,
        );
      }
    },
    async mutate(req, { actionType, modelRef, permission, meta }, fn) {
      const caller = await credentials(req);
      return ctx.frame.audited(
        req,
        actionType,
        { modelRef, api: 'mlflow', ...meta },
        async () => {
          // both checks at once; a model the caller cannot read is missing (404) even
          // where the permission is denied too
          const [readable, allowed] = await Promise.allSettled([
            models.requireReadable(modelRef, caller),
            permission
              ? ctx.access.authorize(permission, modelRef, caller)
              : undefined,
          ]);
          if (readable.status === 'rejected') throw readable.reason;
          if (allowed.status === 'rejected') throw allowed.reason;
          return fn(caller);
        },
      );
    },
    version: (name, version) => toMlflowVersion(name, version, stages),
  };

  const router = Router();
  router.use(express.json({ limit: '1mb' }));
  addRegisteredModelRoutes(router, mlflow);
  addRegisteredModelAliasAndTagRoutes(router, mlflow);
  addModelVersionRoutes(router, mlflow);
  router.use(mlflowEndpointNotFound());
  router.use(mlflowErrorHandler(ctx.logger));
  return router;
}
