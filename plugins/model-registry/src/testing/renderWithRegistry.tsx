import { ReactElement } from 'react';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { configApiRef } from '@backstage/core-plugin-api';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  MockPermissionApi,
  registerMswTestHooks,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { ModelRegistryClient } from '@model-registry/plugin-model-registry-common';
import { setupServer } from 'msw/node';
import { modelRegistryApiRef } from '../api';
import { REGISTRY } from './fixtures';

type ApiPair = readonly [unknown, unknown];

/**
 * An msw server for one test file: listening before the first test (unhandled requests
 * fail), handlers reset after each test, closed after the last. Call it at the top level.
 *
 * Each test also runs on fake timers that advance on their own: requests and renders go on
 * as usual, while the waits of findBy/waitFor step the clock, so that transitions and
 * debounce pauses take no wall time (`jest.advanceTimersByTime` skips one at once).
 */
export function setupRegistryServer() {
  const server = setupServer();
  registerMswTestHooks(server);
  beforeEach(() => jest.useFakeTimers({ advanceTimers: true }));
  afterEach(() => jest.useRealTimers());
  return server;
}

/** The real typed client, pointed at the msw handlers. */
export function registryClient() {
  return new ModelRegistryClient({
    discoveryApi: { getBaseUrl: async () => REGISTRY },
    fetchApi: { fetch: (...args) => fetch(...args) },
  });
}

/** Decides a permission by its name; the default allows everything. */
export type PermissionDecider = (
  permissionName: string,
) => AuthorizeResult.ALLOW | AuthorizeResult.DENY;

/**
 * Renders a component of the plugin in a test app: the registry client pointed at msw, the
 * app config (default: empty, so the default stage rules), a permission API, the entity of
 * an entity page when given, the catalog's entity route mounted, any further APIs, and the
 * URL to start at.
 */
export function renderWithRegistry(
  element: ReactElement,
  options: {
    entity?: Entity;
    config?: object;
    permission?: PermissionDecider;
    apis?: ApiPair[];
    /** The URL the test app starts at (default `/`). */
    routeEntries?: string[];
  } = {},
) {
  const decide = options.permission ?? (() => AuthorizeResult.ALLOW);
  const apis = [
    [modelRegistryApiRef, registryClient()],
    [configApiRef, new ConfigReader(options.config ?? {})],
    [
      permissionApiRef,
      new MockPermissionApi(request => decide(request.permission.name)),
    ],
    ...(options.apis ?? []),
  ] as unknown as Parameters<typeof TestApiProvider>[0]['apis'];
  return renderInTestApp(
    <TestApiProvider apis={apis}>
      {options.entity ? (
        <EntityProvider entity={options.entity}>{element}</EntityProvider>
      ) : (
        element
      )}
    </TestApiProvider>,
    {
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      routeEntries: options.routeEntries,
    },
  );
}
