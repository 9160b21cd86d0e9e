import {
  LineageEdge,
  LineageEdgeInput,
  Page,
} from '@model-registry/plugin-model-registry-common';
import { Knex } from 'knex';
import { decodeCursor, encodeCursor } from './cursors';
import { appendHistory } from './history';
import { lockModel } from './models';
import { ChangeContext } from './ModelRegistryStore';
import { EdgeRow, edgeRow, toEdge } from './rows';
import { requireVersion } from './versions';

/** Adds lineage edges to a live version. */
export async function addLineage(
  db: Knex,
  modelRef: string,
  version: number,
  edges: LineageEdgeInput[],
  context: ChangeContext,
): Promise<LineageEdge[]> {
  return db.transaction(async trx => {
    await lockModel(trx, modelRef);
    const row = await requireVersion(trx, modelRef, version);
    const now = new Date();
    const inserted: EdgeRow[] = [];
    for (const edge of edges) {
      const [{ id }] = await trx('lineage_edges').insert(
        edgeRow(Number(row.id), edge, context.actor, now),
        ['id'],
      );
      inserted.push({
        ...edgeRow(Number(row.id), edge, context.actor, now),
        id,
      });
    }
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

/** Versions with an edge to the target (an entity ref or URI), optionally of one relation. */
export async function findVersionsLinkedTo(
  db: Knex,
  target: string,
  options: { relation?: string; limit: number; cursor?: string },
): Promise<Page<LineageEdge>> {
  const query = db('lineage_edges')
    .join('model_versions', 'model_versions.id', 'lineage_edges.version_id')
    .where('lineage_edges.target', target)
    .whereNull('model_versions.deleted_at');
  if (options.relation) {
    query.where('lineage_edges.relation', options.relation);
  }
  if (options.cursor) {
    const { i } = decodeCursor<{ i: number }>(options.cursor, c =>
      Number.isSafeInteger(c.i),
    );
    query.where('lineage_edges.id', '>', i);
  }
  const rows = await query
    .orderBy('lineage_edges.id')
    .limit(options.limit + 1)
    .select(
      'lineage_edges.*',
      'model_versions.model_ref as model_ref',
      'model_versions.version as version',
    );
  const page = rows.slice(0, options.limit);
  return {
    items: page.map(r => toEdge(r, r.model_ref, Number(r.version))),
    nextCursor:
      rows.length > options.limit
        ? encodeCursor({ i: Number(page[page.length - 1].id) })
        : undefined,
  };
}
