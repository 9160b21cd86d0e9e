import { InputError } from '@backstage/errors';
import { NextFunction, Request, Response } from 'express';

type Schema = {
  $ref?: string;
  type?: string | string[];
  additionalProperties?: unknown;
  properties?: Record<string, Schema>;
  items?: Schema;
  oneOf?: Schema[];
};

type Parameter = { $ref?: string; name: string; in: string; schema?: Schema };

type Spec = {
  paths: Record<string, Record<string, any>>;
  components?: {
    schemas?: Record<string, Schema>;
    parameters?: Record<string, Parameter>;
  };
};

/** A canonical decimal integer: no sign, no leading zero, no exponent or fraction. */
const CANONICAL_INTEGER = /^(0|[1-9][0-9]*)$/;

/** The dotted path of a field, as error messages name it: `card.license`, `lineage[0].uri`. */
export function fieldPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return parent ? `${parent}.${key}` : key;
}

function resolveRef<T extends { $ref?: string }>(spec: Spec, value: T): T {
  if (!value?.$ref) return value;
  const [, , section, name] = value.$ref.split('/');
  const target = (spec.components as any)?.[section]?.[name];
  return target ? resolveRef(spec, target) : value;
}

function isType(schema: Schema, type: string) {
  return Array.isArray(schema.type)
    ? schema.type.includes(type)
    : schema.type === type;
}

/** The names of fields in `value` that `schema` does not declare, at any depth. */
function unknownFields(
  spec: Spec,
  raw: Schema | undefined,
  value: unknown,
  at: string,
  found: string[],
) {
  if (!raw || value === null || typeof value !== 'object') return;
  const schema = resolveRef(spec, raw);
  if (schema.oneOf) {
    // e.g. `Code | null`: check against the object branch
    const branch = schema.oneOf
      .map(s => resolveRef(spec, s))
      .find(s => isType(s, Array.isArray(value) ? 'array' : 'object'));
    unknownFields(spec, branch, value, at, found);
    return;
  }
  if (Array.isArray(value)) {
    if (schema.items) {
      value.forEach((item, i) =>
        unknownFields(spec, schema.items, item, fieldPath(at, i), found),
      );
    }
    return;
  }
  const record = value as Record<string, unknown>;
  for (const [key, child] of Object.entries(record)) {
    const declared = schema.properties?.[key];
    if (declared) {
      unknownFields(spec, declared, child, fieldPath(at, key), found);
    } else if (schema.additionalProperties === false) {
      found.push(fieldPath(at, key));
    } else if (
      typeof schema.additionalProperties === 'object' &&
      schema.additionalProperties !== null
    ) {
      unknownFields(
        spec,
        schema.additionalProperties as Schema,
        child,
        fieldPath(at, key),
        found,
      );
    }
  }
}

/**
 * Request rules the OpenAPI validator does not apply as the document means them, driven by
 * the same document: (1) integer path and query parameters are canonical decimal integers
 * (the validator coerces `01`, `1e2`, `+2`, `0x10`); (2) an unknown field of a closed object,
 * at any depth, is named (the validator says only "must NOT have additional properties").
 */
export function specRequestRules(spec: Spec) {
  const routes = Object.entries(spec.paths).map(([template, operations]) => {
    const names: string[] = [];
    const pattern = new RegExp(
      `^${template.replace(/\{([^}]+)\}/g, (_, name) => {
        names.push(name);
        return '([^/]+)';
      })}$`,
    );
    return { pattern, names, operations };
  });
  return (req: Request, _res: Response, next: NextFunction) => {
    const route = routes.find(r => r.pattern.test(req.path));
    const operation = route?.operations[req.method.toLowerCase()];
    if (!route || !operation) {
      next();
      return;
    }
    const match = route.pattern.exec(req.path)!;
    const pathValues = Object.fromEntries(
      route.names.map((name, i) => [name, match[i + 1]]),
    );
    const parameters: Parameter[] = [
      ...(route.operations.parameters ?? []),
      ...(operation.parameters ?? []),
    ].map(p => resolveRef(spec, p));
    for (const parameter of parameters) {
      const schema = parameter.schema && resolveRef(spec, parameter.schema);
      if (!schema || !isType(schema, 'integer')) continue;
      let raw: unknown;
      if (parameter.in === 'path') raw = pathValues[parameter.name];
      if (parameter.in === 'query') raw = req.query[parameter.name];
      if (raw === undefined) continue;
      if (typeof raw !== 'string' || !CANONICAL_INTEGER.test(raw)) {
        next(
          new InputError(
            `${parameter.name} must be a decimal integer without sign, leading zeros, exponent or fraction`,
          ),
        );
        return;
      }
    }
    const body = req.body;
    const bodySchema =
      operation.requestBody?.content?.['application/json']?.schema;
    if (body && typeof body === 'object' && bodySchema) {
      const found: string[] = [];
      unknownFields(spec, bodySchema, body, '', found);
      if (found.length) {
        next(
          new InputError(
            found.map(field => `${field} is not a known field`).join('; '),
          ),
        );
        return;
      }
    }
    next();
  };
}
