import {
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { createBackendModule } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import catalogPlugin, {
  CATALOG_ERRORS_TOPIC,
} from '@backstage/plugin-catalog-backend';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import catalogModuleModelRegistry from '.';

jest.setTimeout(120_000);

const CATALOG_YAML = `
apiVersion: backstage.io/v1alpha1
kind: Group
metadata: { name: risk-ml }
spec: { type: team, children: [] }
---
apiVersion: backstage.io/v1alpha1
kind: System
metadata: { name: payments }
spec: { owner: risk-ml }
---
apiVersion: backstage.io/v1alpha1
kind: Resource
metadata: { name: card-transactions }
spec: { type: dataset, owner: risk-ml }
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata: { name: payments-api }
spec:
  type: service
  lifecycle: production
  owner: risk-ml
  dependsOn: [mlmodel:default/fraud-detector]
---
apiVersion: model-registry.dev/v1alpha1
kind: MLModel
metadata: { name: fraud-detector }
spec:
  type: classification
  lifecycle: production
  owner: group:default/risk-ml
  system: payments
  dependsOn: [resource:default/card-transactions]
---
apiVersion: model-registry.dev/v1alpha1
kind: MLModel
metadata: { name: ownerless-model }
spec: { type: classification, lifecycle: production }
---
apiVersion: model-registry.dev/v1alpha1
kind: MLModel
metadata: { name: Bad_Name }
spec: { type: classification, lifecycle: production, owner: risk-ml }
`;

type CatalogError = { entity: string; errors: Array<{ message: string }> };

describe('catalogModuleModelRegistry in a running catalog', () => {
  const databases = TestDatabases.create({
    ids: ['SQLITE_3', 'POSTGRES_15'],
    disableDocker: true,
  });
  let dir: string;

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlmodel-catalog-'));
    fs.writeFileSync(path.join(dir, 'catalog-info.yaml'), CATALOG_YAML);
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it.each(databases.eachSupportedId())(
    'ingests valid models with their relations and reports invalid ones, on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const catalogErrors: CatalogError[] = [];
      const errorRecorder = createBackendModule({
        pluginId: 'catalog',
        moduleId: 'test-error-recorder',
        register(reg) {
          reg.registerInit({
            deps: { events: eventsServiceRef },
            async init({ events }) {
              await events.subscribe({
                id: 'test-error-recorder',
                topics: [CATALOG_ERRORS_TOPIC],
                async onEvent(params) {
                  catalogErrors.push(params.eventPayload as CatalogError);
                },
              });
            },
          });
        },
      });

      const backend = await startTestBackend({
        features: [
          catalogPlugin,
          catalogModuleModelRegistry,
          errorRecorder,
          mockServices.database.factory({ knex }),
          mockServices.rootConfig.factory({
            data: {
              catalog: {
                rules: [
                  {
                    allow: [
                      'Group',
                      'System',
                      'Resource',
                      'Component',
                      'MLModel',
                    ],
                  },
                ],
                locations: [
                  { type: 'file', target: path.join(dir, 'catalog-info.yaml') },
                ],
              },
            },
          }),
        ],
      });

      try {
        const base = `http://localhost:${backend.server.port()}/api/catalog`;
        const getEntity = async (ref: string): Promise<Entity | undefined> => {
          const res = await fetch(`${base}/entities/by-name/${ref}`);
          return res.ok ? ((await res.json()) as Entity) : undefined;
        };
        const waitFor = async <T>(probe: () => Promise<T | undefined>) => {
          for (let i = 0; i < 200; i++) {
            const value = await probe();
            if (value) return value;
            await new Promise(r => setTimeout(r, 250));
          }
          throw new Error('timed out waiting for the catalog');
        };

        // The model and its relations, including the reverse relation from the component.
        const modelEntity = await waitFor(async () => {
          const e = await getEntity('mlmodel/default/fraud-detector');
          return e?.relations?.some(r => r.type === 'dependencyOf')
            ? e
            : undefined;
        });
        expect(
          modelEntity.relations!.map(r => `${r.type} ${r.targetRef}`).sort(),
        ).toEqual([
          'dependencyOf component:default/payments-api',
          'dependsOn resource:default/card-transactions',
          'ownedBy group:default/risk-ml',
          'partOf system:default/payments',
        ]);

        // The reverse relations are stitched onto the other entities independently of
        // the model (the stitcher may reach them later), so wait for each of them.
        const hasRelation = (ref: string, type: string, targetRef: string) =>
          waitFor(async () => {
            const e = await getEntity(ref);
            return e?.relations?.some(
              r => r.type === type && r.targetRef === targetRef,
            )
              ? e
              : undefined;
          });
        const group = await hasRelation(
          'group/default/risk-ml',
          'ownerOf',
          'mlmodel:default/fraud-detector',
        );
        expect(group.relations).toEqual(
          expect.arrayContaining([
            { type: 'ownerOf', targetRef: 'mlmodel:default/fraud-detector' },
          ]),
        );
        const dataset = await hasRelation(
          'resource/default/card-transactions',
          'dependencyOf',
          'mlmodel:default/fraud-detector',
        );
        expect(dataset.relations).toEqual(
          expect.arrayContaining([
            {
              type: 'dependencyOf',
              targetRef: 'mlmodel:default/fraud-detector',
            },
          ]),
        );

        // Invalid models are not ingested, and the catalog reports why, naming the field
        // (the error event carries the lower-cased entity ref).
        const errorFor = (ref: string) =>
          waitFor(
            async () =>
              catalogErrors.find(e => e.entity === ref)?.errors[0]?.message,
          );
        expect(await errorFor('mlmodel:default/ownerless-model')).toContain(
          'spec.owner is required',
        );
        expect(await errorFor('mlmodel:default/bad_name')).toContain(
          'metadata.name "Bad_Name" does not follow the model naming rule',
        );
        expect(
          await getEntity('mlmodel/default/ownerless-model'),
        ).toBeUndefined();
        expect(await getEntity('mlmodel/default/bad_name')).toBeUndefined();

        // Every other entity of the same file is unaffected.
        const expected = [
          'Component:payments-api',
          'Group:risk-ml',
          'MLModel:fraud-detector',
          'Resource:card-transactions',
          'System:payments',
        ];
        const items = await waitFor(async () => {
          const res = await fetch(`${base}/entities/by-query?limit=100`);
          const body = (await res.json()) as { items: Entity[] };
          const names = body.items.map(e => `${e.kind}:${e.metadata.name}`);
          return expected.every(n => names.includes(n))
            ? body.items
            : undefined;
        });
        expect(items.map(e => `${e.kind}:${e.metadata.name}`).sort()).toEqual(
          expect.arrayContaining(expected),
        );
        expect(items.filter(e => e.kind === 'MLModel')).toHaveLength(1);
      } finally {
        await backend.stop();
      }
    },
  );
});
