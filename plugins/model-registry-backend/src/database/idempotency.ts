import { ConflictError, CustomErrorBase } from '@backstage/errors';
import { Knex } from 'knex';
import { createHash } from 'node:crypto';
import { NewModelVersion } from './ModelRegistryStore';
import { VersionRow } from './rows';

/**
 * An idempotency key was used again by the same caller with a different request body.
 * The router answers it with 422.
 */
export class IdempotencyKeyReusedError extends CustomErrorBase {
  name = 'IdempotencyKeyReusedError' as const;
}

/** JSON with the keys of every object in code-point order, so equal values give equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) {
    return `[${value.map(v => canonicalJson(v ?? null)).join(',')}]`;
  }
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : Number(a > b)));
    return `{${entries
      .map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** The SHA-256 (hex) of a registration's canonical JSON, kept with its idempotency key. */
export function registrationHash(input: NewModelVersion): string {
  return createHash('sha256').update(canonicalJson(input)).digest('hex');
}

/**
 * The version this caller registered earlier with this key, when the body is the same.
 * A different body is an IdempotencyKeyReusedError; a deleted version a ConflictError.
 */
export async function findByIdempotencyKey(
  db: Knex,
  modelRef: string,
  key: { key: string; actor: string; hash: string },
): Promise<VersionRow | undefined> {
  const row = await db<VersionRow>('model_versions')
    .where({
      model_ref: modelRef,
      idempotency_actor: key.actor,
      idempotency_key: key.key,
    })
    .first();
  if (!row) {
    return undefined;
  }
  // Rows stored before the hash was kept have none: their retries are answered as before.
  if (row.idempotency_hash && row.idempotency_hash !== key.hash) {
    throw new IdempotencyKeyReusedError(
      `the idempotency key was used with a different request body (version ${row.version} of ${modelRef}); use a new key for a new version`,
    );
  }
  if (row.deleted_at) {
    throw new ConflictError(
      `version ${row.version} of ${modelRef}, registered with this idempotency key, was deleted`,
    );
  }
  return row;
}
