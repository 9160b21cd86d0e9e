/** The page size when a list request names none (the OpenAPI document caps it at 100). */
export const DEFAULT_PAGE_SIZE = 20;

/** The page size of a list request: the validated `limit`, or the default. */
export function pageLimit(limit: unknown): number {
  return limit === undefined ? DEFAULT_PAGE_SIZE : Number(limit);
}

/** The depth of a lineage walk: the validated `depth`, or the default. */
export function walkDepth(depth: unknown, fallback = 3): number {
  return depth === undefined ? fallback : Number(depth);
}
