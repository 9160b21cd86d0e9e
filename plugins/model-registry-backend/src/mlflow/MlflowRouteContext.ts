import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { ModelVersion } from '@model-registry/plugin-model-registry-common';
import { ResourcePermission } from '@backstage/plugin-permission-common';
import express, { Request } from 'express';
import { RouteContext } from '../service/RouteContext';
import { toMlflowVersion } from './mlflowJson';
import { MlflowModels } from './MlflowModels';
import { MlflowStageMap } from './mlflowStages';

/** What the MLflow route modules share: the registry's route context and the MLflow mapping. */
export type MlflowRouteContext = RouteContext & {
  models: MlflowModels;
  stages: MlflowStageMap;
  /** The caller's credentials: a user or a service (none → UNAUTHENTICATED). */
  credentials(req: Request): Promise<BackstageCredentials>;
  /**
   * Waits (modelRegistry.mlflow.catalogWaitSeconds at most) until the catalog holds a new
   * model (`present`) or no longer holds a deleted one.
   */
  awaitCatalog(modelRef: string, present: boolean): Promise<void>;
  /**
   * A mutation of one model in the native API's audit frame: the read check, then the
   * permission (when the change has a single one), then `fn`.
   */
  mutate<T>(
    req: Request,
    change: {
      actionType: string;
      modelRef: string;
      permission?: ResourcePermission<'catalog-entity'>;
      meta?: Record<string, unknown>;
    },
    fn: (credentials: BackstageCredentials) => Promise<T>,
  ): Promise<T>;
  /** A registry version in MLflow's shape. */
  version(
    name: string,
    version: ModelVersion,
  ): ReturnType<typeof toMlflowVersion>;
};

/** Adds a route under both MLflow prefixes, `/api/2.0/mlflow` and `/ajax-api/2.0/mlflow`. */
export function mlflowRoute(
  router: express.Router,
  method: 'get' | 'post' | 'patch' | 'delete',
  path: string,
  handler: express.RequestHandler,
) {
  router[method](
    [`/api/2.0/mlflow/${path}`, `/ajax-api/2.0/mlflow/${path}`],
    handler,
  );
}
