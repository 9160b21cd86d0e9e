import {
  LineageEdge,
  LineageEdgeInput,
  Page,
} from '@model-registry/plugin-model-registry-common';
import { Knex } from 'knex';
import { CursorCodec } from './cursors';
import { appendHistory } from './history';
import { lockModel } from './models';
import { insertLineageEdges } from './lineageTargets';
import { ChangeContext, FindLinkedVersionsOptions } from './ModelRegistryStore';
import { ReadableModelsCache } from './readableModels';
import { EdgeRow, toEdge } from './rows';
import { isVersionNumber } from './versionNumbers';
import { requireVersion } from './versions';

/** How many edges findVersionsLinkedTo reads at least per query. */
const LINKED_VERSIONS_BATCH = 100;

/** Adds lineage edges to a live version; edges to model versions must name live ones. */
export async function addLineage(
  db: Knex,
  modelRef: string,
  version: number,
  edges: LineageEdgeInput[],
  context: ChangeContext & { lineageField?: string },
): Promise<LineageEdge[]> {
  return db.transaction(async trx => {
    await lockModel(trx, modelRef);
    const row = await requireVersion(trx, modelRef, version);
    const now = new Date();
    const inserted = await insertLineageEdges(trx, Number(row.id), edges, {
      actor: context.actor,
      at: now,
      field: context.lineageField ?? 'edges',
    });
    const result = inserted.map(e => toEdge(e, modelRef, version));
    await appendHistory(trx, {
      modelRef,
      version,
      action: 'lineage.add',
      context,
      after: { edges: result },
      at: now,
    });
    return result;
  });
}

/** The edges of a live version, in the order they were added. */
export async function listLineageEdges(
  db: Knex,
  modelRef: string,
  version: number,
): Promise<LineageEdge[]> {
  if (!isVersionNumber(version)) return [];
  const rows = await db<EdgeRow>('lineage_edges')
    .join('model_versions', 'model_versions.id', 'lineage_edges.version_id')
    .where({
      'model_versions.model_ref': modelRef,
      'model_versions.version': version,
    })
    .whereNull('model_versions.deleted_at')
    .orderBy('lineage_edges.id')
    .select('lineage_edges.*');
  return rows.map(r => toEdge(r, modelRef, version));
}

/**
 * Versions with an edge to the target (an entity ref or URI), optionally of one relation,
 * in the order the edges were added. Versions of models the caller cannot read are left
 * out before the page is cut: keyset batches are read until the page is full or the rows
 * end, so a page is never empty while there is a next one.
 */
export async function findVersionsLinkedTo(
  db: Knex,
  cursors: CursorCodec,
  target: string,
  options: FindLinkedVersionsOptions,
): Promise<Page<LineageEdge>> {
  let after = options.cursor
    ? cursors.decode<{ i: number }>('dependents', options.cursor, c =>
        Number.isSafeInteger(c.i),
      ).i
    : undefined;
  const readable = new ReadableModelsCache(options.readableModels);
  const batchSize = Math.max(options.limit + 1, LINKED_VERSIONS_BATCH);
  const found: LineageEdge[] = [];
  for (;;) {
    const query = db('lineage_edges')
      .join('model_versions', 'model_versions.id', 'lineage_edges.version_id')
      .where('lineage_edges.target', target)
      .whereNull('model_versions.deleted_at');
    if (options.relation) {
      query.where('lineage_edges.relation', options.relation);
    }
    if (after !== undefined) {
      query.where('lineage_edges.id', '>', after);
    }
    const rows = await query
      .orderBy('lineage_edges.id')
      .limit(batchSize)
      .select(
        'lineage_edges.*',
        'model_versions.model_ref as model_ref',
        'model_versions.version as version',
      );
    await readable.load(rows.map(r => r.model_ref as string));
    for (const r of rows) {
      if (readable.isReadable(r.model_ref)) {
        found.push(toEdge(r, r.model_ref, Number(r.version)));
      }
    }
    // One readable row past the page says that there is a next page.
    if (found.length > options.limit || rows.length < batchSize) break;
    after = Number(rows[rows.length - 1].id);
  }
  const items = found.slice(0, options.limit);
  return {
    items,
    nextCursor:
      found.length > options.limit
        ? cursors.encode('dependents', { i: items[items.length - 1].id })
        : undefined,
  };
}
