import { InputError } from '@backstage/errors';

/** The highest version number the store keeps (PostgreSQL's integer). */
export const MAX_VERSION_NUMBER = 2_147_483_647;

/**
 * Whether a version argument can name a stored version. Anything else must never reach
 * the database as a parameter: PostgreSQL fails on an integer out of range (a 500).
 */
export function isVersionNumber(version: unknown): version is number {
  return (
    typeof version === 'number' &&
    Number.isInteger(version) &&
    version >= 1 &&
    version <= MAX_VERSION_NUMBER
  );
}

/** The version argument of a mutation: an InputError naming the field when out of range. */
export function requireVersionNumber(
  version: unknown,
  field = 'version',
): number {
  if (!isVersionNumber(version)) {
    throw new InputError(
      `${field} must be an integer from 1 to ${MAX_VERSION_NUMBER}`,
    );
  }
  return version;
}
