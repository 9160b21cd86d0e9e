import { Config } from '@backstage/config';

/** The default naming rule: lower-case kebab-case, 3 to 63 characters. @public */
export const DEFAULT_MODEL_NAME_PATTERN =
  '^(?=.{3,63}$)[a-z0-9]+(?:-[a-z0-9]+)*$';

const DEFAULT_MODEL_NAME_DESCRIPTION =
  'lower-case letters, digits and single hyphens, 3 to 63 characters, starting and ending with a letter or digit';

/** The rule every model name must follow, in the catalog, the API, the scaffolder and the form. @public */
export interface ModelNamingRule {
  /** The source of the regular expression. */
  pattern: string;
  /** What the rule asks for, in words. */
  description: string;
  /** Returns why the name breaks the rule, or undefined when it follows it. */
  check(name: string): string | undefined;
}

/**
 * Creates the naming rule from a pattern (matched against the whole name) and its description.
 * Throws when the pattern is not a valid regular expression.
 * @public
 */
export function createModelNamingRule(options?: {
  pattern?: string;
  description?: string;
}): ModelNamingRule {
  const pattern = options?.pattern ?? DEFAULT_MODEL_NAME_PATTERN;
  const description =
    options?.description ??
    (options?.pattern
      ? `a name matching ${pattern}`
      : DEFAULT_MODEL_NAME_DESCRIPTION);
  let regex: RegExp;
  try {
    regex = new RegExp(pattern, 'u');
  } catch (error) {
    throw new Error(
      `modelRegistry.naming.pattern is not a valid regular expression: ${
        (error as Error).message
      }`,
    );
  }
  return {
    pattern,
    description,
    check(name: string) {
      const match = regex.exec(name);
      // The pattern must cover the whole name, anchored or not.
      if (match && match.index === 0 && match[0].length === name.length) {
        return undefined;
      }
      return `"${name}" does not follow the model naming rule: ${description}`;
    },
  };
}

/** Reads the naming rule from `modelRegistry.naming` in app-config. @public */
export function readModelNamingRule(config: Config): ModelNamingRule {
  return createModelNamingRule({
    pattern: config.getOptionalString('modelRegistry.naming.pattern'),
    description: config.getOptionalString('modelRegistry.naming.description'),
  });
}
