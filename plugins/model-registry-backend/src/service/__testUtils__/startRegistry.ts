import {
  BackendFeature,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
// src/testing is imported by tests only, so its dev dependencies are the package's
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestBackend,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import {
  notificationService,
  NotificationSendOptions,
} from '@backstage/plugin-notifications-node';
import {
  SignalPayload,
  signalsServiceRef,
} from '@backstage/plugin-signals-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { Knex } from 'knex';
import request from 'supertest';
import { catalogApiServiceRef } from '../catalogApiServiceRef';
import { modelRegistryPlugin } from '../../plugin';
import { FakeCatalog, FakeModelOptions } from './FakeCatalog';

/** A user in risk-ml (the default owner of test models), allowed every permission. */
export const ALICE = 'user:default/alice';
/** A user denied every permission unless a test decides otherwise. */
export const MALLORY = 'user:default/mallory';
/** A user in no group, allowed every permission. */
export const BOB = 'user:default/bob';

/** Authorization headers of the test callers. */
export const callers = {
  alice: mockCredentials.user.header(ALICE),
  mallory: mockCredentials.user.header(MALLORY),
  bob: mockCredentials.user.header(BOB),
  service: mockCredentials.service.header(),
};

/** An HTTP method of the registry API. */
export type ApiMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** An auditor event as the fake auditor records it. */
export type AuditRecord = {
  actionType: unknown;
  status: 'initiated' | 'succeeded' | 'failed';
  meta: any;
};

/** A model a test placed in the fake catalog. */
export type TestModel = {
  name: string;
  namespace: string;
  /** The lower-cased entity ref, as the registry keys its rows. */
  ref: string;
  /** The API path of the model, `/models/<namespace>/<name>`. */
  path: string;
  entity: Entity;
};

/** Memberships the fake user-info service reports (besides the user's own ref). */
const MEMBERSHIPS: Record<string, string[]> = {
  [ALICE]: ['group:default/risk-ml'],
};

/**
 * One running registry backend on one database, shared by the tests of a file: each test
 * adds its own models (unique names), sets its permission decisions, and reads the audit
 * events of its own requests (both reset before each test).
 */
export class TestRegistry {
  /** The catalog the registry reads models from. */
  readonly catalog = new FakeCatalog();
  /** The auditor events of the current test. */
  readonly auditEvents: AuditRecord[] = [];
  /** The notifications the registry sent during the current test. */
  readonly notifications: NotificationSendOptions[] = [];
  /** The signals the registry published during the current test. */
  readonly signals: Array<SignalPayload<any>> = [];
  /**
   * The backend's scheduler: tasks run once at start, then only when a test runs them
   * (`runTask`), e.g. the event dispatcher and the webhook delivery worker.
   */
  readonly scheduler = mockServices.scheduler() as ReturnType<
    typeof mockServices.scheduler
  > & {
    factory(): BackendFeature;
    triggerTask(id: string): Promise<void>;
  };
  private readonly decisions = new Map<string, AuthorizeResult>();
  private backend?: TestBackend;
  private database?: Knex;
  private counter = 0;

  constructor(
    private readonly databases: TestDatabases,
    private readonly databaseId: TestDatabaseId,
    /** The backend's configuration, read when it starts. */
    private readonly config: () => Record<string, any> = () => ({}),
    /** More backend features, e.g. modules of the plugin. */
    private readonly features: BackendFeature[] = [],
  ) {}

  /** The registry's database (for checks the API cannot make). */
  get knex(): Knex {
    if (!this.database) throw new Error('the registry is not started');
    return this.database;
  }

  /** The backend's HTTP server, for requests without credentials. */
  get server(): TestBackend['server'] {
    if (!this.backend) throw new Error('the registry is not started');
    return this.backend.server;
  }

  /** Starts the backend (in beforeAll). */
  async start(
    /** Another replica's database (a second pool on it): both backends share the data. */
    shared?: Knex,
  ) {
    this.database = shared ?? (await this.databases.init(this.databaseId));
    this.backend = await startTestBackend({
      features: [
        modelRegistryPlugin,
        mockServices.rootConfig.factory({ data: this.config() }),
        this.scheduler.factory(),
        ...this.features,
        mockServices.database.factory({ knex: this.database }),
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
        }),
        mockServices.permissions.mock({
          authorize: async (requests: any[], options: any) =>
            requests.map(r => ({
              result: this.decide(
                r.permission.name,
                options.credentials.principal.userEntityRef,
              ),
            })) as any,
        }).factory,
        mockServices.userInfo.mock({
          async getUserInfo(credentials: any) {
            const ref = credentials.principal.userEntityRef;
            return {
              userEntityRef: ref,
              ownershipEntityRefs: [ref, ...(MEMBERSHIPS[ref] ?? [])],
            };
          },
        }).factory,
        mockServices.auditor.mock({
          createEvent: async options => {
            const record: AuditRecord = {
              actionType: options.meta?.actionType,
              status: 'initiated',
              meta: options.meta,
            };
            this.auditEvents.push(record);
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
          factory: () => this.catalog as any,
        }),
        createServiceFactory({
          service: notificationService,
          deps: {},
          factory: () => ({
            send: async (notice: NotificationSendOptions) => {
              this.notifications.push(notice);
            },
          }),
        }),
        createServiceFactory({
          service: signalsServiceRef,
          deps: {},
          factory: () => ({
            publish: async (signal: SignalPayload<any>) => {
              this.signals.push(signal);
            },
          }),
        }),
        // the plugin's token-based catalog client (service callers' reads): the same fake,
        // read as a service
        createServiceFactory({
          service: catalogApiServiceRef,
          deps: {},
          factory: () =>
            new Proxy(this.catalog, {
              get: (target, property) => {
                const value = Reflect.get(target, property);
                return typeof value === 'function'
                  ? (...args: unknown[]) =>
                      value.apply(target, [
                        ...args.slice(0, -1),
                        { credentials: mockCredentials.service() },
                      ])
                  : value;
              },
            }) as any,
        }),
      ],
    });
  }

  /** Runs a scheduled task of the registry now and waits for it to finish. */
  runTask(id: string): Promise<void> {
    return this.scheduler.triggerTask(id);
  }

  /** Publishes the outbox and posts the due webhook deliveries, once each. */
  async deliverEvents() {
    await this.runTask('model-registry-dispatch-events');
    await this.runTask('model-registry-deliver-webhooks');
  }

  /** Stops the backend (in afterAll). */
  async stop() {
    await this.backend?.stop();
  }

  /** Forgets the previous test's decisions and audit events (in beforeEach). */
  reset() {
    this.decisions.clear();
    this.auditEvents.length = 0;
    this.notifications.length = 0;
    this.signals.length = 0;
  }

  /** Decides a permission (by name) for every caller until the test ends. */
  setDecision(
    permission: string,
    result: AuthorizeResult.ALLOW | AuthorizeResult.DENY,
  ) {
    this.decisions.set(permission, result);
  }

  private decide(permission: string, user: string | undefined) {
    return (
      this.decisions.get(permission) ??
      (user === MALLORY ? AuthorizeResult.DENY : AuthorizeResult.ALLOW)
    );
  }

  /** A model name no other test of this backend uses: `<base>-<n>`. */
  uniqueName(base: string): string {
    this.counter += 1;
    return `${base}-${this.counter}`;
  }

  /** Adds a model with a unique name to the catalog. */
  addModel(base: string, options: FakeModelOptions = {}): TestModel {
    const entity = this.catalog.addModel(this.uniqueName(base), options);
    const namespace = entity.metadata.namespace ?? 'default';
    return {
      name: entity.metadata.name,
      namespace,
      ref: `mlmodel:${namespace}/${entity.metadata.name}`.toLocaleLowerCase(
        'en-US',
      ),
      path: `/models/${namespace}/${entity.metadata.name}`,
      entity,
    };
  }

  /** A request to `/api/model-registry<path>` as a caller (Alice by default). */
  api(method: ApiMethod, path: string, auth: string = callers.alice) {
    return request(this.server)
      [method](`/api/model-registry${path}`)
      .set('Authorization', auth);
  }

  /** Registers a version (as Alice unless told) and returns its number. */
  async registerVersion(
    model: TestModel,
    body: Record<string, unknown> = {},
    auth: string = callers.alice,
  ): Promise<number> {
    const res = await this.api('post', `${model.path}/versions`, auth).send({
      source: `s3://models/${model.name}/${this.uniqueName('v')}`,
      ...body,
    });
    if (res.status !== 201) {
      throw new Error(
        `registering a version of ${model.ref}: ${res.status} ${JSON.stringify(
          res.body,
        )}`,
      );
    }
    return res.body.version;
  }

  /** Whether the registry's database holds a row for the model (any registry data). */
  async hasModelRow(modelRef: string): Promise<boolean> {
    return Boolean(
      await this.knex('models')
        .where({ model_ref: modelRef.toLocaleLowerCase('en-US') })
        .first(),
    );
  }

  /** Every model ref the entity provider route lists (all pages, as a service). */
  async providedModelRefs(): Promise<string[]> {
    const refs: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 1000; page++) {
      const res = await this.api(
        'get',
        `/entity-provider/models?limit=100${
          cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''
        }`,
        callers.service,
      );
      if (res.status !== 200) {
        throw new Error(`entity provider list: ${res.status}`);
      }
      refs.push(
        ...res.body.items.map((m: { entityRef: string }) => m.entityRef),
      );
      cursor = res.body.nextCursor;
      if (!cursor) return refs;
    }
    throw new Error('the entity provider list does not end');
  }
}

/**
 * Declares a describe block per supported database (SQLite, and PostgreSQL when its
 * connection string is set) with one registry backend for all of the block's tests.
 */
export function describeRegistry(
  title: string,
  body: (registry: TestRegistry) => void,
  options: {
    config?: () => Record<string, any>;
    features?: BackendFeature[];
  } = {},
) {
  jest.setTimeout(60_000);
  const databases = TestDatabases.create({
    ids: ['SQLITE_3', 'POSTGRES_15'],
    disableDocker: true,
  });
  describe.each(databases.eachSupportedId())(`${title} on %p`, databaseId => {
    const registry = new TestRegistry(
      databases,
      databaseId,
      options.config,
      options.features,
    );
    beforeAll(() => registry.start());
    afterAll(() => registry.stop());
    beforeEach(() => registry.reset());
    body(registry);
  });
}

/** One request that must be refused: [method, path, label, body, field the message names]. */
export type BadInputCase = [ApiMethod, string, string, unknown, string];

/** Sends each case and expects a 400 whose message names the field (labels in failures). */
export async function expectBadInput(
  registry: TestRegistry,
  cases: BadInputCase[],
  auth: string = callers.alice,
) {
  for (const [method, path, label, body, field] of cases) {
    const res = await registry.api(method, path, auth).send(body as any);
    expect([label, res.status]).toEqual([label, 400]);
    expect([label, res.body.error?.message]).toEqual([
      label,
      expect.stringContaining(field),
    ]);
  }
}

/** A real cursor with one character changed, and the same with garbage appended. */
export function tamperedCursors(cursor: string): string[] {
  const at = Math.floor(cursor.length / 2);
  const flipped = `${cursor.slice(0, at)}${
    cursor[at] === 'A' ? 'B' : 'A'
  }${cursor.slice(at + 1)}`;
  return [flipped, `${cursor}x`, `${cursor}.garbage`];
}

/**
 * Sends `path` with each cursor (appended as `cursor=`) and expects a 400 naming the cursor.
 * Labels the failures with the cursor that was accepted.
 */
export async function expectCursorsRefused(
  registry: TestRegistry,
  path: string,
  cursors: string[],
  auth: string = callers.alice,
) {
  const separator = path.includes('?') ? '&' : '?';
  for (const cursor of cursors) {
    const res = await registry.api(
      'get',
      `${path}${separator}cursor=${encodeURIComponent(cursor)}`,
      auth,
    );
    expect([cursor, res.status]).toEqual([cursor, 400]);
    expect([cursor, res.body.error?.message]).toEqual([
      cursor,
      expect.stringContaining('cursor'),
    ]);
  }
}
