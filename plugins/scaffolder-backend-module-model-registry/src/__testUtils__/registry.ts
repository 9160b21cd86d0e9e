import {
  AuthService,
  coreServices,
  createBackendPlugin,
  createServiceFactory,
  DiscoveryService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  createMockDirectory,
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { ActionContext } from '@backstage/plugin-scaffolder-node';
// The real registry backend, so that the actions are tested against its permissions and
// validation (tests only).
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import modelRegistryPlugin from '@model-registry/plugin-model-registry-backend';
import request from 'supertest';

export const ALICE = 'user:default/alice';
/** Mallory may read everything but is denied every registry mutation. */
export const MALLORY = 'user:default/mallory';

export function entity(kind: string, name: string, spec: object = {}): Entity {
  return {
    apiVersion:
      kind === 'MLModel'
        ? 'model-registry.dev/v1alpha1'
        : 'backstage.io/v1alpha1',
    kind,
    metadata: { name, namespace: 'default' },
    spec,
  };
}

/** An in-memory catalog the tests can add entities to (as the entity provider would). */
export function fakeCatalog(entities: Entity[]) {
  const refOf = (e: Entity) => stringifyEntityRef(e).toLocaleLowerCase('en-US');
  return {
    entities,
    async getEntityByRef(ref: string | object) {
      const wanted = (
        typeof ref === 'string' ? ref : stringifyEntityRef(ref as any)
      ).toLocaleLowerCase('en-US');
      return entities.find(e => refOf(e) === wanted);
    },
    async getEntitiesByRefs({ entityRefs }: { entityRefs: string[] }) {
      const byRef = new Map(entities.map(e => [refOf(e), e]));
      return {
        items: entityRefs.map(r => byRef.get(r.toLocaleLowerCase('en-US'))),
      };
    },
    async queryEntities() {
      return { items: entities, totalItems: entities.length, pageInfo: {} };
    },
  };
}

/**
 * The real registry backend plugin in a test backend, with a fake catalog and a policy that
 * denies every registry mutation to Mallory; returns the auth and discovery services of a
 * stand-in scaffolder plugin, so that actions call the registry exactly as in a portal.
 */
export async function startRegistry() {
  const catalog = fakeCatalog([
    entity('Group', 'risk-ml', { type: 'team', children: [] }),
    entity('Resource', 'card-transactions', {
      type: 'dataset',
      owner: 'risk-ml',
    }),
    entity('Resource', 'chargebacks', { type: 'dataset', owner: 'risk-ml' }),
  ]);
  const permissions: Partial<PermissionsService> = {
    async authorize(requests: any[], options: any) {
      return requests.map(() => ({
        result:
          options.credentials.principal?.userEntityRef === MALLORY
            ? AuthorizeResult.DENY
            : AuthorizeResult.ALLOW,
      })) as any;
    },
  };
  let services: { auth: AuthService; discovery: DiscoveryService } | undefined;
  const standIn = createBackendPlugin({
    pluginId: 'scaffolder',
    register(env) {
      env.registerInit({
        deps: { auth: coreServices.auth, discovery: coreServices.discovery },
        async init(deps) {
          services = deps;
        },
      });
    },
  });
  const backend = await startTestBackend({
    features: [
      modelRegistryPlugin,
      standIn,
      mockServices.httpAuth.factory({
        defaultCredentials: mockCredentials.none(),
      }),
      mockServices.permissions.mock(permissions).factory,
      // Alice is a member of risk-ml: she may register models owned by it
      mockServices.userInfo.mock({
        async getUserInfo(credentials: any) {
          const ref = credentials.principal.userEntityRef;
          return {
            userEntityRef: ref,
            ownershipEntityRefs:
              ref === ALICE ? [ref, 'group:default/risk-ml'] : [ref],
          };
        },
      }).factory,
      createServiceFactory({
        service: catalogServiceRef,
        deps: {},
        factory: () => catalog as any,
      }),
    ],
  });
  /** The models registered through the API, as the catalog's entity provider reads them. */
  const apiModels = async (): Promise<
    Array<{ entityRef: string; entity: Entity }>
  > => {
    const res = await request(backend.server)
      .get('/api/model-registry/entity-provider/models')
      .set('Authorization', mockCredentials.service.header());
    expect(res.status).toBe(200);
    return res.body.items;
  };
  const versions = async (model: string) => {
    const res = await request(backend.server)
      .get(`/api/model-registry/models/default/${model}/versions`)
      .set('Authorization', mockCredentials.user.header(ALICE));
    expect(res.status).toBe(200);
    return res.body.items as Array<{
      version: number;
      source: string;
      createdBy: string;
    }>;
  };
  return { backend, catalog, services: services!, apiModels, versions };
}

/** An action context as the scaffolder's task runner builds it. */
export function actionContext<I extends Record<string, any>>(
  input: I,
  overrides: Partial<ActionContext<any, any>> & { user?: string } = {},
) {
  const workspace = createMockDirectory();
  const outputs: Record<string, unknown> = {};
  const { user = ALICE, ...rest } = overrides;
  const checkpoints = new Map<string, unknown>();
  const ctx = {
    input,
    logger: mockServices.logger.mock(),
    workspacePath: workspace.path,
    output: (name: string, value: unknown) => {
      outputs[name] = value;
    },
    // Like the task runner: a checkpoint's value is stored and reused on recovery.
    checkpoint: async ({
      key,
      fn,
    }: {
      key: string;
      fn: () => Promise<any>;
    }) => {
      if (!checkpoints.has(key)) checkpoints.set(key, await fn());
      return checkpoints.get(key);
    },
    createTemporaryDirectory: async () => workspace.resolve('tmp'),
    getInitiatorCredentials: async () => mockCredentials.user(user),
    task: { id: 'task-1' },
    step: { id: 'step-1', name: 'Step 1' },
    ...rest,
  } as unknown as ActionContext<any, any>;
  return { ctx, outputs, workspace };
}
