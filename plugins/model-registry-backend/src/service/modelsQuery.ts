import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import { MLMODEL_KIND } from '@model-registry/plugin-model-registry-common';

/** The list filters of GET /models (besides the stage). */
export type ModelListParams = {
  owner?: string;
  task?: string;
  lifecycle?: string;
  q?: string;
  /** name (default), owner, task or lifecycle. */
  sort?: string;
  /** asc (default) or desc. */
  order?: string;
};

/** The catalog field of each sort of GET /models. */
const SORT_FIELDS: Record<string, string> = {
  name: 'metadata.name',
  owner: 'relations.ownedBy',
  task: 'spec.type',
  lifecycle: 'spec.lifecycle',
};

/** Checks the sort and order of GET /models; messages name the parameter. */
export function checkModelsSort(params: ModelListParams) {
  if (params.sort !== undefined && !(params.sort in SORT_FIELDS)) {
    throw new InputError(
      `sort must be one of ${Object.keys(SORT_FIELDS).join(', ')}`,
    );
  }
  if (
    params.order !== undefined &&
    params.order !== 'asc' &&
    params.order !== 'desc'
  ) {
    throw new InputError('order must be asc or desc');
  }
}

/**
 * The catalog query of the first page of GET /models: MLModel entities in the requested
 * order (name by default; ties, and models without the field, in name order).
 */
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
    orderFields: orderFields(params),
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

function orderFields(params: ModelListParams) {
  const order = params.order === 'desc' ? ('desc' as const) : ('asc' as const);
  const field = SORT_FIELDS[params.sort ?? 'name'] ?? SORT_FIELDS.name;
  return field === SORT_FIELDS.name
    ? [{ field, order }]
    : [
        { field, order },
        { field: SORT_FIELDS.name, order: 'asc' as const },
      ];
}
