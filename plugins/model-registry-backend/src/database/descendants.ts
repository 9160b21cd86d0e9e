import { Knex } from 'knex';
import { CursorCodec } from './cursors';
import { MAX_LINEAGE_NODES } from './lineageWalk';
import {
  DescendantsOptions,
  DescendantsPage,
  LineageDescendant,
} from './ModelRegistryStore';
import { ReadableModelsCache } from './readableModels';

type Position = { d: number; m: string; v: number };

/** Code-point order of (depth, model ref, version): the same on every engine. */
function compare(a: LineageDescendant, b: Position): number {
  if (a.depth !== b.d) return a.depth - b.d;
  if (a.modelRef !== b.m) return a.modelRef < b.m ? -1 : 1;
  return a.version - b.v;
}

function positionOf(d: LineageDescendant): Position {
  return { d: d.depth, m: d.modelRef, v: d.version };
}

/**
 * Versions that descend (fine-tuned, transitively) from any version of a model, level by
 * level, in (depth, model ref, version) order, a page at a time. Before a level is
 * added, the caller is asked once which of its models it may read; the others are left
 * out and not walked through, so no descendant reached only through a hidden model is
 * listed and `parentModelRef` never names one. At most MAX_LINEAGE_NODES are walked.
 */
export async function getDescendants(
  db: Knex,
  cursors: CursorCodec,
  modelRef: string,
  options: DescendantsOptions,
): Promise<DescendantsPage> {
  const after = options.cursor
    ? cursors.decode<Position>(
        'descendants',
        options.cursor,
        c =>
          Number.isSafeInteger(c.d) &&
          typeof c.m === 'string' &&
          Number.isSafeInteger(c.v),
      )
    : undefined;
  const { descendants, truncated } = await walkDescendants(
    db,
    modelRef,
    options,
  );
  const rest = after
    ? descendants.filter(d => compare(d, after) > 0)
    : descendants;
  const items = rest.slice(0, options.limit);
  return {
    items,
    ...(rest.length > options.limit
      ? {
          nextCursor: cursors.encode(
            'descendants',
            positionOf(items[items.length - 1]),
          ),
        }
      : {}),
    ...(truncated ? { truncated: true as const } : {}),
  };
}

async function walkDescendants(
  db: Knex,
  modelRef: string,
  options: DescendantsOptions,
): Promise<{ descendants: LineageDescendant[]; truncated: boolean }> {
  const readable = new ReadableModelsCache(options.readableModels, [modelRef]);
  const result: LineageDescendant[] = [];
  const seen = new Set<string>();
  const walked = new Set<string>([modelRef]);
  let frontier = [modelRef];
  for (let depth = 1; depth <= options.depth && frontier.length; depth++) {
    const rows = await db('lineage_edges')
      .join('model_versions', 'model_versions.id', 'lineage_edges.version_id')
      .whereIn('lineage_edges.target', frontier)
      .where('lineage_edges.relation', 'fineTunedFrom')
      .whereNull('model_versions.deleted_at')
      .whereNot('model_versions.model_ref', modelRef)
      .orderBy([
        'model_versions.model_ref',
        'model_versions.version',
        'lineage_edges.id',
      ])
      .select(
        'model_versions.model_ref',
        'model_versions.version',
        'lineage_edges.target',
        'lineage_edges.target_version',
      );
    await readable.load(rows.map(r => r.model_ref as string));
    const level: LineageDescendant[] = [];
    for (const r of rows) {
      const key = `${r.model_ref}@${r.version}`;
      if (seen.has(key) || !readable.isReadable(r.model_ref)) continue;
      seen.add(key);
      level.push({
        modelRef: r.model_ref,
        version: Number(r.version),
        depth,
        parentModelRef: r.target,
        parentVersion:
          r.target_version === null ? undefined : Number(r.target_version),
      });
    }
    level.sort((a, b) => compare(a, positionOf(b)));
    const room = MAX_LINEAGE_NODES - result.length;
    result.push(...level.slice(0, room));
    if (level.length > room) {
      return { descendants: result, truncated: true };
    }
    frontier = [...new Set(level.map(d => d.modelRef))].filter(
      m => !walked.has(m),
    );
    for (const m of frontier) walked.add(m);
  }
  return { descendants: result, truncated: false };
}
