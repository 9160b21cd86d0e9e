import {
  ModelVersion,
  Page,
} from '@model-registry/plugin-model-registry-common';
import { Knex } from 'knex';
import { CursorCodec } from './cursors';
import { ReadableModels } from './ModelRegistryStore';
import { toVersions, VersionRow } from './rows';
import { isVersionNumber } from './versionNumbers';

/** Options of listVersionsOfRuns. */
export type VersionsOfRunsOptions = {
  /** Only models whose ref starts with this (e.g. `mlmodel:default/`). */
  modelRefPrefix: string;
  limit: number;
  cursor?: string;
  /** Versions of other models are left out before the page is cut. */
  readableModels?: ReadableModels;
};

/**
 * The live versions, of any model, registered from one of the runs (MLflow's
 * `run_id = '…'` search), by model and version; versions of models the caller cannot read
 * are left out before the page is cut.
 */
export async function listVersionsOfRuns(
  db: Knex,
  runIds: string[],
  options: VersionsOfRunsOptions,
  cursors: CursorCodec,
): Promise<Page<ModelVersion>> {
  let after = options.cursor
    ? cursors.decode<{ m: string; n: number }>(
        'versions-of-runs',
        options.cursor,
        c => typeof c.m === 'string' && isVersionNumber(c.n),
      )
    : undefined;
  const kept: VersionRow[] = [];
  let more = true;
  while (kept.length < options.limit && more) {
    const position = after;
    const query = db<VersionRow>('model_versions')
      .whereIn('run_id', runIds)
      .whereNull('deleted_at')
      .where(
        'model_ref',
        'like',
        `${options.modelRefPrefix.replace(/[\\%_]/g, c => `\\${c}`)}%`,
      );
    if (position) {
      query.whereRaw('(model_ref, version) > (?, ?)', [position.m, position.n]);
    }
    const rows = await query
      .orderBy([
        { column: 'model_ref', order: 'asc' },
        { column: 'version', order: 'asc' },
      ])
      .limit(options.limit + 1);
    more = rows.length > options.limit;
    const candidates = rows.slice(0, options.limit);
    const readable = options.readableModels
      ? await options.readableModels(candidates.map(r => r.model_ref))
      : undefined;
    for (const row of candidates) {
      if (kept.length === options.limit) {
        more = true;
        break;
      }
      after = { m: row.model_ref, n: row.version };
      if (!readable || readable.has(row.model_ref)) kept.push(row);
    }
  }
  return {
    items: await toVersions(db, kept),
    nextCursor:
      more && after ? cursors.encode('versions-of-runs', after) : undefined,
  };
}
