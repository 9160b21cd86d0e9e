import {
  createServiceFactory,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import request from 'supertest';
import { modelRegistryPlugin } from '../plugin';

jest.setTimeout(60_000);

const OWNER = 'user:default/alice';
const STRANGER = 'user:default/mallory';
const alice = mockCredentials.user.header(OWNER);
const mallory = mockCredentials.user.header(STRANGER);

function model(name: string): Entity {
  return {
    apiVersion: 'model-registry.dev/v1alpha1',
    kind: 'MLModel',
    metadata: { name, namespace: 'default' },
    spec: {
      type: 'classification',
      lifecycle: 'production',
      owner: 'group:default/risk-ml',
    },
  };
}

/** A catalog where `secret-model` is readable only by its owner. */
function fakeCatalog(entities: Entity[]) {
  const refOf = (e: Entity) => stringifyEntityRef(e).toLocaleLowerCase('en-US');
  const visible = (credentials: any) =>
    entities.filter(
      e =>
        e.metadata.name !== 'secret-model' ||
        credentials?.principal?.type === 'service' ||
        credentials?.principal?.userEntityRef === OWNER,
    );
  return {
    async getEntityByRef(ref: string, { credentials }: any) {
      return visible(credentials).find(
        e => refOf(e) === ref.toLocaleLowerCase('en-US'),
      );
    },
    async getEntitiesByRefs(
      { entityRefs }: { entityRefs: string[] },
      { credentials }: any,
    ) {
      const byRef = new Map(visible(credentials).map(e => [refOf(e), e]));
      return {
        items: entityRefs.map(r => byRef.get(r.toLocaleLowerCase('en-US'))),
      };
    },
    // Pages in name order; the cursor is the offset of the next page.
    async queryEntities(req: any, { credentials }: any) {
      const all = visible(credentials)
        .filter(e => !req?.filter?.kind || e.kind === req.filter.kind)
        .sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
      const offset = req?.cursor ? Number(req.cursor) : 0;
      const limit = req?.limit ?? 20;
      const items = all.slice(offset, offset + limit);
      return {
        items,
        totalItems: all.length,
        pageInfo:
          offset + limit < all.length
            ? { nextCursor: String(offset + limit) }
            : {},
      };
    },
  };
}

type Decisions = Record<string, AuthorizeResult.ALLOW | AuthorizeResult.DENY>;

describe('model registry router', () => {
  const databases = TestDatabases.create({
    ids: ['SQLITE_3', 'POSTGRES_15'],
    disableDocker: true,
  });

  async function startRegistry(
    databaseId: any,
    decisions: Decisions = {},
    extraModels: Entity[] = [],
  ) {
    const knex = await databases.init(databaseId);
    const auditEvents: Array<{
      actionType: unknown;
      status: string;
      meta: any;
    }> = [];
    const permissions: Partial<PermissionsService> = {
      async authorize(requests: any[], options: any) {
        return requests.map(r => ({
          result:
            decisions[r.permission.name] ??
            (options.credentials.principal.userEntityRef === STRANGER
              ? AuthorizeResult.DENY
              : AuthorizeResult.ALLOW),
        })) as any;
      },
    };
    const backend = await startTestBackend({
      features: [
        modelRegistryPlugin,
        mockServices.database.factory({ knex }),
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
        }),
        mockServices.permissions.mock(permissions).factory,
        // Alice is a member of risk-ml (models may be registered only for one's own groups)
        mockServices.userInfo.mock({
          async getUserInfo(credentials: any) {
            const ref = credentials.principal.userEntityRef;
            return {
              userEntityRef: ref,
              ownershipEntityRefs:
                ref === OWNER ? [ref, 'group:default/risk-ml'] : [ref],
            };
          },
        }).factory,
        mockServices.auditor.mock({
          async createEvent(options) {
            const record = {
              actionType: options.meta?.actionType,
              status: 'initiated',
              meta: options.meta,
            };
            auditEvents.push(record);
            return {
              async success() {
                record.status = 'succeeded';
              },
              async fail() {
                record.status = 'failed';
              },
            };
          },
        }).factory,
        createServiceFactory({
          service: catalogServiceRef,
          deps: {},
          factory: () =>
            fakeCatalog([
              model('fraud-detector'),
              model('base-encoder'),
              model('secret-model'),
              ...extraModels,
            ]) as any,
        }),
      ],
    });
    const api = (
      method: 'get' | 'post' | 'put' | 'patch' | 'delete',
      path: string,
      auth = alice,
    ) =>
      request(backend.server)
        [method](`/api/model-registry${path}`)
        .set('Authorization', auth);
    return { backend, api, auditEvents, knex };
  }

  const source = (n: number) => `s3://models/fraud-detector/${n}`;

  it.each(databases.eachSupportedId())(
    'serves the whole lifecycle of versions on %p',
    async id => {
      const { backend, api, auditEvents } = await startRegistry(id);
      try {
        const base = '/models/default/fraud-detector';
        const r1 = await api('post', `${base}/versions`).send({
          source: source(1),
          metrics: { auc: 0.91 },
          params: { depth: '6' },
          tags: { team: 'risk' },
          card: { intendedUse: 'Scoring' },
          comment: 'first',
          lineage: [
            {
              relation: 'trainedOn',
              entityRef: 'resource:default/card-transactions',
            },
          ],
        });
        expect(r1.status).toBe(201);
        expect(r1.body).toMatchObject({
          modelRef: 'mlmodel:default/fraud-detector',
          version: 1,
          stage: 'none',
          status: 'ready',
          createdBy: OWNER,
          metrics: { auc: 0.91 },
          tags: { team: 'risk' },
        });
        const r2 = await api('post', `${base}/versions`).send({
          source: source(2),
          metrics: { auc: 0.94 },
        });
        expect(r2.body.version).toBe(2);

        expect((await api('get', `${base}/versions/1`)).body.card).toEqual({
          intendedUse: 'Scoring',
        });
        const list = await api('get', `${base}/versions?limit=1`);
        expect(list.status).toBe(200);
        expect(list.body.items.map((v: any) => v.version)).toEqual([2]);
        const next = await api(
          'get',
          `${base}/versions?limit=1&cursor=${list.body.nextCursor}`,
        );
        expect(next.body.items.map((v: any) => v.version)).toEqual([1]);
        expect(next.body.nextCursor).toBeUndefined();

        const patched = await api('patch', `${base}/versions/1`).send({
          description: 'baseline',
          tags: { team: null, reviewed: 'yes' },
        });
        expect(patched.status).toBe(200);
        expect(patched.body).toMatchObject({
          description: 'baseline',
          tags: { reviewed: 'yes' },
        });

        expect(
          (
            await api('post', `${base}/versions/1/stage`).send({
              stage: 'production',
            })
          ).body,
        ).toMatchObject({
          version: { version: 1, stage: 'production' },
          archived: [],
        });
        const promoted = await api('post', `${base}/versions/2/stage`).send({
          stage: 'production',
          comment: 'better AUC',
        });
        expect(promoted.status).toBe(200);
        expect(promoted.body.archived).toEqual([1]);
        expect((await api('get', `${base}/versions/1`)).body.stage).toBe(
          'archived',
        );
        expect(
          (
            await api('get', `${base}/versions?stage=production`)
          ).body.items.map((v: any) => v.version),
        ).toEqual([2]);

        expect(
          (await api('put', `${base}/aliases/champion`).send({ version: 1 }))
            .body,
        ).toEqual({
          alias: 'champion',
          version: 1,
        });
        expect(
          (await api('put', `${base}/aliases/champion`).send({ version: 2 }))
            .body,
        ).toEqual({
          alias: 'champion',
          version: 2,
          previousVersion: 1,
        });
        expect(
          (await api('get', `${base}/aliases/champion`)).body.version,
        ).toBe(2);
        expect((await api('get', `${base}/aliases`)).body.items).toEqual([
          expect.objectContaining({
            alias: 'champion',
            version: 2,
            updatedBy: OWNER,
          }),
        ]);
        expect(
          (await api('get', `${base}/versions?alias=champion`)).body.items.map(
            (v: any) => v.version,
          ),
        ).toEqual([2]);

        const summary = await api('get', base);
        expect(summary.body).toMatchObject({
          versionCount: 2,
          latestVersion: 2,
          stageOccupants: { production: 2 },
          aliases: { champion: 2 },
        });
        const models = await api('get', '/models');
        expect(
          models.body.items.find((m: any) => m.name === 'fraud-detector')
            .summary.stageOccupants,
        ).toEqual({
          production: 2,
        });

        // Lineage: a fine-tuned child model, and "which versions were trained on X".
        await api('post', '/models/default/base-encoder/versions').send({
          source: 's3://models/base/1',
        });
        expect(
          (
            await api('post', `${base}/versions/2/lineage`).send({
              edges: [
                {
                  relation: 'fineTunedFrom',
                  entityRef: 'mlmodel:default/base-encoder',
                  version: 1,
                },
                {
                  relation: 'trainedOn',
                  entityRef: 'resource:default/card-transactions',
                },
              ],
            })
          ).status,
        ).toBe(201);
        const lineage = await api(
          'get',
          `${base}/versions/2/lineage?direction=upstream&depth=2`,
        );
        expect(lineage.body.edges).toEqual(
          expect.arrayContaining([
            {
              from: 'version:mlmodel:default/fraud-detector@2',
              to: 'version:mlmodel:default/base-encoder@1',
              relation: 'fineTunedFrom',
            },
            {
              from: 'version:mlmodel:default/fraud-detector@2',
              to: 'entity:resource:default/card-transactions',
              relation: 'trainedOn',
            },
          ]),
        );
        const downstream = await api(
          'get',
          '/models/default/base-encoder/versions/1/lineage?direction=downstream',
        );
        expect(downstream.body.nodes.map((n: any) => n.id)).toContain(
          'version:mlmodel:default/fraud-detector@2',
        );
        const dependents = await api(
          'get',
          `/lineage/dependents?target=${encodeURIComponent(
            'resource:default/card-transactions',
          )}&relation=trainedOn`,
        );
        expect(dependents.body.items.map((e: any) => e.version).sort()).toEqual(
          [1, 2],
        );
        const descendants = await api(
          'get',
          '/models/default/base-encoder/descendants',
        );
        expect(descendants.body.items).toEqual([
          expect.objectContaining({
            modelRef: 'mlmodel:default/fraud-detector',
            version: 2,
            depth: 1,
          }),
        ]);

        // Delete keeps the number reserved and the history.
        await api('delete', `${base}/aliases/champion`).expect(204);
        expect((await api('delete', `${base}/versions/2`)).status).toBe(409); // production
        await api('delete', `${base}/versions/1?comment=obsolete`).expect(204);
        expect((await api('get', `${base}/versions/1`)).status).toBe(404);
        expect(
          (await api('post', `${base}/versions`).send({ source: source(3) }))
            .body.version,
        ).toBe(3);

        const history = await api('get', `${base}/versions/1/history`);
        expect(history.body.items.map((h: any) => h.action)).toEqual([
          'version.delete',
          'alias.set',
          'version.stage',
          'version.stage',
          'version.update',
          'version.register',
        ]);
        expect(history.body.items[0]).toMatchObject({
          actor: OWNER,
          comment: 'obsolete',
        });
        expect(history.body.items[2]).toMatchObject({
          before: { stage: 'production' },
          after: { stage: 'archived' },
          comment: 'Replaced in production by version 2: better AUC',
        });
        const modelHistory = await api('get', `${base}/history?limit=100`);
        expect(modelHistory.body.items.length).toBeGreaterThanOrEqual(12);

        expect(auditEvents.length).toBeGreaterThan(10);
        expect(
          auditEvents.every(
            e => e.status === 'succeeded' || e.status === 'failed',
          ),
        ).toBe(true);
        expect(
          auditEvents.find(e => e.actionType === 'version.stage')?.status,
        ).toBe('succeeded');
      } finally {
        await backend.stop();
      }
    },
  );

  it.each(databases.eachSupportedId())(
    'returns the same version for a retried registration on %p',
    async id => {
      const { backend, api } = await startRegistry(id);
      try {
        const path = '/models/default/fraud-detector/versions';
        const first = await api('post', path)
          .set('Idempotency-Key', 'pipeline-run-42')
          .send({ source: source(1) });
        const retry = await api('post', path)
          .set('Idempotency-Key', 'pipeline-run-42')
          .send({ source: source(1) });
        expect(first.status).toBe(201);
        expect(retry.status).toBe(200);
        expect(retry.body.version).toBe(first.body.version);
        const other = await api('post', path)
          .set('Idempotency-Key', 'pipeline-run-43')
          .send({ source: source(2) });
        expect(other.body.version).toBe(2);
        expect((await api('get', `${path}?limit=100`)).body.items).toHaveLength(
          2,
        );
        // A retry after the version was deleted neither brings it back nor creates another.
        await api('delete', `${path}/1`).expect(204);
        const late = await api('post', path)
          .set('Idempotency-Key', 'pipeline-run-42')
          .send({ source: source(1) });
        expect(late.status).toBe(409);
        expect(late.body.error.message).toContain('was deleted');
        expect((await api('get', `${path}?limit=100`)).body.items).toHaveLength(
          1,
        );
      } finally {
        await backend.stop();
      }
    },
  );

  it.each(databases.eachSupportedId())(
    'hides models the caller cannot read (404, left out of lists) on %p',
    async id => {
      const { backend, api } = await startRegistry(id);
      try {
        const secret = '/models/default/secret-model';
        expect(
          (await api('post', `${secret}/versions`).send({ source: 's3://m/1' }))
            .status,
        ).toBe(201);
        await api('post', `${secret}/versions/1/lineage`)
          .send({
            edges: [
              {
                relation: 'trainedOn',
                entityRef: 'resource:default/card-transactions',
              },
            ],
          })
          .expect(201);
        for (const [method, path] of [
          ['get', secret],
          ['get', `${secret}/versions`],
          ['get', `${secret}/versions/1`],
          ['get', `${secret}/versions/1/lineage`],
          ['get', `${secret}/versions/1/history`],
          ['get', `${secret}/history`],
          ['get', `${secret}/aliases`],
          ['get', `${secret}/descendants`],
          ['post', `${secret}/versions`],
          ['post', `${secret}/versions/1/stage`],
          ['put', `${secret}/aliases/champion`],
          ['delete', `${secret}/versions/1`],
        ] as const) {
          let body: object = {};
          if (path.endsWith('/versions')) body = { source: 's3://m/2' };
          if (path.endsWith('/stage')) body = { stage: 'staging' };
          if (method === 'put') body = { version: 1 };
          const res = await api(method, path, mallory).send(body);
          expect([method, path, res.status]).toEqual([method, path, 404]);
          expect(res.body.error.name).toBe('NotFoundError');
        }
        const models = await api('get', '/models', mallory);
        expect(models.body.items.map((m: any) => m.name)).not.toContain(
          'secret-model',
        );
        expect(models.body.totalCount).toBe(2);
        const dependents = await api(
          'get',
          `/lineage/dependents?target=${encodeURIComponent(
            'resource:default/card-transactions',
          )}`,
          mallory,
        );
        expect([dependents.status, dependents.body]).toEqual([
          200,
          { items: [] },
        ]);
        // Nothing changed through the denied calls.
        expect(
          (await api('get', `${secret}/versions`)).body.items.map(
            (v: any) => v.version,
          ),
        ).toEqual([1]);
      } finally {
        await backend.stop();
      }
    },
  );

  describe('permissions', () => {
    const base = '/models/default/fraud-detector';
    const cases: Array<[string, string, string, any, number]> = [
      [
        'model-registry.version.register',
        'post',
        `${base}/versions`,
        { source: 's3://m/9' },
        201,
      ],
      [
        'model-registry.version.update',
        'patch',
        `${base}/versions/1`,
        { description: 'x' },
        200,
      ],
      [
        'model-registry.version.update',
        'post',
        `${base}/versions/1/lineage`,
        {
          edges: [
            { relation: 'builtFromCommit', uri: 'https://example.com/c/1' },
          ],
        },
        201,
      ],
      [
        'model-registry.version.stage',
        'post',
        `${base}/versions/1/stage`,
        { stage: 'staging' },
        200,
      ],
      [
        'model-registry.version.promote-production',
        'post',
        `${base}/versions/1/stage`,
        { stage: 'production' },
        200,
      ],
      [
        'model-registry.alias.manage',
        'put',
        `${base}/aliases/champion`,
        { version: 1 },
        200,
      ],
      [
        'model-registry.version.delete',
        'delete',
        `${base}/versions/1`,
        undefined,
        204,
      ],
      [
        'model-registry.model.create',
        'post',
        '/models',
        { name: 'new-model', owner: 'group:default/risk-ml', type: 'llm' },
        201,
      ],
    ];

    it.each(databases.eachSupportedId())(
      'allows and denies each permission on %p',
      async id => {
        const outcomes: unknown[] = [];
        const expected: unknown[] = [];
        for (const [permission, method, path, body, okStatus] of cases) {
          for (const result of [AuthorizeResult.DENY, AuthorizeResult.ALLOW]) {
            const { backend, api, auditEvents } = await startRegistry(id, {
              [permission]: result,
            });
            try {
              if (permission !== 'model-registry.version.register') {
                await api('post', `${base}/versions`)
                  .send({ source: 's3://m/1' })
                  .expect(201);
              }
              const historyLength = async () =>
                (await api('get', `${base}/history?limit=100`)).body.items
                  ?.length ?? 0;
              const before = await historyLength();
              const res = await api(method as any, path).send(body);
              const denied = result === AuthorizeResult.DENY;
              outcomes.push({
                permission,
                result,
                status: res.status,
                error: res.body.error?.name,
                unchanged: (await historyLength()) === before,
                audit: auditEvents[auditEvents.length - 1].status,
              });
              expected.push({
                permission,
                result,
                status: denied ? 403 : okStatus,
                error: denied ? 'NotAllowedError' : undefined,
                // the model's history grows only when the call was allowed (creating
                // another model leaves this model's history alone)
                unchanged:
                  denied || permission === 'model-registry.model.create',
                audit: denied ? 'failed' : 'succeeded',
              });
            } finally {
              await backend.stop();
            }
          }
        }
        expect(outcomes).toEqual(expected);
      },
    );

    it.each(databases.eachSupportedId())(
      'gates production separately from other stages on %p',
      async id => {
        const { backend, api } = await startRegistry(id, {
          'model-registry.version.promote-production': AuthorizeResult.DENY,
        });
        try {
          await api('post', `${base}/versions`)
            .send({ source: 's3://m/1' })
            .expect(201);
          await api('post', `${base}/versions/1/stage`)
            .send({ stage: 'staging' })
            .expect(200);
          await api('post', `${base}/versions/1/stage`)
            .send({ stage: 'production' })
            .expect(403);
          expect((await api('get', `${base}/versions/1`)).body.stage).toBe(
            'staging',
          );
        } finally {
          await backend.stop();
        }
      },
    );
  });

  it.each(databases.eachSupportedId())(
    'rejects bad input with a 400 that names the field, storing nothing, on %p',
    async id => {
      const { backend, api } = await startRegistry(id);
      try {
        const base = '/models/default/fraud-detector';
        await api('post', `${base}/versions`)
          .send({ source: 's3://m/1' })
          .expect(201);
        const cases: Array<[string, string, string, any, string]> = [
          // source fuzz table
          ...[
            'file:///etc/passwd',
            'FILE:/etc/passwd',
            '/etc/passwd',
            'relative/path/model.pkl',
            '../../secrets',
            's3://bucket/../other',
            's3://bucket/%2e%2e/other',
            's3://bucket/%252e%252e/other',
            's3://bucket\\..\\other',
            's3://bucket/model;jsessionid=1',
            's3://bucket/model#frag',
            '',
            `s3://bucket/${'a'.repeat(2100)}`,
            // eslint-disable-next-line no-script-url -- a source that must be rejected
            'javascript:alert(1)',
            'ftp://host/model',
            's3://',
          ].map(
            s =>
              [
                'post',
                `${base}/versions`,
                'source',
                { source: s },
                'source',
              ] as [string, string, string, any, string],
          ),
          ['post', `${base}/versions`, 'missing source', {}, 'source'],
          [
            'post',
            `${base}/versions`,
            'metric type',
            { source: 's3://m/2', metrics: { auc: 'high' } },
            'metrics',
          ],
          [
            'post',
            `${base}/versions`,
            'tag key',
            { source: 's3://m/2', tags: { '../x': 'y' } },
            'tags.../x',
          ],
          [
            'post',
            `${base}/versions`,
            'tag value length',
            { source: 's3://m/2', tags: { k: 'v'.repeat(5001) } },
            'tags.k',
          ],
          [
            'post',
            `${base}/versions`,
            'tag key length',
            { source: 's3://m/2', tags: { ['k'.repeat(251)]: 'v' } },
            'tags.',
          ],
          [
            'post',
            `${base}/versions`,
            'status',
            { source: 's3://m/2', status: 'done' },
            'status',
          ],
          [
            'post',
            `${base}/versions`,
            'unknown field',
            { source: 's3://m/2', owner: 'x' },
            'owner',
          ],
          [
            'post',
            `${base}/versions`,
            'run link',
            { source: 's3://m/2', runLink: 'not a url' },
            'runLink',
          ],
          [
            'post',
            `${base}/versions`,
            'lineage relation',
            {
              source: 's3://m/2',
              lineage: [{ relation: 'inspiredBy', uri: 'https://x' }],
            },
            'lineage',
          ],
          [
            'post',
            `${base}/versions`,
            'lineage target',
            {
              source: 's3://m/2',
              lineage: [
                { relation: 'trainedOn', entityRef: 'card-transactions' },
              ],
            },
            'lineage[0].entityRef',
          ],
          [
            'post',
            `${base}/versions/1/stage`,
            'unknown stage',
            { stage: 'prod' },
            'stage',
          ],
          [
            'get',
            `${base}/versions?limit=101`,
            'limit over the cap',
            undefined,
            'limit',
          ],
          [
            'get',
            `${base}/versions?cursor=garbage`,
            'cursor',
            undefined,
            'cursor',
          ],
          ['get', `${base}/versions/0`, 'version number', undefined, 'version'],
          [
            'get',
            `${base}/versions/1/lineage?depth=50`,
            'depth',
            undefined,
            'depth',
          ],
          // alias fuzz table
          ...[
            'latest',
            'LATEST',
            'v1',
            'V12',
            'a:b',
            'a%25b',
            'a b',
            'x'.repeat(256),
          ].map(
            a =>
              [
                'put',
                `${base}/aliases/${encodeURIComponent(a)}`,
                `alias ${a}`,
                { version: 1 },
                'alias',
              ] as [string, string, string, any, string],
          ),
          // model name fuzz table (API-registered models)
          ...['Bad_Name', 'a/b', 'a:b', 'a%b', 'ab', 'x'.repeat(64), ''].map(
            n =>
              [
                'post',
                '/models',
                `model name ${n}`,
                { name: n, owner: 'group:default/risk-ml', type: 'llm' },
                'name',
              ] as [string, string, string, any, string],
          ),
          [
            'post',
            '/models',
            'model owner',
            { name: 'good-name', owner: 'component:default/x', type: 'llm' },
            'spec.owner',
          ],
          [
            'post',
            '/models',
            'model without owner',
            { name: 'good-name', type: 'llm' },
            'owner',
          ],
        ];
        for (const [method, path, label, body, field] of cases) {
          const res = await api(method as any, path).send(body);
          expect([label, res.status]).toEqual([label, 400]);
          expect([label, res.body.error.message]).toEqual([
            label,
            expect.stringContaining(field),
          ]);
        }
        const versions = await api('get', `${base}/versions?limit=100`);
        expect(versions.body.items.map((v: any) => v.version)).toEqual([1]);
        expect((await api('get', `${base}/aliases`)).body.items).toEqual([]);
        expect(
          (await api('get', '/models')).body.items.map((m: any) => m.name),
        ).toEqual(['base-encoder', 'fraud-detector', 'secret-model']);
      } finally {
        await backend.stop();
      }
    },
  );

  it.each(databases.eachSupportedId())(
    'needs credentials on every route on %p',
    async id => {
      const { backend } = await startRegistry(id);
      try {
        const routes: Array<[string, string]> = [
          ['get', '/models'],
          ['post', '/models'],
          ['get', '/models/default/fraud-detector'],
          ['delete', '/models/default/fraud-detector'],
          ['get', '/models/default/fraud-detector/versions'],
          ['post', '/models/default/fraud-detector/versions'],
          ['get', '/models/default/fraud-detector/versions/1'],
          ['patch', '/models/default/fraud-detector/versions/1'],
          ['delete', '/models/default/fraud-detector/versions/1'],
          ['post', '/models/default/fraud-detector/versions/1/stage'],
          ['get', '/models/default/fraud-detector/versions/1/lineage'],
          ['post', '/models/default/fraud-detector/versions/1/lineage'],
          ['get', '/models/default/fraud-detector/versions/1/history'],
          ['get', '/models/default/fraud-detector/aliases'],
          ['get', '/models/default/fraud-detector/aliases/champion'],
          ['put', '/models/default/fraud-detector/aliases/champion'],
          ['delete', '/models/default/fraud-detector/aliases/champion'],
          ['get', '/models/default/fraud-detector/history'],
          ['get', '/models/default/fraud-detector/descendants'],
          ['get', '/lineage/dependents?target=resource%3Adefault%2Fx'],
          ['get', '/entity-provider/models'],
        ];
        for (const [method, path] of routes) {
          const res = await (request(backend.server) as any)
            [method](`/api/model-registry${path}`)
            .send({});
          expect([method, path, res.status]).toEqual([method, path, 401]);
        }
        // The entity provider route takes service credentials only.
        const asUser = await request(backend.server)
          .get('/api/model-registry/entity-provider/models')
          .set('Authorization', alice);
        expect(asUser.status).toBe(403);
        const asService = await request(backend.server)
          .get('/api/model-registry/entity-provider/models')
          .set('Authorization', mockCredentials.service.header());
        expect(asService.status).toBe(200);
      } finally {
        await backend.stop();
      }
    },
  );

  it.each(databases.eachSupportedId())(
    'registers and deletes models through the API on %p',
    async id => {
      const { backend, api, knex } = await startRegistry(id);
      try {
        // A dry run checks and writes nothing.
        const newModel = {
          name: 'api-model',
          owner: 'group:default/risk-ml',
          type: 'classification',
        };
        const check = await api('post', '/models?dryRun=true').send(newModel);
        expect(check.status).toBe(200);
        expect(check.body.entityRef).toBe('mlmodel:default/api-model');
        expect(
          Number((await knex('models').count({ n: '*' }).first())!.n),
        ).toBe(0);
        expect(
          (await api('post', '/models?dryRun=true', mallory).send(newModel))
            .status,
        ).toBe(403);
        const badFlag = await api('post', '/models?dryRun=maybe').send(
          newModel,
        );
        expect(badFlag.status).toBe(400);
        expect(badFlag.body.error.message).toMatch(/dryRun/);
        expect(
          (
            await api('post', '/models?dryRun=true').send({
              ...newModel,
              name: 'Bad_Name',
            })
          ).status,
        ).toBe(400);
        expect(
          (
            await api('post', '/models?dryRun=true').send({
              ...newModel,
              name: 'fraud-detector',
            })
          ).status,
        ).toBe(409);

        // Only for an owner one belongs to (a 403 naming the owner); nothing stored.
        const foreign = await api('post', '/models').send({
          ...newModel,
          owner: 'group:default/nlp-ml',
        });
        expect(foreign.status).toBe(403);
        expect(foreign.body.error.message).toMatch(
          /^owner group:default\/nlp-ml: you may only register models owned by a group you belong to/,
        );
        expect(
          Number((await knex('models').count({ n: '*' }).first())!.n),
        ).toBe(0);

        const created = await api('post', '/models').send({
          name: 'api-model',
          owner: 'group:default/risk-ml',
          type: 'classification',
          title: 'API model',
          dependsOn: ['resource:default/card-transactions'],
        });
        expect(created.status).toBe(201);
        expect(created.body).toEqual({
          entityRef: 'mlmodel:default/api-model',
          entity: {
            apiVersion: 'model-registry.dev/v1alpha1',
            kind: 'MLModel',
            metadata: {
              name: 'api-model',
              namespace: 'default',
              title: 'API model',
            },
            spec: {
              type: 'classification',
              lifecycle: 'experimental',
              owner: 'group:default/risk-ml',
              dependsOn: ['resource:default/card-transactions'],
            },
          },
        });
        expect(
          (
            await api('post', '/models').send({
              name: 'api-model',
              owner: 'risk-ml',
              type: 'llm',
            })
          ).status,
        ).toBe(409);
        expect(
          (await api('post', '/models?dryRun=true').send(newModel)).status,
        ).toBe(409);
        // A model that already exists in the catalog cannot be registered again.
        expect(
          (
            await api('post', '/models').send({
              name: 'fraud-detector',
              owner: 'risk-ml',
              type: 'llm',
            })
          ).status,
        ).toBe(409);
        // ...also one the caller cannot see (only Alice may read secret-model): the name is
        // taken, whoever asks.
        const hidden = await api(
          'post',
          '/models',
          mockCredentials.user.header('user:default/bob'),
        ).send({
          name: 'secret-model',
          owner: 'user:default/bob',
          type: 'llm',
        });
        expect(hidden.status).toBe(409);
        const provided = await request(backend.server)
          .get('/api/model-registry/entity-provider/models')
          .set('Authorization', mockCredentials.service.header());
        expect(provided.body.items.map((m: any) => m.entityRef)).toEqual([
          'mlmodel:default/api-model',
        ]);
      } finally {
        await backend.stop();
      }
    },
  );
  it.each(databases.eachSupportedId())(
    'lists the models with a version in a stage across catalog pages on %p',
    async id => {
      const many = Array.from({ length: 250 }, (_, i) =>
        model(`m-${String(i).padStart(3, '0')}`),
      );
      const { backend, api } = await startRegistry(id, {}, many);
      try {
        const staged = ['m-007', 'm-057', 'm-107', 'm-157', 'm-207'];
        for (const name of [...staged, 'm-008']) {
          const path = `/models/default/${name}/versions`;
          expect(
            (await api('post', path).send({ source: `s3://m/${name}` })).status,
          ).toBe(201);
        }
        for (const name of staged) {
          expect(
            (
              await api(
                'post',
                `/models/default/${name}/versions/1/stage`,
              ).send({ stage: 'staging' })
            ).status,
          ).toBe(200);
        }

        const all = async (query: string) => {
          const names: string[] = [];
          const pages: number[] = [];
          let cursor: string | undefined;
          for (let i = 0; i < 20; i++) {
            const res = await api(
              'get',
              `/models?${query}${
                cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''
              }`,
            );
            expect(res.status).toBe(200);
            expect(res.body.totalCount).toBeUndefined();
            names.push(...res.body.items.map((m: any) => m.name));
            pages.push(res.body.items.length);
            cursor = res.body.nextCursor;
            if (!cursor) break;
          }
          return { names, pages };
        };
        // limit 1 resumes inside a catalog page; limit 2 at page boundaries
        for (const limit of [1, 2, 100]) {
          const { names, pages } = await all(`stage=staging&limit=${limit}`);
          expect(names).toEqual(staged);
          expect(Math.max(...pages)).toBeLessThanOrEqual(limit);
        }
        // a stage that is not single-occupancy, and one no model has
        expect((await all('stage=none')).names).toEqual(['m-008']);
        expect((await all('stage=archived')).names).toEqual([]);

        const bad = await api('get', '/models?stage=bogus');
        expect(bad.status).toBe(400);
        expect(bad.body.error.message).toMatch(/^stage /);
        const first = await api('get', '/models?stage=staging&limit=1');
        const wrong = await api(
          'get',
          `/models?stage=none&cursor=${encodeURIComponent(
            first.body.nextCursor,
          )}`,
        );
        expect(wrong.status).toBe(400);
        expect(wrong.body.error.message).toMatch(/cursor/);
      } finally {
        await backend.stop();
      }
    },
  );
});
