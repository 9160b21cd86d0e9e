import { parseEntityRef } from '@backstage/catalog-model';

/** The annotation of a Component naming the model versions it uses. */
export const MODELS_ANNOTATION = 'model-registry.io/models';

/** How a component picks a model's version: a number, an alias, or a stage. */
export type ModelUsage = {
  /** The model's ref, lower-cased: `mlmodel:default/fraud-detector`. */
  ref: string;
  /** What the annotation says after `@`. */
  selector: string;
  kind: 'version' | 'alias' | 'stage';
};

/**
 * Parses `model-registry.io/models`: comma-separated `[namespace/]name@selector`, where the
 * selector is a version number (`3` or `v3`), a stage (one of `stages`) or an alias:
 * `fraud-detector@champion, churn-model@production, other@3`. Entries that do not parse are
 * returned as `invalid`, each with the reason.
 */
export function parseModelUsage(
  value: string | undefined,
  stages: string[],
  defaultNamespace: string,
): { usages: ModelUsage[]; invalid: string[] } {
  const usages: ModelUsage[] = [];
  const invalid: string[] = [];
  for (const raw of (value ?? '').split(',')) {
    const entry = raw.trim();
    if (!entry) continue;
    const at = entry.lastIndexOf('@');
    const name = at > 0 ? entry.slice(0, at).trim() : '';
    const selector = at > 0 ? entry.slice(at + 1).trim() : '';
    if (!name || !selector || !/^[A-Za-z0-9_.\-/:]+$/.test(name)) {
      invalid.push(`"${entry}" (expected name@alias, name@stage or name@3)`);
      continue;
    }
    let ref: string;
    try {
      const parsed = parseEntityRef(name, {
        defaultKind: 'mlmodel',
        defaultNamespace,
      });
      if (parsed.kind.toLocaleLowerCase('en-US') !== 'mlmodel') {
        invalid.push(`"${entry}" (not an MLModel)`);
        continue;
      }
      ref = `mlmodel:${parsed.namespace}/${parsed.name}`.toLocaleLowerCase(
        'en-US',
      );
    } catch {
      invalid.push(`"${entry}" (not an entity ref)`);
      continue;
    }
    let kind: ModelUsage['kind'] = 'alias';
    if (/^v?\d+$/.test(selector)) kind = 'version';
    else if (stages.includes(selector)) kind = 'stage';
    usages.push({
      ref,
      selector: kind === 'version' ? selector.replace(/^v/, '') : selector,
      kind,
    });
  }
  return { usages, invalid };
}

/** The version a usage points at in a model's summary; undefined when nothing does. */
export function resolveUsage(
  usage: ModelUsage,
  summary: {
    stageOccupants: Record<string, number>;
    aliases: Record<string, number>;
  },
): number | undefined {
  if (usage.kind === 'version') return Number(usage.selector);
  if (usage.kind === 'stage') return summary.stageOccupants[usage.selector];
  return summary.aliases[usage.selector];
}
