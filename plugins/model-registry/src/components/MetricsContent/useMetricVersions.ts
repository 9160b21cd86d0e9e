import { useMemo } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { ModelRegistryApi } from '../../api';

/** How many of the newest versions the Metrics tab charts. */
export const CHARTED_VERSIONS = 100;

/**
 * The newest versions of a model in ascending version order, for charting, and the names of
 * the metrics any of them has. `truncated` says that older versions were left out.
 */
export function useMetricVersions(api: ModelRegistryApi, modelRef: string) {
  const { value, loading, error } = useAsync(
    () =>
      api.listVersions(modelRef, {
        limit: CHARTED_VERSIONS,
        sort: 'version',
        order: 'desc',
      }),
    [api, modelRef],
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
  return {
    versions,
    metricNames,
    truncated: Boolean(value?.nextCursor),
    loading,
    error,
  };
}
