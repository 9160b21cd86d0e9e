import { mockServices } from '@backstage/backend-test-utils';
import {
  AuthenticationError,
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import express from 'express';
import request from 'supertest';
import {
  mlflowEndpointNotFound,
  mlflowErrorCode,
  mlflowErrorHandler,
} from './mlflowErrors';

describe('MLflow errors', () => {
  it('maps the native error types onto MLflow codes', () => {
    expect(
      [
        new InputError('x'),
        new NotFoundError('x'),
        new NotAllowedError('x'),
        new ConflictError('x'),
        new AuthenticationError('x'),
        new Error('boom'),
      ].map(mlflowErrorCode),
    ).toEqual([
      'INVALID_PARAMETER_VALUE',
      'RESOURCE_DOES_NOT_EXIST',
      'PERMISSION_DENIED',
      'RESOURCE_ALREADY_EXISTS',
      'UNAUTHENTICATED',
      'INTERNAL_ERROR',
    ]);
  });

  it('answers an unexpected error as INTERNAL_ERROR without its details, and logs it', async () => {
    const logger = mockServices.logger.mock();
    const app = express();
    app.get('/boom', () => {
      throw new Error('secret detail');
    });
    app.use(mlflowEndpointNotFound());
    app.use(mlflowErrorHandler(logger));
    const res = await request(app).get('/boom');
    expect([res.status, res.body]).toEqual([
      500,
      { error_code: 'INTERNAL_ERROR', message: 'internal error' },
    ]);
    expect(logger.error).toHaveBeenCalledWith(
      'MLflow API GET /boom failed',
      expect.objectContaining({ message: 'secret detail' }),
    );
    const missing = await request(app).post('/nowhere');
    expect([missing.status, missing.body.error_code]).toEqual([
      404,
      'ENDPOINT_NOT_FOUND',
    ]);
  });
});
