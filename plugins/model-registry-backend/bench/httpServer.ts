/*
 * The HTTP layer: the real router (createRouter, with its OpenAPI request validation) on
 * Express and Node's HTTP server at 127.0.0.1, called with fetch (keep-alive) from the
 * same process, over a fake catalog, allow-all permissions and mock auth.
 */
import {
  mockServices,
  ServiceFactoryTester,
} from '@backstage/backend-test-utils';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  createModelNamingRule,
  DEFAULT_SOURCE_SCHEMES,
  DEFAULT_STAGE_RULES,
} from '@model-registry/plugin-model-registry-common';
import express from 'express';
import { Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { ModelRegistryStore } from '../src/database/ModelRegistryStore';
import { createRouter } from '../src/service/router';
import { benchEntity } from './dataSet';

/**
 * The in-memory catalog of @backstage/plugin-catalog-node/testUtils, with the three calls
 * the router makes answered from a map: the stock fake rebuilds a map of every entity on
 * each lookup, which would be timed as registry latency.
 */
function createFakeCatalog(count: number): CatalogService {
  const entities = Array.from({ length: count }, (_, i) => benchEntity(i));
  const refOf = (e: Entity) => stringifyEntityRef(e).toLocaleLowerCase('en-US');
  const byRef = new Map(entities.map(e => [refOf(e), e]));
  const sorted = [...entities].sort((a, b) =>
    a.metadata.name.localeCompare(b.metadata.name),
  );
  const lookup = (ref: Parameters<CatalogService['getEntityByRef']>[0]) =>
    byRef.get(
      (typeof ref === 'string'
        ? ref
        : stringifyEntityRef(ref)
      ).toLocaleLowerCase('en-US'),
    );
  const fast: Pick<
    CatalogService,
    'getEntityByRef' | 'getEntitiesByRefs' | 'queryEntities'
  > = {
    async getEntityByRef(ref) {
      return lookup(ref);
    },
    async getEntitiesByRefs(request) {
      return { items: request.entityRefs.map(ref => lookup(ref)) };
    },
    async queryEntities(request) {
      const offset =
        request && 'cursor' in request ? Number(request.cursor) : 0;
      const limit = request?.limit ?? 20;
      const items = sorted.slice(offset, offset + limit);
      return {
        items,
        totalItems: sorted.length,
        pageInfo:
          offset + limit < sorted.length
            ? { nextCursor: String(offset + limit) }
            : {},
      };
    },
  };
  return Object.assign(catalogServiceMock({ entities }), fast);
}

/** Serves the router on the store; `call` sends one request and throws on an error status. */
export async function startHttp(store: ModelRegistryStore, models: number) {
  const logger = mockServices.rootLogger({ level: 'none' });
  const auditor = await ServiceFactoryTester.from(
    mockServices.auditor.factory(),
    { dependencies: [mockServices.rootLogger.factory({ level: 'none' })] },
  ).getSubject('model-registry');
  const router = await createRouter({
    store,
    catalog: createFakeCatalog(models),
    permissions: mockServices.permissions({ result: AuthorizeResult.ALLOW }),
    httpAuth: mockServices.httpAuth(),
    auditor,
    logger,
    stageRules: DEFAULT_STAGE_RULES,
    namingRule: createModelNamingRule(),
    allowedSourceSchemes: DEFAULT_SOURCE_SCHEMES,
  });
  const statusOf: Record<string, number> = {
    InputError: 400,
    AuthenticationError: 401,
    NotAllowedError: 403,
    NotFoundError: 404,
    ConflictError: 409,
  };
  const app = express();
  // A route outside the registry: what fetch, Node's HTTP server and Express cost alone.
  app.get('/api/model-registry/bench-ping', (_req, res) => {
    res.json({ ok: true });
  });
  app.use('/api/model-registry', router);
  app.use(
    (
      error: Error,
      _req: express.Request,
      res: express.Response,
      _next: express.NextFunction,
    ) => {
      res
        .status(statusOf[error.name] ?? 500)
        .json({ error: { name: error.name, message: error.message } });
    },
  );
  const server: Server = await new Promise(resolve => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  // Seeding between measurements leaves the client's pooled connections idle for longer
  // than Node's default keep-alive timeout of 5 s; keep them open instead.
  server.keepAliveTimeout = 10 * 60_000;
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}/api/model-registry`;
  const call = async (method: string, url: string, body?: unknown) => {
    const res = await fetch(baseUrl + url, {
      method,
      headers: body ? { 'content-type': 'application/json' } : undefined,
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    if (!res.ok) {
      throw new Error(`${method} ${url} answered ${res.status}: ${text}`);
    }
    return text;
  };
  return {
    call,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close(e => (e ? reject(e) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** A running HTTP layer. */
export type BenchHttp = Awaited<ReturnType<typeof startHttp>>;
