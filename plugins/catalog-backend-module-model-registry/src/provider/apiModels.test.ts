import {
  coreServices,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockServices,
  startTestBackend,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import catalogPlugin from '@backstage/plugin-catalog-backend';
import { eventsServiceFactory } from '@backstage/plugin-events-node';
// The real registry runs next to the catalog in this test only (a devDependency).
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import modelRegistryPlugin, {
  MODEL_REGISTRY_MODELS_TOPIC as REGISTRY_TOPIC,
} from '@model-registry/plugin-model-registry-backend';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import catalogModuleModelRegistry from '..';
import { MODEL_REGISTRY_MODELS_TOPIC } from './RegistryModelEntityProvider';

jest.setTimeout(120_000);

const GROUP_YAML = `
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: risk-ml }
spec: { type: team, children: [] }
`;

describe('models registered through the registry API, in a running catalog', () => {
  const databases = TestDatabases.create({
    ids: ['SQLITE_3', 'POSTGRES_15'],
    disableDocker: true,
  });
  let dir: string;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlmodel-api-'));
    fs.writeFileSync(path.join(dir, 'group.yaml'), GROUP_YAML);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('listens on the topic the registry publishes on', () => {
    expect(MODEL_REGISTRY_MODELS_TOPIC).toBe(REGISTRY_TOPIC);
  });

  /**
   * Starts the catalog with this module and the real registry, one database per plugin.
   * With `deaf`, the catalog does not hear the registry's announcements (each plugin has
   * its own events bus), so only the full refresh at startup brings models in.
   */
  async function startBackend(
    knexByPlugin: Map<string, Awaited<ReturnType<typeof databases.init>>>,
    options?: { deaf?: boolean },
  ) {
    // One database per plugin, as in a real backend: the catalog and the registry both
    // keep their Knex migrations in the default knex_migrations table, so sharing one
    // database makes the second migrator fail ("the migration directory is corrupt")
    // or, run concurrently on PostgreSQL, race on creating that table.
    const databasePerPlugin = createServiceFactory({
      service: coreServices.database,
      deps: { pluginMetadata: coreServices.pluginMetadata },
      factory({ pluginMetadata }) {
        const knex = knexByPlugin.get(pluginMetadata.getId());
        if (!knex) {
          throw new Error(`no test database for ${pluginMetadata.getId()}`);
        }
        return mockServices.database({ knex });
      },
    });
    const backend = await startTestBackend({
      features: [
        catalogPlugin,
        catalogModuleModelRegistry,
        modelRegistryPlugin,
        // The real events service: one in-process bus shared by all plugins (the
        // default mock gives each plugin its own), so the catalog hears the registry.
        ...(options?.deaf ? [] : [eventsServiceFactory]),
        databasePerPlugin,
        mockServices.rootConfig.factory({
          data: {
            events: { useEventBus: 'never' },
            // the test registers as the mock user, who is not a member of risk-ml
            modelRegistry: { models: { requireOwnerMembership: false } },
            catalog: {
              rules: [{ allow: ['MLModel', 'Group'] }],
              locations: [
                { type: 'file', target: path.join(dir, 'group.yaml') },
              ],
            },
          },
        }),
      ],
    });
    const baseUrl = `http://localhost:${backend.server.port()}/api`;
    const getEntity = async (ref: string): Promise<Entity | undefined> => {
      const res = await fetch(`${baseUrl}/catalog/entities/by-name/${ref}`);
      return res.ok ? ((await res.json()) as Entity) : undefined;
    };
    const register = (name: string, title: string) =>
      fetch(`${baseUrl}/model-registry/models`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({
          name,
          owner: 'group:default/risk-ml',
          type: 'classification',
          title,
          tags: ['churn'],
        }),
      });
    return { backend, baseUrl, getEntity, register };
  }

  async function waitFor<T>(what: string, probe: () => Promise<T | undefined>) {
    for (let i = 0; i < 240; i++) {
      const value = await probe();
      if (value) return value;
      await new Promise(r => setTimeout(r, 250));
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  async function databasesPerPlugin(databaseId: TestDatabaseId) {
    return new Map([
      ['catalog', await databases.init(databaseId)],
      ['model-registry', await databases.init(databaseId)],
    ]);
  }

  it.each(databases.eachSupportedId())(
    'appear as MLModel entities and disappear once deleted, on %p',
    async databaseId => {
      const { backend, baseUrl, getEntity, register } = await startBackend(
        await databasesPerPlugin(databaseId),
      );

      try {
        // The test backend's scheduler runs the provider's full refresh once, at
        // startup; every later change reaches the catalog through the registry's event.
        const registered = await register('api-churn-model', 'Churn model');
        expect(registered.status).toBe(201);

        const entity = await waitFor('the model in the catalog', async () => {
          const e = await getEntity('mlmodel/default/api-churn-model');
          return e?.relations?.some(r => r.type === 'ownedBy') ? e : undefined;
        });
        expect(entity).toMatchObject({
          apiVersion: 'model-registry.dev/v1alpha1',
          kind: 'MLModel',
          metadata: {
            name: 'api-churn-model',
            namespace: 'default',
            title: 'Churn model',
            tags: ['churn'],
            annotations: {
              'backstage.io/managed-by-location':
                'model-registry:mlmodel:default/api-churn-model',
              'backstage.io/managed-by-origin-location':
                'model-registry:mlmodel:default/api-churn-model',
            },
          },
          spec: {
            type: 'classification',
            lifecycle: 'experimental',
            owner: 'group:default/risk-ml',
          },
        });
        expect(entity.relations).toEqual([
          { type: 'ownedBy', targetRef: 'group:default/risk-ml' },
        ]);
        await waitFor('the ownerOf relation on the group', async () =>
          (
            await getEntity('group/default/risk-ml')
          )?.relations?.some(
            r =>
              r.type === 'ownerOf' &&
              r.targetRef === 'mlmodel:default/api-churn-model',
          ),
        );

        const deleted = await fetch(
          `${baseUrl}/model-registry/models/default/api-churn-model`,
          { method: 'DELETE' },
        );
        expect(deleted.status).toBe(204);

        await waitFor(
          'the model to leave the catalog',
          async () =>
            (await getEntity('mlmodel/default/api-churn-model')) === undefined,
        );
        const res = await fetch(
          `${baseUrl}/catalog/entities/by-query?filter=kind=mlmodel`,
        );
        expect(((await res.json()) as { items: Entity[] }).items).toEqual([]);
      } finally {
        await backend.stop();
      }
    },
  );

  it.each(databases.eachSupportedId())(
    'registered while the catalog did not hear it, arrive with the full refresh at startup, on %p',
    async databaseId => {
      const knexByPlugin = await databasesPerPlugin(databaseId);
      const first = await startBackend(knexByPlugin, { deaf: true });
      try {
        expect(
          (await first.register('api-missed-model', 'Missed model')).status,
        ).toBe(201);
      } finally {
        await first.backend.stop();
      }

      const second = await startBackend(knexByPlugin, { deaf: true });
      try {
        const entity = await waitFor('the model in the catalog', () =>
          second.getEntity('mlmodel/default/api-missed-model'),
        );
        expect(entity).toMatchObject({
          kind: 'MLModel',
          metadata: {
            name: 'api-missed-model',
            title: 'Missed model',
            annotations: {
              'backstage.io/managed-by-location':
                'model-registry:mlmodel:default/api-missed-model',
            },
          },
        });
      } finally {
        await second.backend.stop();
      }
    },
  );
});
