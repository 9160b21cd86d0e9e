import { InputError } from '@backstage/errors';

/** Encodes a keyset position as an opaque cursor. */
export function encodeCursor(position: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(position), 'utf8').toString('base64url');
}

/** Decodes a cursor made by encodeCursor; a tampered or foreign one is a 400. */
export function decodeCursor<T extends Record<string, unknown>>(
  cursor: string,
  check: (value: Record<string, unknown>) => boolean,
): T {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InputError('cursor is not a valid cursor of this list');
  }
  if (
    typeof value !== 'object' ||
    value === null ||
    !check(value as Record<string, unknown>)
  ) {
    throw new InputError('cursor is not a valid cursor of this list');
  }
  return value as T;
}
