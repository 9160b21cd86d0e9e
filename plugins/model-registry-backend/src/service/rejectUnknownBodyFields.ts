import { InputError } from '@backstage/errors';
import { NextFunction, Request, Response } from 'express';

type Schema = {
  $ref?: string;
  additionalProperties?: unknown;
  properties?: Record<string, unknown>;
};

type Spec = {
  paths: Record<string, Record<string, any>>;
  components?: { schemas?: Record<string, Schema> };
};

/**
 * The OpenAPI validator reports an unknown body field as "request/body must NOT have
 * additional properties" without saying which; this middleware runs first and names it.
 */
export function rejectUnknownBodyFields(spec: Spec) {
  const routes = Object.entries(spec.paths).map(([template, operations]) => ({
    pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
    operations,
  }));
  const resolve = (schema: Schema | undefined): Schema | undefined => {
    if (schema?.$ref) {
      const name = schema.$ref.replace('#/components/schemas/', '');
      return spec.components?.schemas?.[name];
    }
    return schema;
  };
  return (req: Request, _res: Response, next: NextFunction) => {
    const body = req.body;
    if (body && typeof body === 'object' && !Array.isArray(body)) {
      const route = routes.find(r => r.pattern.test(req.path));
      const operation = route?.operations[req.method.toLowerCase()];
      const schema = resolve(
        operation?.requestBody?.content?.['application/json']?.schema,
      );
      if (schema?.additionalProperties === false && schema.properties) {
        const unknown = Object.keys(body).filter(
          key => !(key in schema.properties!),
        );
        if (unknown.length) {
          next(
            new InputError(
              unknown
                .map(key => `request/body/${key} is not a known field`)
                .join('; '),
            ),
          );
          return;
        }
      }
    }
    next();
  };
}
