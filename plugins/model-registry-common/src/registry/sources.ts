import { Config } from '@backstage/config';

/** URI schemes accepted for version sources when config sets none. @public */
export const DEFAULT_SOURCE_SCHEMES = [
  's3',
  'gs',
  'abfss',
  'wasbs',
  'hf',
  'models',
  'runs',
  'mlflow-artifacts',
  'https',
];

/** Schemes that can never be allowed: they name local files or run code. @public */
export const FORBIDDEN_SOURCE_SCHEMES = ['file', 'data', 'javascript', 'blob'];

/**
 * MLflow's own URI schemes whose canonical form has a path but no authority
 * (`models:/fraud-detector/3`, `runs:/<run id>/model`); every other scheme needs one.
 * @public
 */
export const PATH_ONLY_SOURCE_SCHEMES = ['models', 'runs', 'mlflow-artifacts'];

/** The longest accepted source URI. @public */
export const MAX_SOURCE_LENGTH = 2048;

const SCHEME = /^([a-z][a-z0-9+.-]*):/i;

/** Decodes percent-escapes repeatedly (catching double encoding such as %252e). */
function fullyDecode(value: string): string | undefined {
  let current = value;
  for (let i = 0; i < 5; i++) {
    let next: string;
    try {
      next = decodeURIComponent(current);
    } catch {
      return undefined;
    }
    if (next === current) {
      return current;
    }
    current = next;
  }
  return undefined;
}

/**
 * Returns why a version source URI is unsafe or not allowed, or undefined when it is fine.
 * Only absolute URIs with an allowed scheme pass; local files, relative paths, `..`
 * segments (also percent-encoded, once or more), backslashes, `;` parameters, `#` fragments,
 * whitespace and control characters are rejected.
 * @public
 */
export function checkSourceUri(
  uri: unknown,
  allowedSchemes: readonly string[] = DEFAULT_SOURCE_SCHEMES,
  options: {
    /** Lineage links may point into a page (`https://tracking/#/runs/1`); sources may not. */
    allowFragment?: boolean;
  } = {},
): string | undefined {
  if (typeof uri !== 'string' || uri.length === 0) {
    return 'must be a non-empty URI';
  }
  const hash = options.allowFragment ? uri.indexOf('#') : -1;
  const source = hash < 0 ? uri : uri.slice(0, hash);
  const fragment = hash < 0 ? '' : uri.slice(hash + 1);
  // eslint-disable-next-line no-control-regex
  if (/[\s\u0000-\u001f\u007f]/.test(fragment)) {
    return 'must not contain whitespace or control characters';
  }
  if (uri.length > MAX_SOURCE_LENGTH) {
    return `must be at most ${MAX_SOURCE_LENGTH} characters`;
  }
  const decoded = fullyDecode(source);
  if (decoded === undefined) {
    return 'has malformed or too deeply nested percent-encoding';
  }
  // eslint-disable-next-line no-control-regex
  if (/[\s\u0000-\u001f\u007f]/.test(decoded)) {
    return 'must not contain whitespace or control characters';
  }
  if (decoded.includes('\\')) {
    return 'must not contain backslashes';
  }
  if (decoded.includes(';')) {
    return 'must not contain ";" parameters';
  }
  if (decoded.includes('#')) {
    return 'must not contain a "#" fragment';
  }
  if (
    decoded.split(/[/?]/).some(segment => segment === '..' || segment === '.')
  ) {
    return 'must not contain "." or ".." path segments';
  }
  const scheme = SCHEME.exec(source)?.[1]?.toLowerCase();
  if (!scheme) {
    return `must be an absolute URI with one of the schemes ${allowedSchemes.join(
      ', ',
    )}; local and relative paths are not accepted`;
  }
  if (
    FORBIDDEN_SOURCE_SCHEMES.includes(scheme) ||
    !allowedSchemes.includes(scheme)
  ) {
    return `has the scheme "${scheme}:", which is not allowed (allowed: ${allowedSchemes.join(
      ', ',
    )})`;
  }
  const rest = source.slice(scheme.length + 1);
  if (rest.replace(/^\/+/, '').length === 0) {
    return 'must name a location after the scheme';
  }
  if (!PATH_ONLY_SOURCE_SCHEMES.includes(scheme) || rest.startsWith('//')) {
    const authority = /^\/\/([^/?]*)/.exec(rest)?.[1];
    if (!authority) {
      return `must have an authority after the scheme, such as ${scheme}://bucket/path`;
    }
    if (authority.includes('@')) {
      return 'must not contain credentials (user:password@); the registry stores and shows it';
    }
  }
  return undefined;
}

/** Reads `modelRegistry.sources.allowedSchemes`, refusing forbidden schemes. @public */
export function readAllowedSourceSchemes(config: Config): string[] {
  const schemes = config.getOptionalStringArray(
    'modelRegistry.sources.allowedSchemes',
  );
  if (!schemes) {
    return DEFAULT_SOURCE_SCHEMES;
  }
  return schemes.map(s => {
    const scheme = s.replace(/:$/, '').toLowerCase();
    if (FORBIDDEN_SOURCE_SCHEMES.includes(scheme)) {
      throw new Error(
        `modelRegistry.sources.allowedSchemes must not contain "${scheme}": it can name local files or run code`,
      );
    }
    return scheme;
  });
}
