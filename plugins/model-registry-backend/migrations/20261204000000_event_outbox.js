// @ts-check

/**
 * - registry_events: the outbox of registry events (issue 11). Every history entry writes
 *   one event row in the same transaction as the change; a dispatcher publishes the rows in
 *   id order and marks them dispatched. `event_id` is the stable id receivers deduplicate
 *   on (delivery is at-least-once).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('registry_events', table => {
    table.comment('Outbox of registry events, written with each change');
    table.bigIncrements('id').primary();
    table.string('event_id', 36).notNullable().unique();
    table.string('type', 64).notNullable();
    table.string('model_ref', 255).notNullable();
    table.integer('version').nullable();
    table.text('payload').notNullable();
    table.timestamp('created_at', { useTz: true }).notNullable();
    table.timestamp('dispatched_at', { useTz: true }).nullable();
    table.integer('attempts').notNullable().defaultTo(0);
    table.timestamp('next_attempt_at', { useTz: true }).notNullable();
    table.text('last_error').nullable();
    table.index(
      ['dispatched_at', 'next_attempt_at'],
      'registry_events_pending_idx',
    );
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('registry_events');
};
