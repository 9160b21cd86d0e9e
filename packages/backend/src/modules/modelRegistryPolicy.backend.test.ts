import {
  AuthService,
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import { permissionsServiceFactory } from '@backstage/backend-defaults/permissions';
import { permissionsRegistryServiceFactory } from '@backstage/backend-defaults/permissionsRegistry';
// packages/backend does not list @backstage/backend-test-utils in devDependencies yet
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestBackend,
} from '@backstage/backend-test-utils';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import permissionPlugin from '@backstage/plugin-permission-backend';
import catalogModuleModelRegistry from '@model-registry/plugin-catalog-backend-module-model-registry';
import modelRegistryPlugin from '@model-registry/plugin-model-registry-backend';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import modelRegistryPolicyModule, {
  PLATFORM_GROUP,
} from './modelRegistryPolicy';

jest.setTimeout(120_000);

/** The part of a catalog entity this test reads. */
type Entity = { relations?: Array<{ type: string; targetRef: string }> };

const ALICE = 'user:default/alice'; // member of risk-ml
const CAROL = 'user:default/carol'; // member of platform-ml

const CATALOG_YAML = `
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: risk-ml }
spec: { type: team, children: [] }
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: nlp-ml }
spec: { type: team, children: [] }
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: ${PLATFORM_GROUP.split('/')[1]} }
spec: { type: team, children: [] }
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: { name: alice }
spec: { memberOf: [risk-ml] }
---
apiVersion: backstage.io/v1alpha1
kind: User
metadata: { name: carol }
spec: { memberOf: [${PLATFORM_GROUP.split('/')[1]}] }
---
apiVersion: model-registry.dev/v1alpha1
kind: MLModel
metadata: { name: fraud-detector }
spec: { type: classification, lifecycle: production, owner: group:default/risk-ml }
---
apiVersion: model-registry.dev/v1alpha1
kind: MLModel
metadata: { name: sentiment }
spec: { type: classification, lifecycle: production, owner: group:default/nlp-ml }
`;

/**
 * The mock auth service, except that a plugin calling another plugin on behalf of a user
 * sends a user token with the plugin as actor, as Backstage's own auth does (the permission
 * backend refuses resource permissions without a resourceRef from a user without an actor,
 * which is how the catalog asks for its read permission).
 */
const authWithPluginActors = createServiceFactory({
  service: coreServices.auth,
  deps: { plugin: coreServices.pluginMetadata },
  factory({ plugin }): AuthService {
    const pluginId = plugin.getId();
    const auth = mockServices.auth({ pluginId });
    return {
      authenticate: (token, options) => auth.authenticate(token, options),
      getNoneCredentials: () => auth.getNoneCredentials(),
      getOwnServiceCredentials: () => auth.getOwnServiceCredentials(),
      isPrincipal: auth.isPrincipal.bind(auth) as AuthService['isPrincipal'],
      getLimitedUserToken: credentials => auth.getLimitedUserToken(credentials),
      listPublicServiceKeys: () => auth.listPublicServiceKeys(),
      async getPluginRequestToken(options) {
        const principal = options.onBehalfOf.principal as {
          type: string;
          userEntityRef?: string;
        };
        if (principal.type === 'user' && principal.userEntityRef) {
          return {
            token: mockCredentials.user.token(principal.userEntityRef, {
              actor: { subject: `plugin:${pluginId}` },
            }),
          };
        }
        return auth.getPluginRequestToken(options);
      },
    };
  },
});

/**
 * The example policy in a backend with the real permission and catalog backends: the
 * conditional decisions (is-entity-owner) are resolved by the catalog, against the
 * owners of the MLModel entities, and the user's groups come from the catalog as at
 * sign-in.
 */
describe('ModelRegistryExamplePolicy in a backend', () => {
  let backend: TestBackend;
  let dir: string;
  let baseUrl: string;

  const call = (
    method: 'GET' | 'POST',
    url: string,
    authorization: string,
    body?: unknown,
  ) =>
    fetch(`${baseUrl}${url}`, {
      method,
      headers: {
        authorization,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
    });

  const entity = async (ref: string): Promise<Entity | undefined> => {
    const res = await call(
      'GET',
      `/api/catalog/entities/by-name/${ref.replace(':', '/')}`,
      mockCredentials.service.header(),
    );
    return res.ok ? ((await res.json()) as Entity) : undefined;
  };

  const hasRelation = (e: Entity | undefined, type: string) =>
    Boolean(e?.relations?.some(r => r.type === type));

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'model-registry-policy-'));
    fs.writeFileSync(path.join(dir, 'catalog-info.yaml'), CATALOG_YAML);
    backend = await startTestBackend({
      features: [
        catalogPlugin,
        catalogModuleModelRegistry,
        permissionPlugin,
        modelRegistryPolicyModule,
        modelRegistryPlugin,
        permissionsServiceFactory,
        permissionsRegistryServiceFactory,
        authWithPluginActors,
        mockServices.rootConfig.factory({
          data: {
            permission: { enabled: true },
            catalog: {
              rules: [{ allow: ['Group', 'User', 'MLModel'] }],
              locations: [
                { type: 'file', target: path.join(dir, 'catalog-info.yaml') },
              ],
            },
          },
        }),
        // A user's ownership refs are the user and its groups in the catalog, as the
        // sign-in resolvers of the portal issue them.
        mockServices.userInfo.mock({
          async getUserInfo(credentials: any) {
            const userEntityRef = credentials.principal.userEntityRef;
            const user = await entity(userEntityRef);
            return {
              userEntityRef,
              ownershipEntityRefs: [
                userEntityRef,
                ...(user?.relations ?? [])
                  .filter(r => r.type === 'memberOf')
                  .map(r => r.targetRef),
              ],
            };
          },
        }).factory,
      ],
    });
    baseUrl = `http://localhost:${backend.server.port()}`;
    for (let i = 0; ; i++) {
      const ready = await Promise.all([
        entity('mlmodel:default/fraud-detector').then(e =>
          hasRelation(e, 'ownedBy'),
        ),
        entity('mlmodel:default/sentiment').then(e =>
          hasRelation(e, 'ownedBy'),
        ),
        entity(ALICE).then(e => hasRelation(e, 'memberOf')),
        entity(CAROL).then(e => hasRelation(e, 'memberOf')),
      ]);
      if (ready.every(Boolean)) break;
      if (i > 400) throw new Error('timed out waiting for the catalog');
      await new Promise(r => setTimeout(r, 250));
    }
  });

  afterAll(async () => {
    await backend?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Registers a version as a service (services are not asked to the policy). */
  const newVersion = async (model: string): Promise<number> => {
    const res = await call(
      'POST',
      `/api/model-registry/models/default/${model}/versions`,
      mockCredentials.service.header(),
      { source: `s3://models/${model}/${Math.random().toString(36).slice(2)}` },
    );
    expect(res.status).toBe(201);
    return ((await res.json()) as { version: number }).version;
  };

  const stage = (model: string, version: number, user: string, to: string) =>
    call(
      'POST',
      `/api/model-registry/models/default/${model}/versions/${version}/stage`,
      mockCredentials.user.header(user),
      { stage: to },
    );

  const stageOf = async (model: string, version: number) => {
    const res = await call(
      'GET',
      `/api/model-registry/models/default/${model}/versions/${version}`,
      mockCredentials.user.header(ALICE),
    );
    return ((await res.json()) as { stage: string }).stage;
  };

  it("lets Alice stage a version of her group's model", async () => {
    const version = await newVersion('fraud-detector');
    const res = await stage('fraud-detector', version, ALICE, 'staging');
    expect(res.status).toBe(200);
    expect(await stageOf('fraud-detector', version)).toBe('staging');
  });

  it('lets Alice register a version of her own model only', async () => {
    const register = (model: string) =>
      call(
        'POST',
        `/api/model-registry/models/default/${model}/versions`,
        mockCredentials.user.header(ALICE),
        { source: `s3://models/${model}/by-alice` },
      );
    expect((await register('fraud-detector')).status).toBe(201);
    expect((await register('sentiment')).status).toBe(403);
  });

  it("refuses Alice staging a version of another group's model", async () => {
    const version = await newVersion('sentiment');
    const res = await stage('sentiment', version, ALICE, 'staging');
    expect(res.status).toBe(403);
    expect(await stageOf('sentiment', version)).toBe('none');
  });

  it('refuses Alice promoting her own model to production', async () => {
    const version = await newVersion('fraud-detector');
    const res = await stage('fraud-detector', version, ALICE, 'production');
    expect(res.status).toBe(403);
    expect(await stageOf('fraud-detector', version)).toBe('none');
  });

  it('lets a platform-ml member promote to production', async () => {
    const version = await newVersion('fraud-detector');
    const res = await stage('fraud-detector', version, CAROL, 'production');
    expect(res.status).toBe(200);
    expect(await stageOf('fraud-detector', version)).toBe('production');
  });
});
