import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { ModelRegistryStore } from '../database/ModelRegistryStore';
import { firstModelsQuery, ModelListParams } from './modelsQuery';

/** Where a stage-filtered model list continues (inside a signed cursor). */
export type StageScanCursor = {
  stage: string;
  skip: number;
  params: ModelListParams;
  catalogCursor?: string;
};

/** Catalog models read per step of a stage-filtered list. */
const STAGE_SCAN_PAGE = 100;
/** At most this many catalog pages per request; the cursor continues the scan. */
const STAGE_SCAN_MAX_PAGES = 10;

/** Checks the shape of a decoded StageScanCursor of the given stage. */
export function isStageScanCursor(stage: string) {
  return (v: Record<string, unknown>) =>
    v.stage === stage &&
    typeof v.skip === 'number' &&
    Number.isInteger(v.skip) &&
    v.skip >= 0 &&
    (v.catalogCursor === undefined || typeof v.catalogCursor === 'string') &&
    typeof v.params === 'object' &&
    v.params !== null &&
    Object.values(v.params).every(
      p => p === undefined || typeof p === 'string',
    );
}

/**
 * One page of the models with a live version in `stage`: scans the catalog's pages in name
 * order, as the caller may read them, and keeps the models the registry has in the stage.
 * The position is the catalog page to continue from and how many of its matches were
 * already returned; at most STAGE_SCAN_MAX_PAGES catalog pages are read per call.
 */
export async function listModelsInStage(deps: {
  catalog: CatalogService;
  store: Pick<ModelRegistryStore, 'modelsWithStage'>;
  credentials: BackstageCredentials;
  position: StageScanCursor;
  limit: number;
}): Promise<{ items: Entity[]; next?: StageScanCursor }> {
  const { catalog, store, credentials, limit } = deps;
  let position = deps.position;
  const items: Entity[] = [];
  for (let scanned = 1; ; scanned++) {
    const page = await catalog.queryEntities(
      position.catalogCursor
        ? { cursor: position.catalogCursor, limit: STAGE_SCAN_PAGE }
        : { ...firstModelsQuery(position.params), limit: STAGE_SCAN_PAGE },
      { credentials },
    );
    const refs = page.items.map(e =>
      stringifyEntityRef(e).toLocaleLowerCase('en-US'),
    );
    const inStage = await store.modelsWithStage(refs, position.stage);
    const available = page.items
      .filter((_, i) => inStage.has(refs[i]))
      .slice(position.skip);
    const taken = available.slice(0, limit - items.length);
    items.push(...taken);
    if (taken.length < available.length) {
      return {
        items,
        next: { ...position, skip: position.skip + taken.length },
      };
    }
    if (!page.pageInfo.nextCursor) return { items };
    position = {
      stage: position.stage,
      skip: 0,
      params: position.params,
      catalogCursor: page.pageInfo.nextCursor,
    };
    if (items.length >= limit || scanned >= STAGE_SCAN_MAX_PAGES) {
      return { items, next: position };
    }
  }
}
