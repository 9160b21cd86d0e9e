import { CustomErrorBase, InputError } from '@backstage/errors';
import express, { NextFunction, Request, Response } from 'express';

/** The largest JSON body the registry accepts (a version with six full card sections fits). */
export const MAX_BODY_BYTES = 1024 * 1024;

/** 413: the request body is larger than MAX_BODY_BYTES. */
export class PayloadTooLargeError extends CustomErrorBase {
  name = 'PayloadTooLargeError' as const;
  statusCode = 413;
}

/** 415: the request body is not JSON. */
export class UnsupportedMediaTypeError extends CustomErrorBase {
  name = 'UnsupportedMediaTypeError' as const;
  statusCode = 415;
}

function hasBody(req: Request) {
  return (
    req.headers['transfer-encoding'] !== undefined ||
    Number(req.headers['content-length'] ?? 0) > 0
  );
}

/**
 * Runs before the OpenAPI router (whose error handler would turn every error into a 400):
 * a body that is not JSON is a 415, one over the size limit a 413, unparsable JSON a 400.
 */
export function requestBodyGuards(): express.RequestHandler[] {
  const parseJson = express.json({ limit: MAX_BODY_BYTES });
  return [
    (req: Request, _res: Response, next: NextFunction) => {
      if (hasBody(req) && !req.is('application/json')) {
        next(
          new UnsupportedMediaTypeError(
            `request body must be application/json, not ${
              req.headers['content-type'] ?? 'without a content type'
            }`,
          ),
        );
        return;
      }
      next();
    },
    (req: Request, res: Response, next: NextFunction) =>
      parseJson(req, res, (error?: any) => {
        if (!error) next();
        else if (error.type === 'entity.too.large') {
          next(
            new PayloadTooLargeError(
              `request body is larger than the limit of ${MAX_BODY_BYTES} bytes`,
            ),
          );
        } else if (error.type === 'entity.parse.failed') {
          next(new InputError(`request body is not valid JSON`));
        } else {
          next(
            new InputError(`request body could not be read: ${error.message}`),
          );
        }
      }),
  ];
}
