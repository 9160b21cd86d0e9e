import { Config } from '@backstage/config';

/** The longest alias name, as in MLflow. @public */
export const MAX_ALIAS_LENGTH = 255;

const ALIAS_NAME = /^[A-Za-z0-9_-]+$/;
const VERSION_LIKE = /^v\d+$/i;

/**
 * Returns why an alias name breaks MLflow's rules, or undefined when it is valid:
 * letters, digits, `_` and `-` only, at most 255 characters, and neither `latest` nor
 * `v<digits>` (reserved so that aliases never shadow version references).
 * @public
 */
export function checkAliasName(alias: unknown): string | undefined {
  if (typeof alias !== 'string' || alias.length === 0) {
    return 'must be a non-empty string';
  }
  if (alias.length > MAX_ALIAS_LENGTH) {
    return `must be at most ${MAX_ALIAS_LENGTH} characters`;
  }
  if (!ALIAS_NAME.test(alias)) {
    return 'may contain only letters, digits, "_" and "-"';
  }
  if (alias.toLowerCase() === 'latest') {
    return '"latest" is reserved';
  }
  if (VERSION_LIKE.test(alias)) {
    return `"${alias}" is reserved: aliases of the form v<digits> would shadow version numbers`;
  }
  return undefined;
}

/**
 * The protected aliases (`modelRegistry.aliases.protected`, e.g. `[champion]`): they move
 * only with model-registry.alias.protected or with an approved promotion request. Config
 * errors name the key.
 * @public
 */
export function readProtectedAliases(config: Config): string[] {
  const aliases =
    config.getOptionalStringArray('modelRegistry.aliases.protected') ?? [];
  for (const alias of aliases) {
    const problem = checkAliasName(alias);
    if (problem) {
      throw new Error(`modelRegistry.aliases.protected: "${alias}" ${problem}`);
    }
  }
  return aliases;
}
