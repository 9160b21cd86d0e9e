import {
  AuthService,
  DiscoveryService,
  SchedulerServiceTaskInvocationDefinition,
} from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import {
  DeferredEntity,
  EntityProviderConnection,
  EntityProviderMutation,
} from '@backstage/plugin-catalog-node';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import {
  MODEL_REGISTRY_MODELS_TOPIC,
  RegistryModelEntityProvider,
} from './RegistryModelEntityProvider';

const API_PATH = '/api/model-registry';
const LIST_PATH = '/entity-provider/models';

function model(name: string, extra?: Partial<Entity['metadata']>): Entity {
  return {
    apiVersion: 'model-registry.dev/v1alpha1',
    kind: 'MLModel',
    metadata: { name, namespace: 'default', ...extra },
    spec: {
      type: 'classification',
      lifecycle: 'experimental',
      owner: 'group:default/risk-ml',
    },
  };
}

/** What the fake registry answers instead of following the contract. */
type Answer =
  | { status: number; json?: unknown; text?: string }
  /** Closes the connection without an answer (a network error for the client). */
  | 'reset'
  /** Never answers (the client's timeout has to end the request). */
  | 'hang';

/** Resolves when the test calls the returned `resolve`. */
function deferred<T = void>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>(r => {
    resolve = r;
  });
  return { promise, resolve };
}

/**
 * The registry's entity-provider routes over real HTTP, as the contract describes them:
 * `GET /entity-provider/models?limit=&cursor=` pages by entity ref with an opaque
 * cursor, `GET /entity-provider/models/{namespace}/{name}` answers one model or a 404
 * NotFoundError. A test can replace the next answers to a path with failures.
 */
class FakeRegistry {
  /** The API-registered models, by entity ref. */
  readonly models = new Map<string, Entity>();
  /** Every request, as path (below the plugin's base URL) and query. */
  readonly requests: Array<{ path: string; authorization?: string }> = [];
  private readonly overrides: Array<{
    path: string;
    answer: () => Promise<Answer>;
  }> = [];
  private readonly server = http.createServer((req, res) => {
    this.serve(req, res).catch(error => {
      res.statusCode = 599;
      res.end(String(error));
    });
  });

  async start(): Promise<string> {
    await new Promise<void>(resolve =>
      this.server.listen(0, '127.0.0.1', resolve),
    );
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}${API_PATH}`;
  }

  async stop() {
    this.server.closeAllConnections();
    await new Promise(resolve => this.server.close(resolve));
  }

  reset() {
    this.models.clear();
    this.requests.length = 0;
    this.overrides.length = 0;
  }

  add(...entities: Entity[]) {
    for (const entity of entities) {
      this.models.set(`mlmodel:default/${entity.metadata.name}`, entity);
    }
  }

  /** The next request to `path` (without the query) gets `answer` instead. */
  answerNext(path: string, answer: Answer | (() => Promise<Answer>)) {
    this.overrides.push({
      path,
      answer: typeof answer === 'function' ? answer : async () => answer,
    });
  }

  private async serve(req: http.IncomingMessage, res: http.ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://registry');
    const path = url.pathname.slice(API_PATH.length);
    this.requests.push({
      path: `${path}${url.search}`,
      authorization: req.headers.authorization,
    });
    const overrideIndex = this.overrides.findIndex(o => o.path === path);
    const answer =
      overrideIndex >= 0
        ? await this.overrides.splice(overrideIndex, 1)[0].answer()
        : this.answer(path, url.searchParams);
    if (answer === 'hang') {
      return;
    }
    if (answer === 'reset') {
      req.socket.destroy();
      return;
    }
    res.statusCode = answer.status;
    if (answer.json !== undefined) {
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify(answer.json));
    } else {
      res.end(answer.text ?? '');
    }
  }

  private answer(path: string, query: URLSearchParams): Answer {
    if (path === LIST_PATH) {
      const limit = Number(query.get('limit') ?? 20);
      if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
        return errorAnswer(400, 'InputError', 'limit must be 1 to 100');
      }
      const cursor = query.get('cursor');
      const after = cursor ? Buffer.from(cursor, 'base64url').toString() : '';
      const refs = [...this.models.keys()].sort().filter(ref => ref > after);
      const page = refs.slice(0, limit);
      return {
        status: 200,
        json: {
          items: page.map(ref => ({
            entityRef: ref,
            entity: this.models.get(ref),
          })),
          ...(refs.length > limit && {
            nextCursor: Buffer.from(page[page.length - 1]).toString(
              'base64url',
            ),
          }),
        },
      };
    }
    const one = path.match(/^\/entity-provider\/models\/([^/]+)\/([^/]+)$/);
    if (one) {
      const ref = `mlmodel:${one[1]}/${one[2]}`;
      const entity = this.models.get(ref);
      return entity
        ? { status: 200, json: { entityRef: ref, entity } }
        : errorAnswer(404, 'NotFoundError', `${ref} is not registered`);
    }
    return errorAnswer(404, 'NotFoundError', `no route ${path}`);
  }
}

/** An error as Backstage's error middleware serializes it. */
function errorAnswer(status: number, name: string, message: string): Answer {
  return {
    status,
    json: {
      error: { name, message },
      request: { method: 'GET', url: '/' },
      response: { statusCode: status },
    },
  };
}

/** Failed answers to any read: what it is, the answer, and what the warning says. */
const FAILED_ANSWERS: Array<[string, Answer, string]> = [
  ['a network error', 'reset', 'fetch failed'],
  [
    'an error status',
    errorAnswer(500, 'Error', 'boom'),
    'Request failed with 500',
  ],
  [
    'a body that is not JSON',
    { status: 200, text: '<html>oops</html>' },
    'is not valid JSON',
  ],
];

const SERVICE_AUTHORIZATION = `Bearer ${mockCredentials.service.token({
  onBehalfOf: mockCredentials.service('plugin:catalog'),
  targetPluginId: 'model-registry',
})}`;

describe('RegistryModelEntityProvider', () => {
  const registry = new FakeRegistry();
  let baseUrl: string;

  beforeAll(async () => {
    baseUrl = await registry.start();
  });
  afterAll(() => registry.stop());
  afterEach(() => registry.reset());

  function setup(options?: { auth?: AuthService; requestTimeoutMs?: number }) {
    const logger = mockServices.logger.mock();
    logger.child.mockReturnValue(logger);
    const discovery: DiscoveryService = {
      getBaseUrl: jest.fn(async () => baseUrl),
      getExternalBaseUrl: jest.fn(async () => baseUrl),
    };
    const auth = options?.auth ?? mockServices.auth({ pluginId: 'catalog' });
    const events = mockServices.events();
    const taskRunner = { run: jest.fn() };
    const mutations: EntityProviderMutation[] = [];
    const connection: jest.Mocked<EntityProviderConnection> = {
      applyMutation: jest.fn(async mutation => {
        mutations.push(mutation);
      }),
      refresh: jest.fn(),
    };
    const provider = new RegistryModelEntityProvider({
      discovery,
      auth,
      logger,
      taskRunner,
      events,
      requestTimeoutMs: options?.requestTimeoutMs,
    });
    /** Runs the scheduled full refresh once, as the scheduler would. */
    const runTask = async (signal = new AbortController().signal) => {
      const task = taskRunner.run.mock
        .calls[0][0] as SchedulerServiceTaskInvocationDefinition;
      await task.fn(signal);
    };
    /** Announces a change of the model, as the registry does. */
    const announce = (modelRef: unknown) =>
      events.publish({
        topic: MODEL_REGISTRY_MODELS_TOPIC,
        eventPayload: { modelRef },
      });
    const lastEntities = () => {
      const last = mutations[mutations.length - 1];
      if (last?.type !== 'full') throw new Error('no full mutation applied');
      return last.entities;
    };
    return {
      provider,
      logger,
      events,
      taskRunner,
      connection,
      mutations,
      runTask,
      announce,
      lastEntities,
    };
  }

  /** The entity this provider emits for `entity`. */
  function emitted(entity: Entity): DeferredEntity {
    const location = `model-registry:mlmodel:default/${entity.metadata.name}`;
    return {
      locationKey: 'RegistryModelEntityProvider',
      entity: {
        ...entity,
        metadata: {
          ...entity.metadata,
          annotations: {
            ...entity.metadata.annotations,
            'backstage.io/managed-by-location': location,
            'backstage.io/managed-by-origin-location': location,
          },
        },
      },
    };
  }

  it('schedules its refresh and subscribes to the registry topic on connect', async () => {
    const { provider, taskRunner, connection } = setup();
    await provider.connect(connection);

    expect(provider.getProviderName()).toBe('RegistryModelEntityProvider');
    expect(taskRunner.run).toHaveBeenCalledWith({
      id: 'RegistryModelEntityProvider:refresh',
      fn: expect.any(Function),
    });
    expect(MODEL_REGISTRY_MODELS_TOPIC).toBe('model-registry.models');
    // Connecting does not read the registry by itself; the scheduler runs the task.
    expect(registry.requests).toEqual([]);
  });

  it('applies every API-registered model as a full mutation with location annotations', async () => {
    const { provider, connection, runTask, lastEntities } = setup();
    registry.add(
      model('fraud-detector', {
        title: 'Fraud detector',
        annotations: { 'example.com/team': 'risk' },
      }),
      model('churn-model'),
    );
    await provider.connect(connection);
    await runTask();

    expect(registry.requests).toEqual([
      {
        path: `${LIST_PATH}?limit=100`,
        authorization: SERVICE_AUTHORIZATION,
      },
    ]);
    expect(connection.applyMutation).toHaveBeenCalledTimes(1);
    expect(connection.applyMutation.mock.calls[0][0].type).toBe('full');
    expect(lastEntities()).toEqual<DeferredEntity[]>([
      {
        locationKey: 'RegistryModelEntityProvider',
        entity: {
          ...model('churn-model'),
          metadata: {
            name: 'churn-model',
            namespace: 'default',
            annotations: {
              'backstage.io/managed-by-location':
                'model-registry:mlmodel:default/churn-model',
              'backstage.io/managed-by-origin-location':
                'model-registry:mlmodel:default/churn-model',
            },
          },
        },
      },
      {
        locationKey: 'RegistryModelEntityProvider',
        entity: {
          ...model('fraud-detector'),
          metadata: {
            name: 'fraud-detector',
            namespace: 'default',
            title: 'Fraud detector',
            annotations: {
              'example.com/team': 'risk',
              'backstage.io/managed-by-location':
                'model-registry:mlmodel:default/fraud-detector',
              'backstage.io/managed-by-origin-location':
                'model-registry:mlmodel:default/fraud-detector',
            },
          },
        },
      },
    ]);
  });

  it('reads every page, following the cursor, before applying one full mutation', async () => {
    const { provider, connection, runTask, mutations } = setup();
    const names = Array.from(
      { length: 250 },
      (_, i) => `model-${String(i).padStart(3, '0')}`,
    );
    registry.add(...names.map(name => model(name)));
    await provider.connect(connection);
    await runTask();

    expect(registry.requests.map(r => r.path)).toEqual([
      `${LIST_PATH}?limit=100`,
      `${LIST_PATH}?limit=100&cursor=${Buffer.from(
        'mlmodel:default/model-099',
      ).toString('base64url')}`,
      `${LIST_PATH}?limit=100&cursor=${Buffer.from(
        'mlmodel:default/model-199',
      ).toString('base64url')}`,
    ]);
    expect(
      registry.requests.every(r => r.authorization === SERVICE_AUTHORIZATION),
    ).toBe(true);
    expect(mutations).toHaveLength(1);
    expect(mutations[0]).toEqual({
      type: 'full',
      entities: names.map(name => emitted(model(name))),
    });
  });

  it('refreshes on request, after connecting', async () => {
    const { provider, connection, logger, mutations } = setup();
    registry.add(model('m1'));

    await expect(provider.refresh()).resolves.toBeUndefined();
    expect(registry.requests).toEqual([]);
    expect(logger.warn).toHaveBeenCalledWith(
      'Not connected to the catalog yet; skipping a refresh',
    );

    await provider.connect(connection);
    await provider.refresh();
    expect(mutations).toEqual([
      { type: 'full', entities: [emitted(model('m1'))] },
    ]);
  });

  it('applies an empty full mutation when the registry has no models, removing deleted ones', async () => {
    const { provider, connection, runTask, mutations } = setup();
    registry.add(model('gone-soon'));
    await provider.connect(connection);
    await runTask();
    registry.models.clear();
    await runTask();

    expect(mutations).toEqual([
      { type: 'full', entities: [emitted(model('gone-soon'))] },
      { type: 'full', entities: [] },
    ]);
  });

  it.each<[string, Answer | 'later page', string]>([
    ...FAILED_ANSWERS,
    [
      'a body without items',
      { status: 200, json: { models: [] } },
      'items is not iterable',
    ],
    [
      'a malformed item',
      {
        status: 200,
        json: {
          items: [
            { entityRef: 'mlmodel:default/fine', entity: model('fine') },
            {
              entityRef: 'mlmodel:default/broken',
              entity: { kind: 'MLModel' },
            },
          ],
        },
      },
      'annotations',
    ],
    ['a failure on a later page', 'later page', 'Request failed with 503'],
  ])(
    'keeps the previous models, logs and retries on %s',
    async (_, failure, message) => {
      const { provider, connection, runTask, logger, lastEntities } = setup();
      registry.add(model('fraud-detector'));
      await provider.connect(connection);
      await runTask();
      expect(connection.applyMutation).toHaveBeenCalledTimes(1);

      registry.add(model('new-one'));
      if (failure === 'later page') {
        // Two pages are read and the second fails: the first alone is never applied.
        registry.answerNext(LIST_PATH, async () => {
          registry.answerNext(
            LIST_PATH,
            errorAnswer(503, 'ServiceUnavailableError', 'busy'),
          );
          return {
            status: 200,
            json: {
              items: [
                {
                  entityRef: 'mlmodel:default/filler-0',
                  entity: model('filler-0'),
                },
              ],
              nextCursor: 'page-2',
            },
          };
        });
      } else {
        registry.answerNext(LIST_PATH, failure);
      }
      await expect(runTask()).resolves.toBeUndefined();

      // No mutation at all: in particular no empty or partial full mutation.
      expect(connection.applyMutation).toHaveBeenCalledTimes(1);
      expect(lastEntities().map(e => e.entity.metadata.name)).toEqual([
        'fraud-detector',
      ]);
      expect(logger.warn).toHaveBeenCalledWith(
        expect.stringContaining(message),
      );
      expect(logger.warn).toHaveBeenCalledWith(
        expect.stringContaining(
          'the catalog keeps its current models until the next attempt',
        ),
      );

      // The next run recovers.
      registry.models.clear();
      registry.add(model('fraud-detector'), model('new-one'));
      await runTask();
      expect(connection.applyMutation).toHaveBeenCalledTimes(2);
      expect(lastEntities().map(e => e.entity.metadata.name)).toEqual([
        'fraud-detector',
        'new-one',
      ]);
    },
  );

  it('stops a full refresh the scheduler aborts between pages, applying nothing', async () => {
    const { provider, connection, runTask, logger } = setup();
    const scheduler = new AbortController();
    registry.answerNext(LIST_PATH, async () => {
      // The scheduler's timeout strikes while the first page is read.
      scheduler.abort(new Error('the task timed out'));
      return {
        status: 200,
        json: {
          items: [{ entityRef: 'mlmodel:default/m1', entity: model('m1') }],
          nextCursor: 'page-2',
        },
      };
    });
    await provider.connect(connection);

    await expect(runTask(scheduler.signal)).resolves.toBeUndefined();
    expect(registry.requests).toHaveLength(1);
    expect(connection.applyMutation).not.toHaveBeenCalled();
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('the task timed out'),
    );
  });

  it('gives up on a registry that answers the same cursor again', async () => {
    const { provider, connection, runTask, logger } = setup();
    const page = {
      status: 200,
      json: {
        items: [{ entityRef: 'mlmodel:default/m1', entity: model('m1') }],
        nextCursor: 'same',
      },
    };
    registry.answerNext(LIST_PATH, page);
    registry.answerNext(LIST_PATH, page);
    await provider.connect(connection);

    await expect(runTask()).resolves.toBeUndefined();
    expect(registry.requests).toHaveLength(2);
    expect(connection.applyMutation).not.toHaveBeenCalled();
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('the registry returned the cursor same twice'),
    );
  });

  it('abandons a request that takes longer than the request timeout', async () => {
    const { provider, connection, runTask, logger } = setup({
      requestTimeoutMs: 100,
    });
    registry.add(model('m1'));
    registry.answerNext(LIST_PATH, 'hang');
    await provider.connect(connection);

    await expect(runTask()).resolves.toBeUndefined();
    expect(connection.applyMutation).not.toHaveBeenCalled();
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('timeout'),
    );
  });

  it('does not throw out of the task when getting a token fails', async () => {
    const auth = mockServices.auth.mock({
      getOwnServiceCredentials: jest.fn(async () =>
        mockCredentials.service('plugin:catalog'),
      ),
      getPluginRequestToken: jest.fn(async () => {
        throw new Error('no token for you');
      }),
    });
    const { provider, connection, runTask, logger } = setup({ auth });
    await provider.connect(connection);

    await expect(runTask()).resolves.toBeUndefined();
    expect(auth.getPluginRequestToken).toHaveBeenCalledWith({
      onBehalfOf: mockCredentials.service('plugin:catalog'),
      targetPluginId: 'model-registry',
    });
    expect(registry.requests).toEqual([]);
    expect(connection.applyMutation).not.toHaveBeenCalled();
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('no token for you'),
    );
  });

  it('does not throw out of the task when the catalog rejects the mutation', async () => {
    const { provider, connection, runTask, logger } = setup();
    registry.add(model('m1'));
    connection.applyMutation.mockRejectedValueOnce(
      new TypeError('Malformed entity envelope'),
    );
    await provider.connect(connection);

    await expect(runTask()).resolves.toBeUndefined();
    expect(logger.error).toHaveBeenCalledWith(
      expect.stringContaining('Malformed entity envelope'),
    );

    await runTask();
    expect(connection.applyMutation).toHaveBeenCalledTimes(2);
  });

  describe('when the registry announces a change', () => {
    it('adds that one model with a delta mutation, without reading the list', async () => {
      const { provider, connection, runTask, announce, mutations } = setup();
      registry.add(model('m1'));
      await provider.connect(connection);
      await runTask();
      registry.requests.length = 0;

      registry.add(model('m2', { title: 'Model two' }));
      await announce('mlmodel:default/m2');

      expect(registry.requests).toEqual([
        {
          path: `${LIST_PATH}/default/m2`,
          authorization: SERVICE_AUTHORIZATION,
        },
      ]);
      expect(mutations.slice(1)).toEqual([
        {
          type: 'delta',
          added: [emitted(model('m2', { title: 'Model two' }))],
          removed: [],
        },
      ]);
    });

    it('removes a model the registry no longer has with a delta mutation', async () => {
      const { provider, connection, runTask, announce, mutations } = setup();
      registry.add(model('m1'), model('m2'));
      await provider.connect(connection);
      await runTask();
      registry.models.delete('mlmodel:default/m2');
      registry.requests.length = 0;

      await announce('mlmodel:default/m2');

      expect(registry.requests.map(r => r.path)).toEqual([
        `${LIST_PATH}/default/m2`,
      ]);
      expect(mutations.slice(1)).toEqual([
        {
          type: 'delta',
          added: [],
          removed: [
            {
              entityRef: 'mlmodel:default/m2',
              locationKey: 'RegistryModelEntityProvider',
            },
          ],
        },
      ]);
    });

    it('normalises the announced ref', async () => {
      const { provider, connection, announce, mutations } = setup();
      registry.add(model('m1'));
      await provider.connect(connection);

      await announce('MLModel:Default/M1');

      expect(registry.requests.map(r => r.path)).toEqual([
        `${LIST_PATH}/default/m1`,
      ]);
      expect(mutations).toEqual([
        { type: 'delta', added: [emitted(model('m1'))], removed: [] },
      ]);
    });

    it.each<[string, Answer, string]>([
      ...FAILED_ANSWERS,
      [
        'a refusal',
        errorAnswer(401, 'AuthenticationError', 'no'),
        'Request failed with 401',
      ],
    ])(
      'removes nothing and leaves it to the next full refresh on %s',
      async (_, failure, message) => {
        const { provider, connection, runTask, announce, mutations, logger } =
          setup();
        registry.add(model('m1'));
        await provider.connect(connection);
        await runTask();

        registry.answerNext(`${LIST_PATH}/default/m1`, failure);
        await expect(announce('mlmodel:default/m1')).resolves.toBeUndefined();

        expect(mutations).toHaveLength(1);
        expect(logger.warn).toHaveBeenCalledWith(
          expect.stringContaining(message),
        );
        expect(logger.warn).toHaveBeenCalledWith(
          expect.stringContaining(
            'Failed to read mlmodel:default/m1 from the model registry; the catalog keeps it as it is until the next full refresh',
          ),
        );

        // The next full refresh still has it.
        await runTask();
        expect(mutations).toHaveLength(2);
        expect(mutations[1]).toEqual({
          type: 'full',
          entities: [emitted(model('m1'))],
        });
      },
    );

    it('removes nothing when a delta times out', async () => {
      const { provider, connection, announce, logger } = setup({
        requestTimeoutMs: 100,
      });
      registry.add(model('m1'));
      registry.answerNext(`${LIST_PATH}/default/m1`, 'hang');
      await provider.connect(connection);

      await announce('mlmodel:default/m1');
      expect(connection.applyMutation).not.toHaveBeenCalled();
      expect(logger.warn).toHaveBeenCalledWith(
        expect.stringContaining('timeout'),
      );
    });

    it('logs a delta the catalog rejects and keeps listening', async () => {
      const { provider, connection, announce, logger, mutations } = setup();
      registry.add(model('m1'), model('m2'));
      connection.applyMutation.mockRejectedValueOnce(
        new TypeError('Malformed entity envelope'),
      );
      await provider.connect(connection);

      await expect(announce('mlmodel:default/m1')).resolves.toBeUndefined();
      expect(logger.error).toHaveBeenCalledWith(
        expect.stringContaining('Malformed entity envelope'),
      );
      await announce('mlmodel:default/m2');
      expect(mutations).toEqual([
        { type: 'delta', added: [emitted(model('m2'))], removed: [] },
      ]);
    });

    it.each([
      ['no modelRef', undefined],
      ['a modelRef that is not a string', 42],
      ['a ref of another kind', 'component:default/m1'],
      ['a ref that does not parse', 'mlmodel:'],
    ])('ignores an event with %s', async (_, modelRef) => {
      const { provider, connection, announce, logger } = setup();
      registry.add(model('m1'));
      await provider.connect(connection);

      await announce(modelRef);
      expect(registry.requests).toEqual([]);
      expect(connection.applyMutation).not.toHaveBeenCalled();
      expect(logger.warn).toHaveBeenCalledWith(
        expect.stringContaining('that names no MLModel'),
      );
    });

    it('ignores other topics', async () => {
      const { provider, connection, events } = setup();
      await provider.connect(connection);

      await events.publish({
        topic: 'some.other.topic',
        eventPayload: { modelRef: 'mlmodel:default/m1' },
      });
      expect(registry.requests).toEqual([]);
      expect(connection.applyMutation).not.toHaveBeenCalled();
    });

    it('reads one thing at a time and reads a model announced during a full refresh once, after it', async () => {
      const { provider, connection, runTask, announce, mutations } = setup();
      registry.add(model('m1'));
      const release = deferred();
      // The full refresh reads a snapshot taken before m2 was registered, and is slow.
      registry.answerNext(LIST_PATH, async () => {
        const snapshot = {
          status: 200,
          json: {
            items: [{ entityRef: 'mlmodel:default/m1', entity: model('m1') }],
          },
        };
        await release.promise;
        return snapshot;
      });
      await provider.connect(connection);

      const scheduled = runTask();
      await new Promise(r => setTimeout(r, 20));
      registry.add(model('m2'));
      // Two changes of m2 announced while the full refresh is in flight.
      const announced = Promise.all([
        announce('mlmodel:default/m2'),
        announce('mlmodel:default/m2'),
      ]);
      await new Promise(r => setTimeout(r, 20));
      expect(registry.requests.map(r => r.path)).toEqual([
        `${LIST_PATH}?limit=100`,
      ]);

      release.resolve();
      await Promise.all([scheduled, announced]);

      // The stale snapshot is applied first, then one read of m2 carries the change.
      expect(registry.requests.map(r => r.path)).toEqual([
        `${LIST_PATH}?limit=100`,
        `${LIST_PATH}/default/m2`,
      ]);
      expect(mutations).toEqual([
        { type: 'full', entities: [emitted(model('m1'))] },
        { type: 'delta', added: [emitted(model('m2'))], removed: [] },
      ]);
    });
  });

  describe('create', () => {
    it('refreshes fully every 10 minutes with a 5 minute timeout by default', () => {
      const scheduler = mockServices.scheduler.mock();
      RegistryModelEntityProvider.create({
        discovery: mockServices.discovery(),
        auth: mockServices.auth(),
        logger: mockServices.logger.mock(),
        scheduler,
        config: mockServices.rootConfig(),
      });
      expect(scheduler.createScheduledTaskRunner).toHaveBeenCalledWith({
        frequency: { minutes: 10 },
        timeout: { minutes: 5 },
      });
    });

    it('reads modelRegistry.entityProvider.schedule', () => {
      const scheduler = mockServices.scheduler.mock();
      RegistryModelEntityProvider.create({
        discovery: mockServices.discovery(),
        auth: mockServices.auth(),
        logger: mockServices.logger.mock(),
        scheduler,
        config: mockServices.rootConfig({
          data: {
            modelRegistry: {
              entityProvider: {
                schedule: {
                  frequency: { minutes: 5 },
                  timeout: { seconds: 90 },
                  initialDelay: { seconds: 10 },
                },
              },
            },
          },
        }),
      });
      expect(scheduler.createScheduledTaskRunner).toHaveBeenCalledWith(
        expect.objectContaining({
          frequency: { minutes: 5 },
          timeout: { seconds: 90 },
          initialDelay: { seconds: 10 },
        }),
      );
    });
  });
});
