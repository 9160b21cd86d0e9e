import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { MLMODEL_KIND } from '@model-registry/plugin-model-registry-common';

/** The list filters of GET /models (besides the stage). */
export type ModelListParams = {
  owner?: string;
  task?: string;
  lifecycle?: string;
  q?: string;
};

/** The catalog query of the first page of GET /models: MLModel entities in name order. */
export function firstModelsQuery(params: ModelListParams) {
  const filter: Record<string, string> = { kind: MLMODEL_KIND };
  if (params.owner) {
    let owner;
    try {
      owner = parseEntityRef(params.owner, {
        defaultKind: 'group',
        defaultNamespace: 'default',
      });
    } catch (error) {
      throw new InputError(`owner ${(error as Error).message}`);
    }
    filter['relations.ownedBy'] =
      stringifyEntityRef(owner).toLocaleLowerCase('en-US');
  }
  if (params.task) filter['spec.type'] = params.task;
  if (params.lifecycle) filter['spec.lifecycle'] = params.lifecycle;
  return {
    filter,
    orderFields: { field: 'metadata.name', order: 'asc' as const },
    ...(params.q
      ? {
          fullTextFilter: {
            term: params.q,
            fields: ['metadata.name', 'metadata.title', 'metadata.description'],
          },
        }
      : {}),
  };
}
