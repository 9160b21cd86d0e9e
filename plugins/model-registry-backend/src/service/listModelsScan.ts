import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { firstModelsQuery, ModelListParams } from './modelsQuery';

/**
 * The filters of GET /models that the registry answers (stage, tag, metric), as the client
 * sent them: a cursor is valid only for the same filters.
 */
export type RegistryFilterText = {
  stage?: string;
  tag?: string;
  metric?: string;
};

/** Where a registry-filtered model list continues (inside a signed cursor). */
export type ScanCursor = {
  filters: RegistryFilterText;
  skip: number;
  params: ModelListParams;
  catalogCursor?: string;
};

/**
 * Of one catalog page of models (entities and their lower-case refs), the refs that pass
 * the registry filters.
 */
export type RegistryMatcher = (
  entities: Entity[],
  refs: string[],
) => Promise<Set<string>>;

/** Catalog models read per step of a registry-filtered list. */
const SCAN_PAGE = 100;
/** At most this many catalog pages per request; the cursor continues the scan. */
const SCAN_MAX_PAGES = 10;

const optionalString = (v: unknown) => v === undefined || typeof v === 'string';

/** Checks the shape of a decoded ScanCursor made for the given filters. */
export function isScanCursor(filters: RegistryFilterText) {
  return (v: Record<string, unknown>) => {
    const got = v.filters as Record<string, unknown> | null;
    return (
      typeof got === 'object' &&
      got !== null &&
      got.stage === filters.stage &&
      got.tag === filters.tag &&
      got.metric === filters.metric &&
      typeof v.skip === 'number' &&
      Number.isInteger(v.skip) &&
      v.skip >= 0 &&
      optionalString(v.catalogCursor) &&
      typeof v.params === 'object' &&
      v.params !== null &&
      Object.values(v.params).every(optionalString)
    );
  };
}

/**
 * One page of the models that pass the registry filters: scans the catalog's pages in the
 * list's order, as the caller may read them, and keeps the models `matcher` passes. The
 * position is the catalog page to continue from and how many of its matches were already
 * returned; at most SCAN_MAX_PAGES catalog pages are read per call. No `next` means the
 * scan reached the end of the catalog's answer.
 */
export async function listModelsScan(deps: {
  catalog: CatalogService;
  matcher: RegistryMatcher;
  credentials: BackstageCredentials;
  position: ScanCursor;
  limit: number;
}): Promise<{ items: Entity[]; next?: ScanCursor }> {
  const { catalog, matcher, credentials, limit } = deps;
  let position = deps.position;
  const items: Entity[] = [];
  for (let scanned = 1; ; scanned++) {
    const page = await catalog.queryEntities(
      position.catalogCursor
        ? { cursor: position.catalogCursor, limit: SCAN_PAGE }
        : { ...firstModelsQuery(position.params), limit: SCAN_PAGE },
      { credentials },
    );
    const refs = page.items.map(e =>
      stringifyEntityRef(e).toLocaleLowerCase('en-US'),
    );
    const passed = await matcher(page.items, refs);
    const available = page.items
      .filter((_, i) => passed.has(refs[i]))
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
      filters: position.filters,
      skip: 0,
      params: position.params,
      catalogCursor: page.pageInfo.nextCursor,
    };
    if (items.length >= limit || scanned >= SCAN_MAX_PAGES) {
      return { items, next: position };
    }
  }
}
