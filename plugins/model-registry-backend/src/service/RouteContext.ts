import {
  AuditorService,
  AuthService,
  HttpAuthService,
  LoggerService,
  PermissionsService,
  UserInfoService,
} from '@backstage/backend-plugin-api';
import { CatalogApi } from '@backstage/catalog-client';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ModelNamingRule,
  StageRules,
} from '@model-registry/plugin-model-registry-common';
import { ModelRegistryStore } from '../database/ModelRegistryStore';
import type { PromotionGates } from '../gates/PromotionGates';
import type { PromotionNotices } from './promotionNotices';
import type { RunDataReader } from '../mlflow/trackingServerRuns';
import { createOpenApiRouter } from '../schema/openapi';
import { MutationFrame } from './mutationFrame';
import type { Resolver, UrlPolicy } from '../webhooks/ssrf';
import type { MonitoringNotices } from '../monitoring/monitoringNotices';
import { ModelAccess } from './ModelAccess';

/** What createRouter needs. */
export type RouterOptions = {
  store: ModelRegistryStore;
  catalog: CatalogService;
  /**
   * The catalog's HTTP client: a service caller's catalog reads go through it with one
   * reused plugin token (catalogAsPluginForServices). Without it they go through `catalog`.
   */
  catalogApi?: CatalogApi;
  permissions: PermissionsService;
  httpAuth: HttpAuthService;
  auditor: AuditorService;
  logger: LoggerService;
  /** The plugin's own credentials, to check that a new model's name is free. */
  auth?: AuthService;
  /** Reads a user's ownership refs, for requireOwnerMembership. */
  userInfo?: UserInfoService;
  /**
   * Users may register a model through the API only with an owner they belong to (one of
   * their ownership refs). Services are not affected. Default true in the plugin.
   */
  requireOwnerMembership?: boolean;
  stageRules: StageRules;
  namingRule: ModelNamingRule;
  allowedSourceSchemes: string[];
  /** The namespace of the models the MLflow API names (`modelRegistry.mlflow.namespace`). */
  mlflowNamespace?: string;
  /**
   * How long MLflow's registered-models/create waits for the catalog to ingest the new
   * model (`modelRegistry.mlflow.catalogWaitSeconds`, in milliseconds); none when unset.
   */
  mlflowCatalogWaitMs?: number;
  /**
   * Reads a version's MLflow run from the tracking server, when
   * `modelRegistry.mlflow.trackingServer` is configured: MLflow's model-versions/create
   * copies the run's metrics and params into the version.
   */
  mlflowRunData?: RunDataReader;
  /** Notifications and signals of governed promotion (none in tests that do not ask). */
  notices?: PromotionNotices;
  /** Aliases that move only with the protected-alias permission (modelRegistry.aliases.protected). */
  protectedAliases?: string[];
  /** The promotion gates of each stage (modelRegistry.stages.gates); none when absent. */
  gates?: PromotionGates;
  /** Which URLs webhooks may post to (modelRegistry.webhooks); none private, https only when absent. */
  webhookOptions?: UrlPolicy;
  /** Resolves webhook hosts for the URL check (tests resolve names of their own). */
  webhookResolver?: Resolver;
  /** Notifications and signals of monitoring alerts (none in tests that do not ask). */
  monitoringNotices?: MonitoringNotices;
  /** Called after a model is registered or deleted through the API. */
  onModelsChanged?: (modelRef: string) => void;
};

/** The typed router the route modules add their routes to. */
export type RegistryRouter = Awaited<ReturnType<typeof createOpenApiRouter>>;

/** What every route module gets: the options, catalog access and the mutation frame. */
export type RouteContext = RouterOptions & {
  access: ModelAccess;
  frame: MutationFrame;
};
