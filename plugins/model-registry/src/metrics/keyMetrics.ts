import { Entity } from '@backstage/catalog-model';

/** The annotation naming a model's key metrics, comma-separated: `auc, recall_at_1pct_fpr`. */
export const KEY_METRICS_ANNOTATION = 'model-registry.io/key-metrics';

/** The key metrics an MLModel entity names in its annotation (empty when it names none). */
export function readKeyMetrics(entity: Entity): string[] {
  const raw = entity.metadata.annotations?.[KEY_METRICS_ANNOTATION] ?? '';
  return [
    ...new Set(
      raw
        .split(',')
        .map(name => name.trim())
        .filter(Boolean),
    ),
  ];
}

/**
 * The metrics to show by default: the entity's key metrics that the versions have, else the
 * `count` metrics present in the most versions (ties alphabetical).
 */
export function defaultMetrics(
  entity: Entity,
  versions: Array<{ metrics?: Record<string, number> }>,
  count: number,
): string[] {
  const counts = new Map<string, number>();
  for (const version of versions) {
    for (const name of Object.keys(version.metrics ?? {})) {
      counts.set(name, (counts.get(name) ?? 0) + 1);
    }
  }
  const keyed = readKeyMetrics(entity).filter(name => counts.has(name));
  if (keyed.length > 0) return keyed;
  return [...counts.entries()]
    .sort(([a, ca], [b, cb]) => cb - ca || a.localeCompare(b))
    .slice(0, count)
    .map(([name]) => name);
}
