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
} from '@backstage/catalog-model';
import {
  DeferredEntity,
  EntityProvider,
  EntityProviderConnection,
} from '@backstage/plugin-catalog-node';
import { EventsService } from '@backstage/plugin-events-node';
import { MODEL_REGISTRY_MODELS_TOPIC } from '@model-registry/plugin-model-registry-common';

// The topic is defined once, in model-registry-common, and re-exported here.
export { MODEL_REGISTRY_MODELS_TOPIC };

/** The config key of the provider's refresh schedule. */
const SCHEDULE_CONFIG_KEY = 'modelRegistry.entityProvider.schedule';

/** The refresh schedule when none is configured. */
const DEFAULT_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { seconds: 30 },
  timeout: { minutes: 1 },
};

/** How long one request to the registry may take before it is abandoned. */
const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/** An error with its cause (fetch reports a refused connection only in the cause). */
function describeError(error: unknown): string {
  const cause = (error as { cause?: unknown })?.cause;
  return cause ? `${error} (${cause})` : String(error);
}

/** One API-registered model as the registry's entity-provider endpoint returns it. */
type RegistryModel = { entityRef: string; entity: Entity };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Checks the shape of `GET /entity-provider/models`. Any malformed item rejects the
 * whole response: a full mutation built from part of it would remove the rest.
 */
function parseRegistryModels(body: unknown): RegistryModel[] {
  if (!isRecord(body) || !Array.isArray(body.items)) {
    throw new Error('the response has no items array');
  }
  return body.items.map((item: unknown, index: number) => {
    const entity = isRecord(item) ? item.entity : undefined;
    if (
      !isRecord(item) ||
      typeof item.entityRef !== 'string' ||
      !item.entityRef ||
      !isRecord(entity) ||
      typeof entity.apiVersion !== 'string' ||
      typeof entity.kind !== 'string' ||
      !isRecord(entity.metadata) ||
      typeof entity.metadata.name !== 'string'
    ) {
      throw new Error(
        `item ${index} of the response is not an { entityRef, entity } pair`,
      );
    }
    return { entityRef: item.entityRef, entity: entity as unknown as Entity };
  });
}

/**
 * Brings the models registered through the model registry API into the catalog as
 * MLModel entities, and removes them once they are deleted there.
 *
 * It reads every live API-registered model from the registry
 * (`GET /api/model-registry/entity-provider/models`, with the catalog's service
 * credentials) and applies them as one full mutation. It does so on a schedule
 * (`modelRegistry.entityProvider.schedule`, by default every 30 seconds) and right away
 * whenever the registry announces a change on {@link MODEL_REGISTRY_MODELS_TOPIC}.
 * A failed read is logged and leaves the catalog as it was until the next attempt.
 *
 * @public
 */
export class RegistryModelEntityProvider implements EntityProvider {
  private readonly discovery: DiscoveryService;
  private readonly auth: AuthService;
  private readonly logger: LoggerService;
  private readonly taskRunner: SchedulerServiceTaskRunner;
  private readonly events?: EventsService;
  private readonly requestTimeoutMs: number;
  private connection?: EntityProviderConnection;
  /** The refresh being run now, if any. */
  private inFlight?: Promise<void>;
  /** The one refresh queued behind it, which every later request joins. */
  private queued?: Promise<void>;

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
    this.discovery = options.discovery;
    this.auth = options.auth;
    this.logger = options.logger.child({ target: this.getProviderName() });
    this.taskRunner = options.taskRunner;
    this.events = options.events;
    this.requestTimeoutMs =
      options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  }

  getProviderName(): string {
    return 'RegistryModelEntityProvider';
  }

  async connect(connection: EntityProviderConnection): Promise<void> {
    this.connection = connection;
    await this.taskRunner.run({
      id: `${this.getProviderName()}:refresh`,
      fn: () => this.refresh(),
    });
    if (this.events) {
      await this.events.subscribe({
        id: this.getProviderName(),
        topics: [MODEL_REGISTRY_MODELS_TOPIC],
        onEvent: async params => {
          const { modelRef } = (params.eventPayload ?? {}) as {
            modelRef?: unknown;
          };
          this.logger.debug(
            `The model registry announced a change of ${String(modelRef)}`,
          );
          await this.refresh();
        },
      });
    }
  }

  /**
   * Reads the registry and replaces this provider's entities in the catalog. Never
   * throws. Refreshes run one at a time; a request made during a refresh is served by
   * one more refresh after it, so a change announced mid-read is never missed.
   */
  refresh(): Promise<void> {
    if (this.queued) {
      return this.queued;
    }
    if (this.inFlight) {
      this.queued = this.inFlight.then(() => {
        this.queued = undefined;
        return this.startRefresh();
      });
      return this.queued;
    }
    return this.startRefresh();
  }

  private startRefresh(): Promise<void> {
    const run = this.refreshOnce().finally(() => {
      if (this.inFlight === run) {
        this.inFlight = undefined;
      }
    });
    this.inFlight = run;
    return run;
  }

  private async refreshOnce(): Promise<void> {
    const connection = this.connection;
    if (!connection) {
      this.logger.warn('Not connected to the catalog yet; skipping a refresh');
      return;
    }
    let models: RegistryModel[];
    try {
      models = await this.readModels();
    } catch (error) {
      this.logger.warn(
        `Failed to read the API-registered models from the model registry; the catalog keeps its current models until the next attempt. ${describeError(
          error,
        )}`,
      );
      return;
    }
    try {
      const entities = models.map(model => this.toDeferredEntity(model));
      await connection.applyMutation({ type: 'full', entities });
      this.logger.debug(
        `Applied ${entities.length} API-registered models to the catalog`,
      );
    } catch (error) {
      this.logger.error(
        `Failed to apply the API-registered models to the catalog; will retry on the next attempt. ${describeError(
          error,
        )}`,
      );
    }
  }

  /** The model's entity, annotated as managed by the registry under this provider. */
  private toDeferredEntity(model: RegistryModel): DeferredEntity {
    const location = `model-registry:${model.entityRef}`;
    return {
      locationKey: this.getProviderName(),
      entity: {
        ...model.entity,
        metadata: {
          ...model.entity.metadata,
          annotations: {
            ...model.entity.metadata.annotations,
            [ANNOTATION_LOCATION]: location,
            [ANNOTATION_ORIGIN_LOCATION]: location,
          },
        },
      },
    };
  }

  private async readModels(): Promise<RegistryModel[]> {
    const baseUrl = await this.discovery.getBaseUrl('model-registry');
    const { token } = await this.auth.getPluginRequestToken({
      onBehalfOf: await this.auth.getOwnServiceCredentials(),
      targetPluginId: 'model-registry',
    });
    const response = await fetch(`${baseUrl}/entity-provider/models`, {
      headers: { Authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(this.requestTimeoutMs),
    });
    if (!response.ok) {
      throw new Error(
        `GET ${baseUrl}/entity-provider/models answered ${response.status} ${response.statusText}`,
      );
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch (error) {
      throw new Error(`the response is not JSON: ${error}`);
    }
    return parseRegistryModels(body);
  }
}
