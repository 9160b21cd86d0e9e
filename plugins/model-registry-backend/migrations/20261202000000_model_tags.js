// @ts-check

/**
 * - model_tags: key/value tags of a model as a whole (MLflow's registered-model tags), one
 *   row per (model, key). Changes are recorded in history like every other change.
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
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('model_tags');
};
