// @ts-check

/**
 * Webhooks (issue 11):
 * - registry_webhooks: subscriptions (URL, event types, optional model, payload format,
 *   signing secret). The secret is returned once, when the subscription is created.
 * - registry_webhook_deliveries: one row per subscription and event, written when the
 *   outbox dispatches the event (unique per subscription and event id). A replica claims a
 *   due delivery with a lease (lease_token, lease_until) before it posts it, so two
 *   replicas never post the same delivery at once.
 * - registry_webhook_attempts: the delivery log, one row per attempt (status code,
 *   latency, error, the start of the response body).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('registry_webhooks', table => {
    table.comment('Webhook subscriptions of the model registry');
    table.string('id', 36).primary();
    table.text('url').notNullable();
    table.text('description').nullable();
    table.text('events').notNullable();
    table.string('model_ref', 255).nullable();
    table.string('format', 16).notNullable();
    table.text('secret').notNullable();
    table.boolean('enabled').notNullable().defaultTo(true);
    table.string('created_by', 255).notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
  });
  await knex.schema.createTable('registry_webhook_deliveries', table => {
    table.comment('One delivery of one registry event to one webhook');
    table.bigIncrements('id').primary();
    table.string('delivery_id', 36).notNullable().unique();
    table
      .string('webhook_id', 36)
      .notNullable()
      .references('id')
      .inTable('registry_webhooks')
      .onDelete('CASCADE');
    table.string('event_id', 36).notNullable();
    table.string('event_type', 64).notNullable();
    table.string('model_ref', 255).notNullable();
    table.string('status', 16).notNullable();
    table.integer('attempts').notNullable().defaultTo(0);
    table.timestamp('next_attempt_at', { useTz: true }).notNullable();
    table.string('lease_token', 36).nullable();
    table.timestamp('lease_until', { useTz: true }).nullable();
    table.integer('last_status_code').nullable();
    table.text('last_error').nullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('delivered_at', { useTz: true }).nullable();
    table.unique(['webhook_id', 'event_id'], {
      indexName: 'registry_webhook_deliveries_event_uniq',
    });
    table.index(
      ['status', 'next_attempt_at'],
      'registry_webhook_deliveries_due_idx',
    );
  });
  await knex.schema.createTable('registry_webhook_attempts', table => {
    table.comment('The delivery log: one row per attempt');
    table.bigIncrements('id').primary();
    table
      .bigInteger('delivery_row_id')
      .notNullable()
      .references('id')
      .inTable('registry_webhook_deliveries')
      .onDelete('CASCADE');
    table.integer('attempt').notNullable();
    table.timestamp('started_at', { useTz: true }).notNullable();
    table.integer('duration_ms').notNullable();
    table.integer('status_code').nullable();
    table.text('error').nullable();
    table.text('response_excerpt').nullable();
    table.index(['delivery_row_id'], 'registry_webhook_attempts_delivery_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('registry_webhook_attempts');
  await knex.schema.dropTable('registry_webhook_deliveries');
  await knex.schema.dropTable('registry_webhooks');
};
