import { parseEntityRef } from '@backstage/catalog-model';
import {
  ModelRefLike,
  ModelRegistryClient,
  ModelRegistryRequestOptions,
} from '@model-registry/plugin-model-registry-common';

type ListVersionsQuery = NonNullable<
  Parameters<ModelRegistryClient['listVersions']>[1]
>;

/** How long a prefetched answer may wait for the component that asked for it. */
const PREFETCH_TTL_MS = 10_000;

function modelKey(model: ModelRefLike): string {
  const ref =
    typeof model === 'string'
      ? parseEntityRef(model, {
          defaultKind: 'mlmodel',
          defaultNamespace: 'default',
        })
      : model;
  return `${ref.namespace}/${ref.name}`.toLocaleLowerCase('en-US');
}

function queryKey(query: ListVersionsQuery): string {
  return JSON.stringify(
    Object.entries(query)
      .filter(([, value]) => value !== undefined)
      .sort(([a], [b]) => a.localeCompare(b)),
  );
}

/**
 * The registry client of the frontend. It can start the requests of a model page from the
 * URL alone (`prefetchModelPage`), before the catalog has returned the entity and the
 * page's cards have mounted, so that the model card finds its answers in flight.
 *
 * A prefetched answer is handed out once, to the first identical call within ten seconds;
 * anything else (a later call, another query, a failed prefetch) goes to the backend as
 * usual, so nothing is served stale after a change.
 */
export class PrefetchingModelRegistryClient extends ModelRegistryClient {
  private readonly prefetched = new Map<
    string,
    { promise: Promise<unknown>; expires: number }
  >();

  /** Starts the model card's two requests: the model's summary and its serving version. */
  prefetchModelPage(model: ModelRefLike, servingStage: string | undefined) {
    const key = modelKey(model);
    this.remember(`model ${key}`, super.getModel(model));
    if (servingStage) {
      const query = { stage: servingStage, limit: 1 };
      this.remember(
        `versions ${key} ${queryKey(query)}`,
        super.listVersions(model, query),
      );
    }
  }

  getModel(model: ModelRefLike, options?: ModelRegistryRequestOptions) {
    const hit = options?.token
      ? undefined
      : (this.take(`model ${modelKey(model)}`) as
          | ReturnType<ModelRegistryClient['getModel']>
          | undefined);
    if (hit) {
      return hit.catch(() => super.getModel(model, options));
    }
    return super.getModel(model, options);
  }

  listVersions(
    model: ModelRefLike,
    query: ListVersionsQuery = {},
    options?: ModelRegistryRequestOptions,
  ) {
    const hit = options?.token
      ? undefined
      : (this.take(`versions ${modelKey(model)} ${queryKey(query)}`) as
          | ReturnType<ModelRegistryClient['listVersions']>
          | undefined);
    if (hit) {
      return hit.catch(() => super.listVersions(model, query, options));
    }
    return super.listVersions(model, query, options);
  }

  private remember(key: string, promise: Promise<unknown>) {
    // A prefetch nobody takes must not surface as an unhandled rejection.
    promise.catch(() => undefined);
    this.prefetched.set(key, {
      promise,
      expires: Date.now() + PREFETCH_TTL_MS,
    });
  }

  private take(key: string): Promise<unknown> | undefined {
    const entry = this.prefetched.get(key);
    if (!entry) return undefined;
    this.prefetched.delete(key);
    return entry.expires >= Date.now() ? entry.promise : undefined;
  }
}
