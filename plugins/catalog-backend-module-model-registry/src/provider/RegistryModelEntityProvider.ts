import {
  AuthService,
  DiscoveryService,
  LoggerService,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  RootConfigService,
  SchedulerService,
  SchedulerServiceTaskRunner,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  DeferredEntity,
  EntityProvider,
  EntityProviderConnection,
  EntityProviderMutation,
} from '@backstage/plugin-catalog-node';
import { EventsService } from '@backstage/plugin-events-node';
import {
  MODEL_REGISTRY_MODELS_TOPIC,
  ModelRegistryClient,
} from '@model-registry/plugin-model-registry-common';
import { SerialTaskQueue } from './SerialTaskQueue';

// The topic is defined once, in model-registry-common, and re-exported here.
export { MODEL_REGISTRY_MODELS_TOPIC };

/** The config key of the provider's full refresh schedule. */
const SCHEDULE_CONFIG_KEY = 'modelRegistry.entityProvider.schedule';

/**
 * The full refresh schedule when none is configured. Changes arrive as events, one
 * model at a time; the full refresh only catches what an event missed.
 */
const DEFAULT_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { minutes: 10 },
  timeout: { minutes: 5 },
};

/** How long one request to the registry may take before it is abandoned. */
const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/** Models per page of a full refresh (the registry's largest page). */
const PAGE_SIZE = 100;

/** One API-registered model as the registry's entity-provider endpoints return it. */
type ApiModel = { entityRef: string; entity: object };

/** An error with its cause (fetch reports a refused connection only in the cause). */
function describeError(error: unknown): string {
  const cause = (error as { cause?: unknown })?.cause;
  return cause ? `${error} (${cause})` : String(error);
}

/** The event's model ref, normalised, or undefined when it names no MLModel. */
function readModelRef(eventPayload: unknown): string | undefined {
  const modelRef = (eventPayload as { modelRef?: unknown } | undefined)
    ?.modelRef;
  if (typeof modelRef !== 'string') {
    return undefined;
  }
  try {
    const ref = parseEntityRef(modelRef);
    return ref.kind.toLocaleLowerCase('en-US') === 'mlmodel'
      ? stringifyEntityRef(ref)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Brings the models registered through the model registry API into the catalog as
 * MLModel entities, and removes them once they are deleted there.
 *
 * When the registry announces a change of a model on {@link MODEL_REGISTRY_MODELS_TOPIC},
 * it reads that one model (`GET /entity-provider/models/{namespace}/{name}`) and adds it
 * to the catalog, or removes it when the registry no longer has it. On a schedule
 * (`modelRegistry.entityProvider.schedule`, by default every 10 minutes) and at startup
 * it reads every API-registered model, page by page, and replaces its entities with
 * them in one full mutation. It reads with the catalog's own service credentials. A
 * failed read changes nothing; the next full refresh catches up.
 *
 * Within one backend, reads run one at a time and a change announced during a full
 * refresh is read again after it. With several replicas, a full refresh on one may apply
 * a snapshot read just before a change that another replica applied as a delta; the
 * next full refresh corrects it.
 *
 * @public
 */
export class RegistryModelEntityProvider implements EntityProvider {
  private readonly client: ModelRegistryClient;
  private readonly auth: AuthService;
  private readonly logger: LoggerService;
  private readonly taskRunner: SchedulerServiceTaskRunner;
  private readonly events?: EventsService;
  /** Full refreshes and single-model reads, one at a time, in the order asked. */
  private readonly queue = new SerialTaskQueue();
  private connection?: EntityProviderConnection;

  /** Creates the provider with the schedule read from config (or the default one). */
  static create(options: {
    discovery: DiscoveryService;
    auth: AuthService;
    logger: LoggerService;
    scheduler: SchedulerService;
    config: RootConfigService;
    events?: EventsService;
  }): RegistryModelEntityProvider {
    const scheduleConfig =
      options.config.getOptionalConfig(SCHEDULE_CONFIG_KEY);
    const schedule = scheduleConfig
      ? readSchedulerServiceTaskScheduleDefinitionFromConfig(scheduleConfig)
      : DEFAULT_SCHEDULE;
    return new RegistryModelEntityProvider({
      discovery: options.discovery,
      auth: options.auth,
      logger: options.logger,
      events: options.events,
      taskRunner: options.scheduler.createScheduledTaskRunner(schedule),
    });
  }

  constructor(options: {
    discovery: DiscoveryService;
    auth: AuthService;
    logger: LoggerService;
    taskRunner: SchedulerServiceTaskRunner;
    events?: EventsService;
    /** How long one request to the registry may take. Default: 30 seconds. */
    requestTimeoutMs?: number;
  }) {
    const requestTimeoutMs =
      options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
    this.client = new ModelRegistryClient({
      discoveryApi: options.discovery,
      fetchApi: {
        fetch: (input, init) =>
          fetch(input, {
            ...init,
            signal: AbortSignal.timeout(requestTimeoutMs),
          }),
      },
    });
    this.auth = options.auth;
    this.logger = options.logger.child({ target: this.getProviderName() });
    this.taskRunner = options.taskRunner;
    this.events = options.events;
  }

  getProviderName(): string {
    return 'RegistryModelEntityProvider';
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.connection = connection;
    await this.taskRunner.run({
      id: `${this.getProviderName()}:refresh`,
      fn: signal => this.refresh(signal),
    });
    if (this.events) {
      await this.events.subscribe({
        id: this.getProviderName(),
        topics: [MODEL_REGISTRY_MODELS_TOPIC],
        onEvent: async ({ eventPayload }) => {
          const modelRef = readModelRef(eventPayload);
          if (!modelRef) {
            this.logger.warn(
              `Ignoring an event on ${MODEL_REGISTRY_MODELS_TOPIC} that names no MLModel: ${JSON.stringify(
                eventPayload,
              )}`,
            );
            return;
          }
          this.logger.debug(
            `The model registry announced a change of ${modelRef}`,
          );
          await this.queue.enqueue(`model:${modelRef}`, () =>
            this.refreshModel(modelRef),
          );
        },
      });
    }
  }

  /**
   * Reads every API-registered model and replaces this provider's entities in the
   * catalog with them, after the reads already queued. Never throws; a failure on any
   * page applies nothing. The scheduler calls it; call it to refresh sooner.
   */
  async refresh(signal?: AbortSignal): Promise<void> {
    if (!this.connection) {
      this.logger.warn('Not connected to the catalog yet; skipping a refresh');
      return;
    }
    await this.queue.enqueue('full', () => this.refreshAll(signal));
  }

  private async refreshAll(signal?: AbortSignal): Promise<void> {
    let entities: DeferredEntity[];
    try {
      const models = await this.readAllModels(signal);
      entities = models.map(model => this.toDeferredEntity(model));
    } catch (error) {
      this.logger.warn(
        `Failed to read the API-registered models from the model registry; the catalog keeps its current models until the next attempt. ${describeError(
          error,
        )}`,
      );
      return;
    }
    await this.apply(
      { type: 'full', entities },
      `${entities.length} API-registered models`,
    );
  }

  /**
   * Reads one model and adds it to the catalog, or removes it when the registry says
   * it is not registered through the API. Never throws; a failed read removes nothing.
   */
  private async refreshModel(modelRef: string): Promise<void> {
    let mutation: EntityProviderMutation;
    try {
      const model = await this.readModel(modelRef);
      mutation = model
        ? { type: 'delta', added: [this.toDeferredEntity(model)], removed: [] }
        : {
            type: 'delta',
            added: [],
            // Only removes an entity this provider emitted: the catalog scopes a
            // removal to the provider, so a model from YAML is left alone.
            removed: [
              { entityRef: modelRef, locationKey: this.getProviderName() },
            ],
          };
    } catch (error) {
      this.logger.warn(
        `Failed to read ${modelRef} from the model registry; the catalog keeps it as it is until the next full refresh. ${describeError(
          error,
        )}`,
      );
      return;
    }
    await this.apply(
      mutation,
      `${
        mutation.added.length ? 'the addition' : 'the removal'
      } of ${modelRef}`,
    );
  }

  private async apply(
    mutation: EntityProviderMutation,
    what: string,
  ): Promise<void> {
    const connection = this.connection;
    if (!connection) {
      this.logger.warn(`Not connected to the catalog yet; skipping ${what}`);
      return;
    }
    try {
      await connection.applyMutation(mutation);
      this.logger.debug(`Applied ${what} to the catalog`);
    } catch (error) {
      this.logger.error(
        `Failed to apply ${what} to the catalog; will retry on the next attempt. ${describeError(
          error,
        )}`,
      );
    }
  }

  private async readAllModels(signal?: AbortSignal): Promise<ApiModel[]> {
    const token = await this.serviceToken();
    const models: ApiModel[] = [];
    let cursor: string | undefined;
    do {
      signal?.throwIfAborted();
      const page = await this.client.listApiModels(
        { limit: PAGE_SIZE, cursor },
        { token },
      );
      models.push(...page.items);
      if (page.nextCursor !== undefined && page.nextCursor === cursor) {
        throw new Error(`the registry returned the cursor ${cursor} twice`);
      }
      cursor = page.nextCursor;
    } while (cursor);
    return models;
  }

  /** The model, or undefined when the registry answers 404 (not registered through the API). */
  private async readModel(modelRef: string): Promise<ApiModel | undefined> {
    return this.client.getApiModel(modelRef, {
      token: await this.serviceToken(),
    });
  }

  private async serviceToken(): Promise<string> {
    const { token } = await this.auth.getPluginRequestToken({
      onBehalfOf: await this.auth.getOwnServiceCredentials(),
      targetPluginId: 'model-registry',
    });
    return token;
  }

  /** The model's entity, annotated as managed by the registry under this provider. */
  private toDeferredEntity(model: ApiModel): DeferredEntity {
    const entity = model.entity as Entity;
    const location = `model-registry:${model.entityRef}`;
    return {
      locationKey: this.getProviderName(),
      entity: {
        ...entity,
        metadata: {
          ...entity.metadata,
          annotations: {
            ...entity.metadata.annotations,
            [ANNOTATION_LOCATION]: location,
            [ANNOTATION_ORIGIN_LOCATION]: location,
          },
        },
      },
    };
  }
}
