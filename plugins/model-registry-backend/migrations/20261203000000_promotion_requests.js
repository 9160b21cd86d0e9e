// @ts-check

/**
 * Governed promotion (issue 10):
 * - promotion_requests: a request to move a version into a stage that needs approvals. While
 *   it is open, `open_key` is "<model_ref> <version> <stage>" and unique, so a version has
 *   at most one open request per stage on every replica; closing a request clears it.
 * - promotion_decisions: one approval or rejection per (request, user).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('promotion_requests', table => {
    table.comment(
      'Requests to promote a version into a stage that needs approvals',
    );
    table.increments('id').primary();
    table.string('model_ref', 255).notNullable();
    table.integer('version').notNullable();
    table.string('stage', 63).notNullable();
    table
      .string('status', 16)
      .notNullable()
      .comment('open, executed, rejected, cancelled or expired');
    table.string('requested_by', 255).notNullable();
    table.text('comment').nullable();
    table.integer('required_approvals').notNullable();
    table
      .string('move_alias', 255)
      .nullable()
      .comment('An alias the executed promotion points at the version');
    table
      .text('gate_results')
      .nullable()
      .comment('JSON, at the time of the request');
    table.string('open_key', 400).nullable().unique({
      indexName: 'promotion_requests_open_uniq',
    });
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.timestamp('expires_at', { useTz: true }).nullable();
    table.timestamp('closed_at', { useTz: true }).nullable();
    table.string('closed_by', 255).nullable();
    table.index(['model_ref', 'id'], 'promotion_requests_model_idx');
    table.index(['status', 'id'], 'promotion_requests_status_idx');
  });
  await knex.schema.createTable('promotion_decisions', table => {
    table.comment('Approvals and rejections of promotion requests');
    table
      .integer('request_id')
      .unsigned()
      .notNullable()
      .references('id')
      .inTable('promotion_requests')
      .onDelete('CASCADE');
    table.string('decided_by', 255).notNullable();
    table.string('decision', 8).notNullable().comment('approve or reject');
    table.text('comment').nullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.primary(['request_id', 'decided_by']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('promotion_decisions');
  await knex.schema.dropTable('promotion_requests');
};
