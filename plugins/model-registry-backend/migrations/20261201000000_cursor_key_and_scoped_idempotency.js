// @ts-check

const { randomBytes } = require('node:crypto');

/**
 * - model_registry_secrets: values every replica must share. One row now: the key that
 *   signs the list cursors (HMAC-SHA256), created here once with 32 random bytes. The
 *   insert ignores an existing row, so a second run (or a racing replica) keeps the first.
 * - model_versions: an idempotency key is scoped to its caller (idempotency_actor) and
 *   remembers the SHA-256 of the request body it was used with (idempotency_hash). Rows
 *   stored earlier get their creator as the actor and no hash (a retry with their key is
 *   answered with the stored version, as before).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('model_registry_secrets', table => {
    table.comment('Secrets shared by every replica of the registry');
    table.string('name', 63).primary().notNullable();
    table.text('value').notNullable().comment('base64');
    table.timestamp('created_at', { useTz: true }).notNullable();
  });
  await knex('model_registry_secrets')
    .insert({
      name: 'cursor-signing-key',
      value: randomBytes(32).toString('base64'),
      created_at: new Date(),
    })
    .onConflict('name')
    .ignore();

  await knex.schema.alterTable('model_versions', table => {
    table
      .string('idempotency_actor', 255)
      .nullable()
      .comment('Who registered the version with idempotency_key');
    table
      .string('idempotency_hash', 64)
      .nullable()
      .comment('SHA-256 (hex) of the canonical JSON of the registration');
  });
  await knex('model_versions')
    .whereNotNull('idempotency_key')
    .update({ idempotency_actor: knex.ref('created_by') });
  await knex.schema.alterTable('model_versions', table => {
    table.dropUnique([], 'model_versions_idempotency_uniq');
  });
  await knex.schema.alterTable('model_versions', table => {
    table.unique(['model_ref', 'idempotency_actor', 'idempotency_key'], {
      indexName: 'model_versions_idempotency_actor_uniq',
    });
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('model_versions', table => {
    table.dropUnique([], 'model_versions_idempotency_actor_uniq');
  });
  await knex.schema.alterTable('model_versions', table => {
    table.unique(['model_ref', 'idempotency_key'], {
      indexName: 'model_versions_idempotency_uniq',
    });
    table.dropColumn('idempotency_actor');
    table.dropColumn('idempotency_hash');
  });
  await knex.schema.dropTable('model_registry_secrets');
};
