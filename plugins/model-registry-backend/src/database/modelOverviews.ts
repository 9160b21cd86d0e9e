import { ModelVersion } from '@model-registry/plugin-model-registry-common';
import { Knex } from 'knex';
import { ApiRegisteredModel, ModelAlias } from './ModelRegistryStore';
import { listModelTags } from './modelTags';
import { ModelRow, toApiModel, toIso, toVersions, VersionRow } from './rows';

/** What a registered model's card or search row shows: one model, read in bulk. */
export type ModelOverview = {
  /** Set for a live model registered through the API (the catalog's files hold the rest). */
  apiModel?: ApiRegisteredModel;
  /** By alias name. */
  aliases: ModelAlias[];
  /** The newest live version of each of the asked stages that has one, by version. */
  latestVersions: ModelVersion[];
  tags: Record<string, string>;
};

/** Model refs per statement: far below the bind-variable limits of SQLite and PostgreSQL. */
const REFS_PER_QUERY = 500;

/**
 * The overviews of many models in a fixed number of statements (six per 500 models),
 * whatever their number of versions: the newest version per stage comes from the
 * (model_ref, stage, version) index, not from reading the versions.
 */
export async function getModelOverviews(
  db: Knex,
  modelRefs: string[],
  stages: string[],
): Promise<Map<string, ModelOverview>> {
  const unique = [...new Set(modelRefs)];
  const result = new Map<string, ModelOverview>(
    unique.map(ref => [ref, { aliases: [], latestVersions: [], tags: {} }]),
  );
  for (let at = 0; at < unique.length; at += REFS_PER_QUERY) {
    const refs = unique.slice(at, at + REFS_PER_QUERY);
    const newestPerStage = db('model_versions')
      .whereIn('model_ref', refs)
      .whereIn('stage', stages)
      .whereNull('deleted_at')
      .groupBy('model_ref', 'stage')
      .select('model_ref', db.raw('max(version) as version'));
    const [apiModels, aliases, latestRows, tags] = await Promise.all([
      db<ModelRow>('models')
        .whereIn('model_ref', refs)
        .whereNull('deleted_at')
        .where('registered_by_api', true),
      db('model_aliases')
        .join('model_versions', 'model_versions.id', 'model_aliases.version_id')
        .whereIn('model_aliases.model_ref', refs)
        .orderBy(['model_aliases.model_ref', 'model_aliases.alias'])
        .select(
          'model_aliases.model_ref',
          'model_aliases.alias',
          'model_versions.version',
          'model_aliases.updated_by',
          'model_aliases.updated_at',
        ),
      stages.length
        ? db<VersionRow>('model_versions as v')
            .join(newestPerStage.as('n'), join =>
              join
                .on('v.model_ref', 'n.model_ref')
                .andOn('v.version', 'n.version'),
            )
            .orderBy(['v.model_ref', 'v.version'])
            .select('v.*')
        : Promise.resolve([] as VersionRow[]),
      listModelTags(db, refs),
    ]);
    for (const row of apiModels) {
      result.get(row.model_ref)!.apiModel = toApiModel(row);
    }
    for (const row of aliases) {
      result.get(row.model_ref)!.aliases.push({
        alias: row.alias,
        version: Number(row.version),
        updatedBy: row.updated_by,
        updatedAt: toIso(row.updated_at),
      });
    }
    for (const version of await toVersions(db, latestRows as VersionRow[])) {
      result.get(version.modelRef)!.latestVersions.push(version);
    }
    for (const [ref, modelTags] of tags) result.get(ref)!.tags = modelTags;
  }
  return result;
}
