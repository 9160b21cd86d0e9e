/**
 * Webhooks of the model registry (docs/events.md): the event types a subscription may
 * pick, its payload formats, and the shapes the API returns.
 */

/** Every registry event type, as published and as a webhook subscribes to it. @public */
export const REGISTRY_EVENT_TYPES = [
  'model.register',
  'model.update',
  'model.delete',
  'model.tag.set',
  'model.tag.delete',
  'version.register',
  'version.update',
  'version.delete',
  'version.stage',
  'alias.set',
  'alias.delete',
  'lineage.add',
  'promotion.request',
  'promotion.approve',
  'promotion.reject',
  'promotion.cancel',
  'promotion.expire',
  'monitoring.alert',
  'monitoring.resolve',
] as const;

/** A registry event type. @public */
export type RegistryEventType = (typeof REGISTRY_EVENT_TYPES)[number];

/**
 * The payload formats of a webhook: `registry` posts the registry event itself;
 * `mlflow` posts MLflow's webhook envelope (entity, action, timestamp, data) signed the
 * way MLflow signs (X-MLflow-Signature), so receivers written for MLflow work. @public
 */
export const WEBHOOK_FORMATS = ['registry', 'mlflow'] as const;

/**
 * Whether an event type matches one of a subscription's patterns: an exact type, `*`
 * (every type) or a family wildcard such as `version.*` or `promotion.*`. @public
 */
export function webhookEventMatches(patterns: string[], type: string): boolean {
  return patterns.some(
    pattern =>
      pattern === '*' ||
      pattern === type ||
      (pattern.endsWith('.*') && type.startsWith(pattern.slice(0, -1))),
  );
}

/** What is wrong with a subscription's event pattern, or undefined. @public */
export function checkWebhookEventPattern(pattern: unknown): string | undefined {
  if (typeof pattern !== 'string' || pattern.length === 0) {
    return 'must be a non-empty string';
  }
  if (pattern === '*') return undefined;
  if (pattern.endsWith('.*')) {
    const family = pattern.slice(0, -1);
    return REGISTRY_EVENT_TYPES.some(t => t.startsWith(family))
      ? undefined
      : `"${pattern}" matches no event type`;
  }
  return (REGISTRY_EVENT_TYPES as readonly string[]).includes(pattern)
    ? undefined
    : `"${pattern}" is not an event type (one of ${REGISTRY_EVENT_TYPES.join(
        ', ',
      )}, a family such as version.*, or *)`;
}
