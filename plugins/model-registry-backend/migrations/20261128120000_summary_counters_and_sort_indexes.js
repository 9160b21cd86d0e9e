// @ts-check

/**
 * Keeps each model's live version count and latest version on its row (maintained in the
 * same transactions that register and delete versions), so that listing models reads one
 * row per model instead of counting all of its versions; and indexes the version sorts and
 * the downstream lineage lookup. See docs/benchmarks.md.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('models', table => {
    table
      .integer('live_version_count')
      .notNullable()
      .defaultTo(0)
      .comment('Versions that are not deleted');
    table
      .integer('latest_version')
      .nullable()
      .comment('The highest version number that is not deleted');
  });
  await knex('models').update({
    live_version_count: knex('model_versions')
      .count('*')
      .where('model_versions.model_ref', knex.ref('models.model_ref'))
      .whereNull('model_versions.deleted_at'),
    latest_version: knex('model_versions')
      .max('version')
      .where('model_versions.model_ref', knex.ref('models.model_ref'))
      .whereNull('model_versions.deleted_at'),
  });
  await knex.schema.alterTable('model_versions', table => {
    table.index(
      ['model_ref', 'created_at', 'version'],
      'model_versions_created_idx',
    );
    table.index(
      ['model_ref', 'updated_at', 'version'],
      'model_versions_updated_idx',
    );
    table.index(
      ['model_ref', 'status', 'version'],
      'model_versions_status_idx',
    );
    table.index(
      ['model_ref', 'stage', 'version'],
      'model_versions_stage_version_idx',
    );
  });
  await knex.schema.alterTable('lineage_edges', table => {
    table.index(
      ['target', 'target_version'],
      'lineage_edges_target_version_idx',
    );
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('lineage_edges', table => {
    table.dropIndex([], 'lineage_edges_target_version_idx');
  });
  await knex.schema.alterTable('model_versions', table => {
    table.dropIndex([], 'model_versions_created_idx');
    table.dropIndex([], 'model_versions_updated_idx');
    table.dropIndex([], 'model_versions_status_idx');
    table.dropIndex([], 'model_versions_stage_version_idx');
  });
  await knex.schema.alterTable('models', table => {
    table.dropColumn('live_version_count');
    table.dropColumn('latest_version');
  });
};
