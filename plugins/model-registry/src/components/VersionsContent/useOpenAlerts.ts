import { MonitoringAlert } from '@model-registry/plugin-model-registry-common';
import { useMemo } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { ModelRegistryApi } from '../../api';

/**
 * The open monitoring alerts of a model's versions, by version number (one request for
 * the model, reloaded when `reload` changes). Monitoring is an extra: when it cannot be
 * loaded the versions show no alerts rather than an error.
 */
export function useOpenAlerts(
  api: ModelRegistryApi,
  entityRef: string,
  reload: unknown,
): Map<number, MonitoringAlert[]> {
  const { value } = useAsync(
    () => api.monitoring.getModel(entityRef).catch(() => undefined),
    [api, entityRef, reload],
  );
  return useMemo(() => {
    const byVersion = new Map<number, MonitoringAlert[]>();
    for (const alert of value?.openAlerts ?? []) {
      byVersion.set(alert.version, [
        ...(byVersion.get(alert.version) ?? []),
        alert,
      ]);
    }
    return byVersion;
  }, [value]);
}
