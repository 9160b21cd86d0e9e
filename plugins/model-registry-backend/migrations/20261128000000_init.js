// @ts-check

/**
 * The model registry schema. Forward-only: later changes are new files.
 *
 * - models: one row per model known to the registry, keyed by its lower-cased entity ref.
 *   next_version is the version counter: it only ever grows, so numbers are never reused.
 * - model_versions: soft-deleted (deleted_at), so a deleted number stays taken and its
 *   history stays readable.
 * - model_aliases: FK to the version row; deleting a version deletes its aliases in the
 *   same transaction.
 * - lineage_edges: typed edges from a version to an entity ref or an external URI.
 * - history: append-only log of every change.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('models', table => {
    table.comment('Models known to the registry');
    table.string('model_ref', 255).primary().notNullable();
    table.integer('next_version').notNullable().defaultTo(1);
    table
      .boolean('registered_by_api')
      .notNullable()
      .defaultTo(false)
      .comment('Whether the catalog entity comes from the registry API');
    table
      .text('entity')
      .nullable()
      .comment('JSON entity of an API-registered model');
    table.string('created_by', 255).notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.timestamp('deleted_at', { useTz: true }).nullable();
  });

  await knex.schema.createTable('model_versions', table => {
    table.comment('Versions of models; rows are never removed');
    table.bigIncrements('id').primary();
    table
      .string('model_ref', 255)
      .notNullable()
      .references('model_ref')
      .inTable('models')
      .onDelete('RESTRICT');
    table.integer('version').notNullable();
    table.string('status', 16).notNullable();
    table.string('stage', 63).notNullable();
    table.string('source', 2048).notNullable();
    table.string('run_id', 255).nullable();
    table.string('run_link', 2048).nullable();
    table.string('code_repository', 2048).nullable();
    table.string('code_commit', 255).nullable();
    table.string('framework', 63).nullable();
    table.text('description').nullable();
    table.text('signature').nullable().comment('JSON');
    table
      .text('metrics')
      .notNullable()
      .comment('JSON object of name to number');
    table.text('params').notNullable().comment('JSON object of name to string');
    table.text('card').nullable().comment('JSON model card');
    table.string('idempotency_key', 255).nullable();
    table.string('created_by', 255).notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.string('updated_by', 255).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.timestamp('stage_updated_at', { useTz: true }).notNullable();
    table.string('deleted_by', 255).nullable();
    table.timestamp('deleted_at', { useTz: true }).nullable();
    table.unique(['model_ref', 'version'], {
      indexName: 'model_versions_number_uniq',
    });
    table.unique(['model_ref', 'idempotency_key'], {
      indexName: 'model_versions_idempotency_uniq',
    });
    table.index(['model_ref', 'stage'], 'model_versions_stage_idx');
  });

  await knex.schema.createTable('model_version_tags', table => {
    table.comment('Tags of versions, one row per key');
    table
      .bigInteger('version_id')
      .unsigned()
      .notNullable()
      .references('id')
      .inTable('model_versions')
      .onDelete('CASCADE');
    table.string('key', 250).notNullable();
    table.string('value', 5000).notNullable();
    table.primary(['version_id', 'key']);
    table.index(['key'], 'model_version_tags_key_idx');
  });

  await knex.schema.createTable('model_aliases', table => {
    table.comment('Movable named pointers to versions');
    table
      .string('model_ref', 255)
      .notNullable()
      .references('model_ref')
      .inTable('models')
      .onDelete('RESTRICT');
    table.string('alias', 255).notNullable();
    table
      .bigInteger('version_id')
      .unsigned()
      .notNullable()
      .references('id')
      .inTable('model_versions')
      .onDelete('CASCADE');
    table.string('updated_by', 255).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.primary(['model_ref', 'alias']);
    table.index(['version_id'], 'model_aliases_version_idx');
  });

  await knex.schema.createTable('lineage_edges', table => {
    table.comment(
      'Typed lineage edges from a version to an entity or an external URI',
    );
    table.bigIncrements('id').primary();
    table
      .bigInteger('version_id')
      .unsigned()
      .notNullable()
      .references('id')
      .inTable('model_versions')
      .onDelete('CASCADE');
    table.string('relation', 32).notNullable();
    table.string('target_type', 8).notNullable().comment('entity or uri');
    table
      .string('target', 2048)
      .notNullable()
      .comment('lower-cased entity ref, or URI');
    table
      .integer('target_version')
      .nullable()
      .comment('version of a target MLModel');
    table.string('created_by', 255).notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.index(['version_id'], 'lineage_edges_version_idx');
    table.index(['target', 'relation'], 'lineage_edges_target_idx');
  });

  await knex.schema.createTable('history', table => {
    table.comment('Append-only log of every change');
    table.bigIncrements('id').primary();
    table.string('model_ref', 255).notNullable();
    table.integer('version').nullable();
    table.string('action', 63).notNullable();
    table.string('actor', 255).notNullable();
    table.text('comment').nullable();
    table.text('before').nullable().comment('JSON');
    table.text('after').nullable().comment('JSON');
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.index(['model_ref', 'id'], 'history_model_idx');
    table.index(['model_ref', 'version', 'id'], 'history_version_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('history');
  await knex.schema.dropTable('lineage_edges');
  await knex.schema.dropTable('model_aliases');
  await knex.schema.dropTable('model_version_tags');
  await knex.schema.dropTable('model_versions');
  await knex.schema.dropTable('models');
};
