import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { ConflictError, NotAllowedError } from '@backstage/errors';
import {
  modelCreatePermission,
  newModelEntity,
  NewModel,
  validateMLModelEntity,
} from '@model-registry/plugin-model-registry-common';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { actorOf } from './actor';
import { ModelAccess } from './ModelAccess';
import { failOnIssues } from './failOnIssues';
import { checkOwnerMembership } from './ownerMembership';
import { RouteContext } from './RouteContext';

/**
 * Registers a model through the API (POST /models and MLflow's registered-models/create):
 * the create permission, the entity's validation, owner membership, a name free in the
 * catalog and the registry, then the store. Runs inside the caller's audit frame.
 */
export async function registerApiModel(
  ctx: RouteContext,
  credentials: BackstageCredentials,
  body: NewModel & { comment?: string },
  options: { dryRun?: boolean } = {},
) {
  const { store, namingRule } = ctx;
  const namespace = body.namespace ?? 'default';
  const modelRef = ModelAccess.modelRef(namespace, String(body.name));
  const [decision] = await ctx.permissions.authorize(
    [{ permission: modelCreatePermission }],
    { credentials },
  );
  if (decision.result !== AuthorizeResult.ALLOW) {
    throw new NotAllowedError(`not allowed to ${modelCreatePermission.name}`);
  }
  const entity = newModelEntity({ ...body, namespace });
  failOnIssues(validateMLModelEntity(entity, { namingRule }));
  await checkOwnerMembership({
    userInfo: ctx.userInfo,
    required: ctx.requireOwnerMembership,
    credentials,
    owner: body.owner,
    namespace,
  });
  // With the registry's own credentials: a model the caller cannot see still takes
  // the name (otherwise the catalog would report a conflict later).
  const existing = await ctx.catalog.getEntityByRef(modelRef, {
    credentials: ctx.auth
      ? await ctx.auth.getOwnServiceCredentials()
      : credentials,
  });
  if (existing && !(await store.getApiModel(modelRef))) {
    throw new ConflictError(`${modelRef} already exists in the catalog`);
  }
  if (options.dryRun) {
    if (await store.getApiModel(modelRef)) {
      throw new ConflictError(`model ${modelRef} is already registered`);
    }
    return { modelRef, entity, dryRun: true as const };
  }
  const registered = await store.registerModel(modelRef, entity, {
    actor: actorOf(credentials),
    comment: body.comment,
  });
  ctx.onModelsChanged?.(modelRef);
  return registered;
}
