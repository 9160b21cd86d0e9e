import { ModelRegistryStore } from '../../src/database/ModelRegistryStore';
import { modelRefOf } from '../dataSet';

/**
 * Cursors of deep pages, made by the store itself (untimed, once per model and sort):
 * after the first versions - 20 versions, so that a page of 20 is the last one
 * (versions 20..1).
 */
export function createDeepCursors(store: ModelRegistryStore, versions: number) {
  const deepCursors = new Map<string, string>();
  return async (i: number, sort: 'version' | 'createdAt') => {
    const key = `${i}/${sort}`;
    let cursor = deepCursors.get(key);
    if (!cursor) {
      const page = await store.listVersions(modelRefOf(i), {
        limit: versions - 20,
        sort,
      });
      cursor = page.nextCursor!;
      deepCursors.set(key, cursor);
    }
    return cursor;
  };
}

/**
 * The router's cursor of the page of models that starts at `offset` in the fake catalog: the
 * catalog's own cursor (the offset) inside the store's signed `models` cursor, as GET /models
 * makes it.
 */
export function modelsPageCursor(store: ModelRegistryStore, offset: number) {
  return store.cursors.encode('models', { catalogCursor: String(offset) });
}
