import { useCallback, useMemo, useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { ModelRegistryApi } from '../../api';

/** How many versions the Metrics tab charts at once (a page, newest first). */
export const CHARTED_VERSIONS = 20;

/**
 * A page of a model's versions for charting, newest page first, in ascending version order,
 * with the names of the metrics any of them has. `older()` pages back through the cursor the
 * server returned, `newer()` returns to the page before.
 */
export function useMetricVersions(api: ModelRegistryApi, modelRef: string) {
  // The cursors of the pages shown so far; the last one is the current page's.
  const [cursors, setCursors] = useState<Array<string | undefined>>([
    undefined,
  ]);
  const cursor = cursors[cursors.length - 1];
  const { value, loading, error } = useAsync(
    () =>
      api.listVersions(modelRef, {
        limit: CHARTED_VERSIONS,
        sort: 'version',
        order: 'desc',
        ...(cursor ? { cursor } : {}),
      }),
    [api, modelRef, cursor],
  );
  const versions = useMemo(
    () => [...(value?.items ?? [])].sort((a, b) => a.version - b.version),
    [value],
  );
  const metricNames = useMemo(
    () =>
      [...new Set(versions.flatMap(v => Object.keys(v.metrics ?? {})))].sort(),
    [versions],
  );
  const nextCursor = value?.nextCursor;
  const older = useCallback(() => {
    if (nextCursor) setCursors(list => [...list, nextCursor]);
  }, [nextCursor]);
  const newer = useCallback(
    () => setCursors(list => (list.length > 1 ? list.slice(0, -1) : list)),
    [],
  );
  return {
    versions,
    metricNames,
    hasOlder: Boolean(nextCursor),
    hasNewer: cursors.length > 1,
    older,
    newer,
    loading,
    error,
  };
}
