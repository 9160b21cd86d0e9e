import {
  HistoryEntry,
  LineageRelation,
  StageRules,
} from '@model-registry/plugin-model-registry-common';
import { RELATION_LABELS } from '../../lineage/relationLabels';

function plural(n: number, word: string) {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** A version named in the words of an action, to be shown as a link to its page. */
export type VersionMention = { version: number };

/** The words of an action: text and the versions it names. */
export type ActionPart = string | VersionMention;

/** A version number as a mention (anything else as text). */
function mention(n: unknown): ActionPart {
  return typeof n === 'number' && Number.isInteger(n)
    ? { version: n }
    : String(n);
}

/** Several versions as mentions separated by commas. */
function mentions(ns: number[]): ActionPart[] {
  return ns.flatMap((n, i) => (i === 0 ? [mention(n)] : [', ', mention(n)]));
}

/**
 * A template of words whose interpolated version mentions (and lists of them) stay parts
 * of their own; other values become text. Adjacent text is joined.
 */
function words(
  strings: TemplateStringsArray,
  ...values: Array<ActionPart | ActionPart[] | string | number | undefined>
): ActionPart[] {
  const parts: ActionPart[] = [];
  const push = (part: ActionPart) => {
    const last = parts[parts.length - 1];
    if (typeof part === 'string' && typeof last === 'string') {
      parts[parts.length - 1] = last + part;
    } else if (part !== '') {
      parts.push(part);
    }
  };
  strings.forEach((text, i) => {
    push(text);
    if (i < values.length) {
      const value = values[i];
      if (Array.isArray(value)) value.forEach(push);
      else if (typeof value === 'object') push(value);
      else push(String(value));
    }
  });
  return parts;
}

/** The parts as plain text. */
export function actionText(parts: ActionPart[]): string {
  return parts
    .map(p => (typeof p === 'string' ? p : String(p.version)))
    .join('');
}

/** A history entry's action in words, e.g. "promoted version 5 from staging to production". */
export function describeAction(entry: HistoryEntry, rules: StageRules): string {
  return actionText(describeActionParts(entry, rules));
}

/**
 * A history entry's action in words with the versions it names as mentions, so that a
 * view can link them to their pages.
 */
export function describeActionParts(
  entry: HistoryEntry,
  rules: StageRules,
): ActionPart[] {
  const v = entry.version === undefined ? undefined : mention(entry.version);
  const before = (entry.before ?? {}) as Record<string, any>;
  const after = (entry.after ?? {}) as Record<string, any>;
  switch (entry.action) {
    case 'version.register':
      return words`registered version ${v}`;
    case 'version.update': {
      const fields = Object.keys(after);
      return fields.length
        ? words`updated ${fields.join(', ')} of version ${v}`
        : words`updated version ${v}`;
    }
    case 'version.stage': {
      const from = before.stage as string | undefined;
      const to = after.stage as string | undefined;
      const archived = (after.archived ?? []) as number[];
      let said: ActionPart[];
      if (to === rules.archivedStage) {
        said = words`archived version ${v}${from ? ` (was in ${from})` : ''}`;
      } else if (
        from &&
        to &&
        rules.stages.indexOf(to) > rules.stages.indexOf(from)
      ) {
        said = words`promoted version ${v} from ${from} to ${to}`;
      } else if (from && to) {
        said = words`moved version ${v} from ${from} to ${to}`;
      } else {
        said = words`moved version ${v} to ${to ?? 'another stage'}`;
      }
      if (archived.length) {
        said = words`${said}, archiving version${
          archived.length === 1 ? '' : 's'
        } ${mentions(archived)}`;
      }
      return said;
    }
    case 'alias.set': {
      const alias = after.alias ?? before.alias;
      if (before.version !== undefined && before.version !== after.version) {
        return words`moved alias ${alias} from ${mention(
          before.version,
        )} to ${mention(after.version)}`;
      }
      return words`set alias ${alias} to version ${
        after.version !== undefined ? mention(after.version) : v
      }`;
    }
    case 'alias.delete':
      return words`removed alias ${before.alias}${
        before.version !== undefined
          ? words` (was version ${mention(before.version)})`
          : ''
      }`;
    case 'lineage.add': {
      const edges = (after.edges ?? []) as Array<{
        relation: string;
        target: string;
      }>;
      const shown = edges
        .slice(0, 3)
        .map(
          e =>
            `${RELATION_LABELS[e.relation as LineageRelation] ?? e.relation} ${
              e.target
            }`,
        );
      const more = edges.length > 3 ? ` and ${edges.length - 3} more` : '';
      return words`added ${plural(
        edges.length,
        'lineage link',
      )} to version ${v}${shown.length ? `: ${shown.join('; ')}${more}` : ''}`;
    }
    case 'version.delete':
      return words`deleted version ${v}`;
    case 'promotion.request':
      return words`requested the promotion of version ${v} to ${after.stage}${
        after.alias ? ` with alias ${after.alias}` : ''
      } (request ${after.requestId}, ${plural(
        Number(after.requiredApprovals ?? 1),
        'approval',
      )} needed)`;
    case 'promotion.approve':
      return words`approved the promotion of version ${v} to ${after.stage} (request ${after.requestId})`;
    case 'promotion.reject':
      return words`rejected the promotion of version ${v} to ${after.stage} (request ${after.requestId})`;
    case 'promotion.cancel':
      return words`cancelled the promotion request of version ${v} to ${after.stage} (request ${after.requestId})`;
    case 'promotion.expire':
      return words`the promotion request of version ${v} to ${after.stage} expired (request ${after.requestId})`;
    case 'model.register':
      return ['registered the model'];
    case 'model.delete':
      return ['deleted the model'];
    default:
      return words`${entry.action}${
        v !== undefined ? words` (version ${v})` : ''
      }`;
  }
}
