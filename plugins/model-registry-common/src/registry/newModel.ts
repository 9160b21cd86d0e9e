import { DEFAULT_NAMESPACE, Entity } from '@backstage/catalog-model';
import {
  MLMODEL_API_VERSION,
  MLMODEL_KIND,
} from '../entity/MLModelEntityV1alpha1';
import type { NewModel } from '../schema/openapi/generated/models';

/**
 * The MLModel entity that registering `body` through the API creates (POST /models): the
 * registry stores it and the catalog module's entity provider emits it. Absent optional
 * fields are left out; the lifecycle defaults to experimental.
 * @public
 */
export function newModelEntity(body: NewModel): Entity {
  return {
    apiVersion: MLMODEL_API_VERSION,
    kind: MLMODEL_KIND,
    metadata: {
      name: body.name,
      namespace: body.namespace ?? DEFAULT_NAMESPACE,
      ...(body.title ? { title: body.title } : {}),
      ...(body.description ? { description: body.description } : {}),
      ...(body.tags ? { tags: body.tags } : {}),
    },
    spec: {
      type: body.type,
      lifecycle: body.lifecycle ?? 'experimental',
      owner: body.owner,
      ...(body.system ? { system: body.system } : {}),
      ...(body.framework ? { framework: body.framework } : {}),
      ...(body.dependsOn ? { dependsOn: body.dependsOn } : {}),
      ...(body.card ? { card: body.card } : {}),
    },
  };
}
