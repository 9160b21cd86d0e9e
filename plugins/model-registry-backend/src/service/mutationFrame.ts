import { Entity } from '@backstage/catalog-model';
import {
  AuditorService,
  BackstageCredentials,
  HttpAuthService,
} from '@backstage/backend-plugin-api';
import { Request } from 'express';
import { actorOf } from './actor';
import { ModelAccess } from './ModelAccess';

/** The model a request addresses (`/models/:namespace/:name/…`) and who asks. */
export type ModelTarget = {
  modelRef: string;
  credentials: BackstageCredentials;
  /** The model's catalog entity, as the caller reads it (already fetched by the read check). */
  entity: Entity;
};

/**
 * A caller without an HTTP request: an action of the actions registry (src/actions), run
 * with the credentials the actions service passed. Its auditor events carry the actor in
 * their meta, since there is no request to read it from.
 */
export type ActionCaller = {
  credentials: BackstageCredentials;
  /** The action's id, e.g. `model-registry:request-promotion`. */
  action: string;
};

/** The frames every route runs in: audit, read access, mutation. */
export type MutationFrame = ReturnType<typeof createMutationFrame>;

/**
 * The shared frames of the routes, written once: `audited` records an auditor event around
 * a mutation (success or failure); `readableModel` answers 404 for a model the caller cannot
 * read; `mutateModel` is both, in that order, before the route's own permission and input
 * checks, so that nothing leaks about a model the caller cannot see.
 */
export function createMutationFrame(deps: {
  httpAuth: HttpAuthService;
  auditor: AuditorService;
  access: ModelAccess;
}) {
  const { httpAuth, auditor, access } = deps;

  async function audited<T>(
    req: Request<any, any, any, any> | undefined,
    actionType: string,
    meta: Record<string, unknown>,
    fn: () => Promise<T>,
  ): Promise<T> {
    const event = await auditor.createEvent({
      eventId: 'model-registry-mutate',
      severityLevel: 'medium',
      ...(req ? { request: req } : {}),
      meta: { actionType, ...meta },
    });
    try {
      const result = await fn();
      await event.success();
      return result;
    } catch (error) {
      await event.fail({ error: error as Error });
      throw error;
    }
  }

  async function readableModel(
    req: Request<any, any, any, any>,
  ): Promise<ModelTarget> {
    const credentials = await httpAuth.credentials(req);
    const modelRef = ModelAccess.modelRef(
      req.params.namespace,
      req.params.name,
    );
    const entity = await access.requireReadable(modelRef, credentials);
    return { credentials, modelRef, entity };
  }

  async function mutateModel<T>(
    req: Request<any, any, any, any>,
    actionType: string,
    meta: Record<string, unknown>,
    fn: (target: ModelTarget) => Promise<T>,
  ): Promise<T> {
    const credentials = await httpAuth.credentials(req);
    const modelRef = ModelAccess.modelRef(
      req.params.namespace,
      req.params.name,
    );
    return audited(req, actionType, { modelRef, ...meta }, async () => {
      const entity = await access.requireReadable(modelRef, credentials);
      return fn({ modelRef, credentials, entity });
    });
  }

  /**
   * mutateModel for an action's caller: the same audit event (with the actor and the action
   * in its meta), the same 404 for a model the caller cannot read, then `fn`.
   */
  async function mutateModelAs<T>(
    caller: ActionCaller,
    modelRef: string,
    actionType: string,
    meta: Record<string, unknown>,
    fn: (target: ModelTarget) => Promise<T>,
  ): Promise<T> {
    const { credentials } = caller;
    return audited(
      undefined,
      actionType,
      { modelRef, ...meta, actor: actorOf(credentials), via: caller.action },
      async () => {
        const entity = await access.requireReadable(modelRef, credentials);
        return fn({ modelRef, credentials, entity });
      },
    );
  }

  return { audited, readableModel, mutateModel, mutateModelAs };
}
