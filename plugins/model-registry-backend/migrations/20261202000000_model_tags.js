// @ts-check

/**
 * - model_tags: key/value tags of a model as a whole (MLflow's registered-model tags), one
 *   row per (model, key). Changes are recorded in history like every other change.
 * - model_versions: an index on run_id, for MLflow's search of the versions of a run.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('model_tags', table => {
    table.comment('Tags of a model (not of one version)');
    table.string('model_ref', 255).notNullable();
    table.string('key', 250).notNullable();
    table.text('value').notNullable();
    table.string('updated_by', 255).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.primary(['model_ref', 'key']);
  });
  await knex.schema.alterTable('model_versions', table => {
    table.index(['run_id'], 'model_versions_run_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('model_versions', table => {
    table.dropIndex(['run_id'], 'model_versions_run_idx');
  });
  await knex.schema.dropTable('model_tags');
};
