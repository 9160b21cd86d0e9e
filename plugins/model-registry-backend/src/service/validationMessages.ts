import { InputError } from '@backstage/errors';
import { NextFunction, Request, Response } from 'express';

/** `request/body/lineage/0/uri` → `lineage[0].uri`; `request/query/limit` → `limit`. */
function fieldOf(pointer: string): string {
  const parts = pointer
    .replace(/^request\/(body|query|params|headers|path)\/?/, '')
    .split('/')
    .filter(Boolean);
  return parts.reduce((path, part) => {
    if (/^\d+$/.test(part)) return `${path}[${part}]`;
    return path ? `${path}.${part}` : part;
  }, '');
}

const WORDINGS: Array<[RegExp, (...m: string[]) => string]> = [
  [/^must be <= (\S+)$/, n => `must be at most ${n}`],
  [/^must be >= (\S+)$/, n => `must be at least ${n}`],
  [
    /^must NOT have more than (\d+) (\w+)$/,
    (n, what) => `must have at most ${n} ${what}`,
  ],
  [
    /^must NOT have fewer than (\d+) (\w+)$/,
    (n, what) => `must have at least ${n} ${what}`,
  ],
  [
    /^must be equal to one of the allowed values: (.*)$/,
    v => `must be one of ${v}`,
  ],
  [
    /^must be (integer|number|string|boolean|object|array)$/,
    t => `must be ${/^[aeiou]/.test(t) ? 'an' : 'a'} ${t}`,
  ],
];

function reword(message: string): string {
  return message
    .split(/,\s(?=request\/)/)
    .map(part => {
      const required =
        /^(request\/\S*) must have required property '([^']+)'$/.exec(part);
      if (required) {
        const parent = fieldOf(required[1]);
        return `${parent ? `${parent}.` : ''}${required[2]} is required`;
      }
      const match = /^(request\/\S+) (must .*)$/.exec(part);
      if (!match) return part;
      const field = fieldOf(match[1]);
      let rule = match[2];
      for (const [pattern, wording] of WORDINGS) {
        const m = pattern.exec(rule);
        if (m) {
          rule = wording(...m.slice(1));
          break;
        }
      }
      return field ? `${field} ${rule}` : `request body ${rule}`;
    })
    .join('; ');
}

/**
 * Rewrites the OpenAPI validator's messages (`request/body/tags/k must NOT have more than
 * 5000 characters`) into the registry's wording, which names the field as the rest of the
 * API does (`tags.k must have at most 5000 characters`). Mounted right after the validator.
 */
export function rewordValidationErrors() {
  return (error: Error, _req: Request, _res: Response, next: NextFunction) => {
    if (error?.name === 'InputError' && /request\//.test(error.message)) {
      next(new InputError(reword(error.message)));
      return;
    }
    next(error);
  };
}
