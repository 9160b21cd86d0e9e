import { useMemo } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { ModelRegistryApi } from '../../api';

/** How many of the newest versions the version picker offers. */
export const PICKER_VERSIONS = 100;

/**
 * The model's summary and newest versions, and the version to show first: the occupant of
 * the serving stage, else the latest version.
 */
export function useLineageVersions(options: {
  api: ModelRegistryApi;
  modelRef: string;
  servingStage?: string;
}) {
  const { api, modelRef, servingStage } = options;
  const { value, loading, error } = useAsync(async () => {
    const [summary, versions] = await Promise.all([
      api.getModel(modelRef),
      api.listVersions(modelRef, {
        limit: PICKER_VERSIONS,
        sort: 'version',
        order: 'desc',
      }),
    ]);
    return { summary, versions: versions.items };
  }, [api, modelRef]);

  const defaultVersion = useMemo(() => {
    if (!value) return undefined;
    const serving = servingStage
      ? value.summary.stageOccupants[servingStage]
      : undefined;
    if (serving !== undefined) return serving;
    if (value.summary.latestVersion !== undefined) {
      return value.summary.latestVersion;
    }
    return value.versions.length
      ? Math.max(...value.versions.map(v => v.version))
      : undefined;
  }, [value, servingStage]);

  return { value, loading, error, defaultVersion };
}
