import { Entity } from '@backstage/catalog-model';
import { MonitoringThreshold } from '@model-registry/plugin-model-registry-common';

/** The entity annotation with a model's default thresholds. */
export const MONITORING_THRESHOLDS_ANNOTATION =
  'model-registry.io/monitoring-thresholds';

const PART =
  /^\s*([A-Za-z0-9_.:-]{1,128})\s*(<=|<|>=|>)\s*(-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)\s*$/i;

/**
 * The thresholds of the annotation, e.g. `drift_score <= 0.3, live_accuracy >= 0.9`:
 * `<=` or `<` sets a metric's max, `>=` or `>` its min. Parts that do not parse are
 * skipped (the catalog owns the entity; the API's thresholds are validated).
 */
export function annotationThresholds(entity?: Entity): MonitoringThreshold[] {
  const raw = entity?.metadata.annotations?.[MONITORING_THRESHOLDS_ANNOTATION];
  if (!raw) return [];
  const byMetric = new Map<string, MonitoringThreshold>();
  for (const part of raw.split(',')) {
    const match = PART.exec(part);
    if (!match) continue;
    const [, metric, op, number] = match;
    const threshold = byMetric.get(metric) ?? { metric, origin: 'annotation' };
    if (op.startsWith('<')) threshold.max = Number(number);
    else threshold.min = Number(number);
    byMetric.set(metric, threshold);
  }
  return [...byMetric.values()];
}

/** The thresholds in force: the API's, then the annotation's for other metrics. */
export function effectiveThresholds(
  api: MonitoringThreshold[],
  entity?: Entity,
): MonitoringThreshold[] {
  const named = new Set(api.map(t => t.metric));
  return [
    ...api,
    ...annotationThresholds(entity).filter(t => !named.has(t.metric)),
  ].sort((a, b) => a.metric.localeCompare(b.metric));
}
