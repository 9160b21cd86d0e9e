import { InputError } from '@backstage/errors';
import { LineageEdgeInput } from '@model-registry/plugin-model-registry-common';
import { Knex } from 'knex';
import { EdgeRow, edgeRow } from './rows';
import { isVersionNumber } from './versionNumbers';

/**
 * Inserts lineage edges of a version after checking, in the caller's transaction, that
 * every edge to a model version names a live version. InputError naming the field
 * (`lineage[0].version: mlmodel:default/x has no version 7`) otherwise; nothing is written.
 */
export async function insertLineageEdges(
  trx: Knex,
  versionId: number,
  edges: LineageEdgeInput[],
  options: { actor: string; at: Date; field: string },
): Promise<EdgeRow[]> {
  const rows = edges.map(edge =>
    edgeRow(versionId, edge, options.actor, options.at),
  );
  const wanted = rows.flatMap((row, index) =>
    row.target_version === null ? [] : [{ row, index }],
  );
  const inRange = wanted.filter(w => isVersionNumber(w.row.target_version));
  const live = new Set<string>();
  if (inRange.length) {
    const found = await trx('model_versions')
      .whereNull('deleted_at')
      .where(q => {
        for (const { row } of inRange) {
          q.orWhere({ model_ref: row.target, version: row.target_version });
        }
      })
      .select('model_ref', 'version');
    for (const f of found) live.add(`${f.model_ref}@${Number(f.version)}`);
  }
  for (const { row, index } of wanted) {
    const field = `${options.field}[${index}].version`;
    if (!isVersionNumber(row.target_version)) {
      throw new InputError(`${field} must be a version number`);
    }
    if (!row.target.startsWith('mlmodel:')) {
      throw new InputError(`${field} is only allowed on an mlmodel entityRef`);
    }
    if (!live.has(`${row.target}@${row.target_version}`)) {
      throw new InputError(
        `${field}: ${row.target} has no version ${row.target_version}`,
      );
    }
  }
  // One statement per 100 edges (the API's cap per request; SQLite limits a compound
  // insert to 500 rows); ids are assigned in the order of the rows.
  const ids: number[] = [];
  for (let start = 0; start < rows.length; start += 100) {
    const chunk = await trx('lineage_edges').insert(
      rows.slice(start, start + 100),
      ['id'],
    );
    ids.push(...chunk.map(r => Number(r.id)).sort((a, b) => a - b));
  }
  return rows.map((row, index) => ({ ...row, id: ids[index] }));
}
