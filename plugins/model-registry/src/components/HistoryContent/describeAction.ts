import {
  HistoryEntry,
  LineageRelation,
  StageRules,
} from '@model-registry/plugin-model-registry-common';
import { RELATION_LABELS } from '../../lineage/relationLabels';

function plural(n: number, word: string) {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** A history entry's action in words, e.g. "promoted version 5 from staging to production". */
export function describeAction(entry: HistoryEntry, rules: StageRules): string {
  const v = entry.version;
  const before = (entry.before ?? {}) as Record<string, any>;
  const after = (entry.after ?? {}) as Record<string, any>;
  switch (entry.action) {
    case 'version.register':
      return `registered version ${v}`;
    case 'version.update': {
      const fields = Object.keys(after);
      return fields.length
        ? `updated ${fields.join(', ')} of version ${v}`
        : `updated version ${v}`;
    }
    case 'version.stage': {
      const from = before.stage as string | undefined;
      const to = after.stage as string | undefined;
      const archived = (after.archived ?? []) as number[];
      let words: string;
      if (to === rules.archivedStage) {
        words = `archived version ${v}${from ? ` (was in ${from})` : ''}`;
      } else if (
        from &&
        to &&
        rules.stages.indexOf(to) > rules.stages.indexOf(from)
      ) {
        words = `promoted version ${v} from ${from} to ${to}`;
      } else if (from && to) {
        words = `moved version ${v} from ${from} to ${to}`;
      } else {
        words = `moved version ${v} to ${to ?? 'another stage'}`;
      }
      if (archived.length) {
        words += `, archiving version${
          archived.length === 1 ? '' : 's'
        } ${archived.join(', ')}`;
      }
      return words;
    }
    case 'alias.set': {
      const alias = after.alias ?? before.alias;
      if (before.version !== undefined && before.version !== after.version) {
        return `moved alias ${alias} from ${before.version} to ${after.version}`;
      }
      return `set alias ${alias} to version ${after.version ?? v}`;
    }
    case 'alias.delete':
      return `removed alias ${before.alias}${
        before.version !== undefined ? ` (was version ${before.version})` : ''
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
      return `added ${plural(edges.length, 'lineage link')} to version ${v}${
        shown.length ? `: ${shown.join('; ')}${more}` : ''
      }`;
    }
    case 'version.delete':
      return `deleted version ${v}`;
    case 'promotion.request':
      return `requested the promotion of version ${v} to ${after.stage}${
        after.alias ? ` with alias ${after.alias}` : ''
      } (request ${after.requestId}, ${plural(
        Number(after.requiredApprovals ?? 1),
        'approval',
      )} needed)`;
    case 'promotion.approve':
      return `approved the promotion of version ${v} to ${after.stage} (request ${after.requestId})`;
    case 'promotion.reject':
      return `rejected the promotion of version ${v} to ${after.stage} (request ${after.requestId})`;
    case 'promotion.cancel':
      return `cancelled the promotion request of version ${v} to ${after.stage} (request ${after.requestId})`;
    case 'promotion.expire':
      return `the promotion request of version ${v} to ${after.stage} expired (request ${after.requestId})`;
    case 'model.register':
      return 'registered the model';
    case 'model.delete':
      return 'deleted the model';
    default:
      return `${entry.action}${v !== undefined ? ` (version ${v})` : ''}`;
  }
}
