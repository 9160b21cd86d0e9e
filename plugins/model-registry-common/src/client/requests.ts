/*
 * What every part of the registry client shares: its options, the model path of a ref, and
 * turning an answer into its JSON or a thrown ResponseError.
 */
import { CompoundEntityRef, parseEntityRef } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import { TypedResponse } from '../schema/openapi/generated/apis';

/** A model, by entity ref (`mlmodel:default/fraud-detector`) or compound ref. @public */
export type ModelRefLike = string | CompoundEntityRef;

/** Per-call options: a Backstage token when the fetch layer does not add one. @public */
export type ModelRegistryRequestOptions = { token?: string };

/** How a registry client reaches the backend: discovery, and a fetch that may add auth. @public */
export type ModelRegistryClientOptions = {
  discoveryApi: { getBaseUrl(pluginId: string): Promise<string> };
  fetchApi?: { fetch: typeof fetch };
};

export function modelPath(model: ModelRefLike) {
  const ref =
    typeof model === 'string'
      ? parseEntityRef(model, {
          defaultKind: 'MLModel',
          defaultNamespace: 'default',
        })
      : model;
  return { namespace: ref.namespace, name: ref.name };
}

export async function unwrap<T>(
  response: Promise<TypedResponse<T>>,
): Promise<T> {
  const res = await response;
  if (!res.ok) {
    throw await ResponseError.fromResponse(res as unknown as Response);
  }
  return res.json();
}

export async function unwrapEmpty(
  response: Promise<TypedResponse<unknown>>,
): Promise<void> {
  const res = await response;
  if (!res.ok) {
    throw await ResponseError.fromResponse(res as unknown as Response);
  }
}
