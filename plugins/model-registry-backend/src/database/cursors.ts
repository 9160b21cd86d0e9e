import { InputError } from '@backstage/errors';
import { Knex } from 'knex';
import { createHmac, timingSafeEqual } from 'node:crypto';

/** The name of the cursor signing key's row in model_registry_secrets. */
const CURSOR_KEY_NAME = 'cursor-signing-key';

const INVALID = 'cursor is not a valid cursor of this list';

/**
 * Makes and reads the opaque cursors of every list: the JSON of the list's kind and its
 * keyset position, signed with HMAC-SHA256 under a key that every replica shares. An edited,
 * truncated or foreign cursor (one of another list) is an InputError.
 */
export class CursorCodec {
  /** Loads the signing key that the migrations stored in model_registry_secrets. */
  static async load(db: Knex): Promise<CursorCodec> {
    const row = await db('model_registry_secrets')
      .where({ name: CURSOR_KEY_NAME })
      .first('value');
    if (!row) {
      throw new Error(
        `model_registry_secrets has no ${CURSOR_KEY_NAME}; run the registry's migrations`,
      );
    }
    return new CursorCodec(Buffer.from(String(row.value), 'base64'));
  }

  constructor(private readonly key: Buffer) {
    if (key.length < 32) {
      throw new Error('the cursor signing key must be at least 32 bytes');
    }
  }

  /** A signed cursor of the list `kind` at the position `payload`. */
  encode(kind: string, payload: Record<string, unknown>): string {
    const body = Buffer.from(JSON.stringify({ k: kind, p: payload })).toString(
      'base64url',
    );
    return `${body}.${this.sign(body).toString('base64url')}`;
  }

  /**
   * The position in a cursor made by encode for the same kind; `check` validates its shape.
   * Anything else is an InputError.
   */
  decode<T extends Record<string, unknown>>(
    kind: string,
    cursor: string,
    check: (value: Record<string, unknown>) => boolean,
  ): T {
    const [body, signature, ...rest] = String(cursor).split('.');
    if (!body || !signature || rest.length) {
      throw new InputError(INVALID);
    }
    const expected = this.sign(body);
    const given = Buffer.from(signature, 'base64url');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new InputError(INVALID);
    }
    let value: unknown;
    try {
      value = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
    } catch {
      throw new InputError(INVALID);
    }
    const { k, p } = (value ?? {}) as { k?: unknown; p?: unknown };
    if (
      k !== kind ||
      typeof p !== 'object' ||
      p === null ||
      Array.isArray(p) ||
      !check(p as Record<string, unknown>)
    ) {
      throw new InputError(INVALID);
    }
    return p as T;
  }

  private sign(body: string): Buffer {
    return createHmac('sha256', this.key).update(body).digest();
  }
}
