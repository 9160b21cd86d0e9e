import { LoggerService } from '@backstage/backend-plugin-api';
import { ErrorRequestHandler, RequestHandler } from 'express';
import { PromotionBlockedError } from '../service/PromotionBlockedError';

/** The MLflow error codes this API answers, with their HTTP statuses (MLflow's own). */
export const MLFLOW_ERROR_STATUS = {
  RESOURCE_DOES_NOT_EXIST: 404,
  RESOURCE_ALREADY_EXISTS: 400,
  INVALID_PARAMETER_VALUE: 400,
  MALFORMED_REQUEST: 400,
  PERMISSION_DENIED: 403,
  UNAUTHENTICATED: 401,
  ENDPOINT_NOT_FOUND: 404,
  INVALID_STATE: 400,
  INTERNAL_ERROR: 500,
} as const;

/** An MLflow error code. */
export type MlflowErrorCode = keyof typeof MLFLOW_ERROR_STATUS;

/** An error answered as `{ error_code, message }`, for errors that have no native type. */
export class MlflowError extends Error {
  constructor(readonly errorCode: MlflowErrorCode, message: string) {
    super(message);
    this.name = 'MlflowError';
  }
}

// The native API's error types (by name, as @backstage/errors sets them) in MLflow's terms.
const NATIVE_ERRORS: Record<string, MlflowErrorCode> = {
  InputError: 'INVALID_PARAMETER_VALUE',
  NotFoundError: 'RESOURCE_DOES_NOT_EXIST',
  NotAllowedError: 'PERMISSION_DENIED',
  ConflictError: 'RESOURCE_ALREADY_EXISTS',
  AuthenticationError: 'UNAUTHENTICATED',
};

/** The MLflow code of any error the routes throw. */
export function mlflowErrorCode(error: unknown): MlflowErrorCode {
  if (error instanceof MlflowError) return error.errorCode;
  // approvals needed or a gate failing: MLflow's transition has no request to open
  if (error instanceof PromotionBlockedError) return 'INVALID_STATE';
  const { name, type, status } = error as {
    name?: string;
    type?: string;
    status?: number;
  };
  if (name && NATIVE_ERRORS[name]) return NATIVE_ERRORS[name];
  // express.json's body-parser errors: a body that is not JSON, or too large
  if (type === 'entity.parse.failed' || status === 400 || status === 413) {
    return 'MALFORMED_REQUEST';
  }
  return 'INTERNAL_ERROR';
}

/**
 * Answers every error of the MLflow router in MLflow's shape, with MLflow's status; an
 * internal error is logged and answered without its details.
 */
export function mlflowErrorHandler(logger: LoggerService): ErrorRequestHandler {
  return (error, req, res, _next) => {
    const code = mlflowErrorCode(error);
    if (code === 'INTERNAL_ERROR') {
      logger.error(`MLflow API ${req.method} ${req.path} failed`, error);
    }
    res.status(MLFLOW_ERROR_STATUS[code]).json({
      error_code: code,
      message:
        code === 'INTERNAL_ERROR'
          ? 'internal error'
          : String((error as Error).message),
    });
  };
}

/** Answers a path under the MLflow prefix that no route serves. */
export function mlflowEndpointNotFound(): RequestHandler {
  return req => {
    throw new MlflowError(
      'ENDPOINT_NOT_FOUND',
      `no MLflow endpoint ${req.method} ${req.path} (see docs/mlflow.md for the supported calls)`,
    );
  };
}
