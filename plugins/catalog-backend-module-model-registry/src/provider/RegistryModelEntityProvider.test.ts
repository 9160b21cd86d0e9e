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
import {
  MODEL_REGISTRY_MODELS_TOPIC,
  RegistryModelEntityProvider,
} from './RegistryModelEntityProvider';

const BASE_URL = 'http://registry.test/api/model-registry';
const LIST_URL = `${BASE_URL}/entity-provider/models`;

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

function listResponse(...entities: Entity[]) {
  return {
    items: entities.map(entity => ({
      entityRef: `mlmodel:default/${entity.metadata.name}`,
      entity,
    })),
  };
}

function jsonResponse(body: unknown, status = 200) {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json' },
  });
}

/** Resolves when the test calls the returned `resolve`. */
function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>(r => {
    resolve = r;
  });
  return { promise, resolve };
}

describe('RegistryModelEntityProvider', () => {
  let fetchMock: jest.SpiedFunction<typeof fetch>;

  beforeEach(() => {
    fetchMock = jest.spyOn(global, 'fetch');
  });
  afterEach(() => {
    fetchMock.mockRestore();
  });

  function setup(options?: { auth?: AuthService }) {
    const logger = mockServices.logger.mock();
    logger.child.mockReturnValue(logger);
    const discovery: DiscoveryService = {
      getBaseUrl: jest.fn(async () => BASE_URL),
      getExternalBaseUrl: jest.fn(async () => BASE_URL),
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
    });
    /** Runs the scheduled task once, as the scheduler would. */
    const runTask = async () => {
      const task = taskRunner.run.mock
        .calls[0][0] as SchedulerServiceTaskInvocationDefinition;
      await task.fn(new AbortController().signal);
    };
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
      lastEntities,
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
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('applies every API-registered model as a full mutation with location annotations', async () => {
    const { provider, connection, runTask, lastEntities } = setup();
    fetchMock.mockResolvedValueOnce(
      jsonResponse(
        listResponse(
          model('fraud-detector', {
            title: 'Fraud detector',
            annotations: { 'example.com/team': 'risk' },
          }),
          model('churn-model'),
        ),
      ),
    );
    await provider.connect(connection);
    await runTask();

    expect(fetchMock).toHaveBeenCalledTimes(1);
    const [url, init] = fetchMock.mock.calls[0];
    expect(url).toBe(LIST_URL);
    expect((init?.headers as Record<string, string>).Authorization).toBe(
      `Bearer ${mockCredentials.service.token({
        onBehalfOf: mockCredentials.service('plugin:catalog'),
        targetPluginId: 'model-registry',
      })}`,
    );

    expect(connection.applyMutation).toHaveBeenCalledTimes(1);
    expect(connection.applyMutation.mock.calls[0][0].type).toBe('full');
    expect(lastEntities()).toEqual<DeferredEntity[]>([
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
    ]);
  });

  it('applies an empty full mutation when the registry has no models, removing deleted ones', async () => {
    const { provider, connection, runTask, mutations } = setup();
    fetchMock
      .mockResolvedValueOnce(jsonResponse(listResponse(model('gone-soon'))))
      .mockResolvedValueOnce(jsonResponse({ items: [] }));
    await provider.connect(connection);
    await runTask();
    await runTask();

    expect(mutations).toEqual([
      { type: 'full', entities: [expect.anything()] },
      { type: 'full', entities: [] },
    ]);
  });

  it.each([
    [
      'a network error',
      () =>
        Promise.reject(
          new TypeError('fetch failed', { cause: new Error('ECONNREFUSED') }),
        ),
      'fetch failed (Error: ECONNREFUSED)',
    ],
    [
      'an error status',
      async () => jsonResponse({ error: { message: 'boom' } }, 500),
      `GET ${LIST_URL} answered 500`,
    ],
    [
      'a body that is not JSON',
      async () => new Response('<html>oops</html>', { status: 200 }),
      'the response is not JSON',
    ],
    [
      'a body without items',
      async () => jsonResponse({ models: [] }),
      'the response has no items array',
    ],
    [
      'a malformed item',
      async () =>
        jsonResponse({
          items: [
            listResponse(model('fine')).items[0],
            {
              entityRef: 'mlmodel:default/broken',
              entity: { kind: 'MLModel' },
            },
          ],
        }),
      'item 1 of the response is not an { entityRef, entity } pair',
    ],
  ])(
    'keeps the previous models, logs and retries on %s',
    async (_, failure, message) => {
      const { provider, connection, runTask, logger, lastEntities } = setup();
      fetchMock.mockResolvedValueOnce(
        jsonResponse(listResponse(model('fraud-detector'))),
      );
      await provider.connect(connection);
      await runTask();
      expect(connection.applyMutation).toHaveBeenCalledTimes(1);

      fetchMock.mockImplementationOnce(failure as () => Promise<Response>);
      await expect(runTask()).resolves.toBeUndefined();

      // No mutation at all: in particular no empty full mutation wiping the catalog.
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
      fetchMock.mockResolvedValueOnce(
        jsonResponse(listResponse(model('fraud-detector'), model('new-one'))),
      );
      await runTask();
      expect(connection.applyMutation).toHaveBeenCalledTimes(2);
      expect(lastEntities().map(e => e.entity.metadata.name)).toEqual([
        'fraud-detector',
        'new-one',
      ]);
    },
  );

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
    expect(fetchMock).not.toHaveBeenCalled();
    expect(connection.applyMutation).not.toHaveBeenCalled();
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('no token for you'),
    );
  });

  it('does not throw out of the task when the catalog rejects the mutation', async () => {
    const { provider, connection, runTask, logger } = setup();
    fetchMock.mockImplementation(async () =>
      jsonResponse(listResponse(model('m1'))),
    );
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

  it('refreshes immediately when the registry announces a change', async () => {
    const { provider, connection, events, lastEntities } = setup();
    fetchMock.mockImplementation(async () =>
      jsonResponse(listResponse(model('m1'))),
    );
    await provider.connect(connection);
    expect(fetchMock).not.toHaveBeenCalled();

    await events.publish({
      topic: MODEL_REGISTRY_MODELS_TOPIC,
      eventPayload: { modelRef: 'mlmodel:default/m1' },
    });
    expect(fetchMock).toHaveBeenCalledTimes(1);
    expect(lastEntities().map(e => e.entity.metadata.name)).toEqual(['m1']);

    await events.publish({ topic: 'some.other.topic', eventPayload: {} });
    expect(fetchMock).toHaveBeenCalledTimes(1);
  });

  it('runs one refresh at a time and re-reads once after a change announced mid-read', async () => {
    const { provider, connection, events, runTask, mutations } = setup();
    const firstResponse = deferred<Response>();
    fetchMock
      .mockImplementationOnce(() => firstResponse.promise)
      .mockResolvedValueOnce(
        jsonResponse(listResponse(model('m1'), model('m2'))),
      );
    await provider.connect(connection);

    const scheduled = runTask();
    // Two changes announced while the scheduled read is in flight.
    const announced = Promise.all([
      events.publish({
        topic: MODEL_REGISTRY_MODELS_TOPIC,
        eventPayload: { modelRef: 'mlmodel:default/m2' },
      }),
      events.publish({
        topic: MODEL_REGISTRY_MODELS_TOPIC,
        eventPayload: { modelRef: 'mlmodel:default/m2' },
      }),
    ]);
    await new Promise(r => setTimeout(r, 10));
    expect(fetchMock).toHaveBeenCalledTimes(1);

    firstResponse.resolve(jsonResponse(listResponse(model('m1'))));
    await Promise.all([scheduled, announced]);

    // The stale read is applied first, then one more read carries the change.
    expect(fetchMock).toHaveBeenCalledTimes(2);
    expect(
      mutations.map(m =>
        m.type === 'full' ? m.entities.map(e => e.entity.metadata.name) : [],
      ),
    ).toEqual([['m1'], ['m1', 'm2']]);
  });

  describe('create', () => {
    it('runs every 30 seconds with a 1 minute timeout by default', () => {
      const scheduler = mockServices.scheduler.mock();
      RegistryModelEntityProvider.create({
        discovery: mockServices.discovery(),
        auth: mockServices.auth(),
        logger: mockServices.logger.mock(),
        scheduler,
        config: mockServices.rootConfig(),
      });
      expect(scheduler.createScheduledTaskRunner).toHaveBeenCalledWith({
        frequency: { seconds: 30 },
        timeout: { minutes: 1 },
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
