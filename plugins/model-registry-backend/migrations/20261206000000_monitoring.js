// @ts-check

/**
 * Monitoring hooks (issue 11):
 * - registry_monitoring_observations: observations per version and metric reported by
 *   monitoring tools, a bounded series (the oldest beyond the limit are removed).
 * - registry_monitoring_thresholds: a model's thresholds set through the API, per metric.
 * - registry_monitoring_alerts: an alert per version and metric while it breaches; at most
 *   one open at a time (a partial unique index, so replicas racing open one).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('registry_monitoring_observations', table => {
    table.comment('Monitoring observations of model versions');
    table.bigIncrements('id').primary();
    table.string('model_ref', 255).notNullable();
    table.integer('version').notNullable();
    table.string('metric', 128).notNullable();
    table.double('value').notNullable();
    table.timestamp('window_start', { useTz: true }).nullable();
    table.timestamp('window_end', { useTz: true }).nullable();
    table.string('source', 255).nullable();
    table.timestamp('observed_at', { useTz: true }).notNullable();
    table.string('reported_by', 255).notNullable();
    table.index(
      ['model_ref', 'version', 'metric', 'id'],
      'registry_monitoring_observations_series_idx',
    );
  });
  await knex.schema.createTable('registry_monitoring_thresholds', table => {
    table.comment('Monitoring thresholds of models, per metric');
    table.string('model_ref', 255).notNullable();
    table.string('metric', 128).notNullable();
    table.double('min').nullable();
    table.double('max').nullable();
    table.string('updated_by', 255).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.primary(['model_ref', 'metric']);
  });
  await knex.schema.createTable('registry_monitoring_alerts', table => {
    table.comment('Monitoring alerts of model versions');
    table.bigIncrements('id').primary();
    table.string('model_ref', 255).notNullable();
    table.integer('version').notNullable();
    table.string('metric', 128).notNullable();
    table.string('status', 16).notNullable();
    table.double('value').nullable();
    table.double('last_value').nullable();
    table.timestamp('last_observed_at', { useTz: true }).notNullable();
    table.double('min').nullable();
    table.double('max').nullable();
    table.string('source', 255).nullable();
    table.text('summary').nullable();
    table.timestamp('opened_at', { useTz: true }).notNullable();
    table.timestamp('resolved_at', { useTz: true }).nullable();
    table.index(
      ['model_ref', 'status'],
      'registry_monitoring_alerts_model_idx',
    );
  });
  await knex.raw(
    `CREATE UNIQUE INDEX registry_monitoring_alerts_open_uniq
       ON registry_monitoring_alerts (model_ref, version, metric)
       WHERE status = 'open'`,
  );
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('registry_monitoring_alerts');
  await knex.schema.dropTable('registry_monitoring_thresholds');
  await knex.schema.dropTable('registry_monitoring_observations');
};
