import { dispatchEvents, RegistryEvent } from './eventOutbox';
import { DatabaseService } from '@backstage/backend-plugin-api';
import {
  LineageEdgeInput,
  StageRules,
} from '@model-registry/plugin-model-registry-common';
import { Knex } from 'knex';
import * as aliases from './aliases';
import * as apiModelDescription from './apiModelDescription';
import { CursorCodec } from './cursors';
import { loadGateInput } from './gateInput';
import * as descendants from './descendants';
import * as history from './history';
import * as lineage from './lineage';
import * as lineageWalk from './lineageWalk';
import { migrate } from './migrate';
import { useWriteAheadLog } from './sqliteJournal';
import * as modelOverviews from './modelOverviews';
import * as modelTags from './modelTags';
import * as models from './models';
import {
  ChangeContext,
  DecideContext,
  DescendantsOptions,
  FindLinkedVersionsOptions,
  LineageOptions,
  ListVersionsOptions,
  ModelRegistryStore,
  ModelVersionPatch,
  NewModelVersion,
  ListPromotionRequestsOptions,
  NewPromotionRequest,
  RegisterVersionContext,
  VersionsOfRunsOptions,
} from './ModelRegistryStore';
import * as promotionRequestLists from './promotionRequestLists';
import * as promotionRequestRows from './promotionRequestRows';
import * as promotionRequests from './promotionRequests';
import * as stages from './stages';
import * as versions from './versions';
import * as versionsOfRuns from './versionsOfRuns';
import { WebhookStore } from './webhooks';
import { MonitoringStore } from './monitoring';

/** The Knex implementation of the registry store, on SQLite or PostgreSQL. */
export class DatabaseModelRegistryStore implements ModelRegistryStore {
  /** Connects, runs the migrations (unless skipped) and returns the store. */
  static async create(options: {
    database: DatabaseService;
    skipMigrations?: boolean;
    /** Observations kept per version and metric (modelRegistry.monitoring.maxObservationsPerSeries). */
    monitoringSeriesLimit?: number;
  }): Promise<DatabaseModelRegistryStore> {
    const client = await options.database.getClient();
    return DatabaseModelRegistryStore.createFromKnex(client, {
      skipMigrations:
        options.database.migrations?.skip || options.skipMigrations,
      monitoringSeriesLimit: options.monitoringSeriesLimit,
    });
  }

  /**
   * Runs the migrations (unless skipped) on a Knex instance, loads the cursor signing key
   * every replica shares, and returns the store.
   */
  static async createFromKnex(
    knex: Knex,
    options: { skipMigrations?: boolean; monitoringSeriesLimit?: number } = {},
  ): Promise<DatabaseModelRegistryStore> {
    if (!options.skipMigrations) {
      await migrate(knex);
    }
    await useWriteAheadLog(knex);
    return new DatabaseModelRegistryStore(
      knex,
      await CursorCodec.load(knex),
      options.monitoringSeriesLimit,
    );
  }

  /** Runs the shipped migrations; safe when several replicas start at once. */
  static migrate(knex: Knex): Promise<void> {
    return migrate(knex);
  }

  /** Webhook subscriptions and their deliveries. */
  readonly webhooks: WebhookStore;
  /** Monitoring observations, thresholds and alerts. */
  readonly monitoring: MonitoringStore;

  constructor(
    private readonly db: Knex,
    /** Signs and checks the cursors of every list (also the router's). */
    readonly cursors: CursorCodec,
    monitoringSeriesLimit?: number,
  ) {
    this.webhooks = new WebhookStore(db, cursors);
    this.monitoring = new MonitoringStore(db, monitoringSeriesLimit);
  }

  registerVersion(
    modelRef: string,
    input: NewModelVersion,
    context: RegisterVersionContext,
  ) {
    return versions.registerVersion(this.db, modelRef, input, context);
  }

  getVersion(modelRef: string, version: number) {
    return versions.getVersion(this.db, modelRef, version);
  }

  listVersions(modelRef: string, options: ListVersionsOptions) {
    return versions.listVersions(this.db, modelRef, options, this.cursors);
  }

  listVersionsOfRuns(runIds: string[], options: VersionsOfRunsOptions) {
    return versionsOfRuns.listVersionsOfRuns(
      this.db,
      runIds,
      options,
      this.cursors,
    );
  }

  updateVersion(
    modelRef: string,
    version: number,
    patch: ModelVersionPatch,
    context: ChangeContext,
  ) {
    return versions.updateVersion(this.db, modelRef, version, patch, context);
  }

  deleteVersion(
    modelRef: string,
    version: number,
    context: ChangeContext & { stageRules: StageRules },
  ) {
    return versions.deleteVersion(this.db, modelRef, version, context);
  }

  transitionStage(
    modelRef: string,
    version: number,
    stage: string,
    context: ChangeContext & {
      stageRules: StageRules;
      archiveOthers?: boolean;
    },
  ) {
    return stages.transitionStage(this.db, modelRef, version, stage, context);
  }

  updateApiModelDescription(
    modelRef: string,
    description: string,
    context: ChangeContext,
  ) {
    return apiModelDescription.updateApiModelDescription(
      this.db,
      modelRef,
      description,
      context,
    );
  }

  setModelTag(
    modelRef: string,
    key: string,
    value: string,
    context: ChangeContext,
  ) {
    return modelTags.setModelTag(this.db, modelRef, key, value, context);
  }

  deleteModelTag(modelRef: string, key: string, context: ChangeContext) {
    return modelTags.deleteModelTag(this.db, modelRef, key, context);
  }

  listModelTags(modelRefs: string[]) {
    return modelTags.listModelTags(this.db, modelRefs);
  }

  setAlias(
    modelRef: string,
    alias: string,
    version: number,
    context: ChangeContext,
  ) {
    return aliases.setAlias(this.db, modelRef, alias, version, context);
  }

  deleteAlias(modelRef: string, alias: string, context: ChangeContext) {
    return aliases.deleteAlias(this.db, modelRef, alias, context);
  }

  getVersionByAlias(modelRef: string, alias: string) {
    return aliases.getVersionByAlias(this.db, modelRef, alias);
  }

  listAliases(modelRef: string) {
    return aliases.listAliases(this.db, modelRef);
  }

  addLineage(
    modelRef: string,
    version: number,
    edges: LineageEdgeInput[],
    context: ChangeContext & { lineageField?: string },
  ) {
    return lineage.addLineage(this.db, modelRef, version, edges, context);
  }

  listLineageEdges(modelRef: string, version: number) {
    return lineage.listLineageEdges(this.db, modelRef, version);
  }

  getLineage(modelRef: string, version: number, options: LineageOptions) {
    return lineageWalk.getLineage(this.db, modelRef, version, options);
  }

  findVersionsLinkedTo(target: string, options: FindLinkedVersionsOptions) {
    return lineage.findVersionsLinkedTo(this.db, this.cursors, target, options);
  }

  getDescendants(modelRef: string, options: DescendantsOptions) {
    return descendants.getDescendants(this.db, this.cursors, modelRef, options);
  }

  listHistory(
    modelRef: string,
    options: { version?: number; limit: number; cursor?: string },
  ) {
    return history.listHistory(this.db, modelRef, options, this.cursors);
  }

  getSummaries(modelRefs: string[], stageRules: StageRules) {
    return models.getSummaries(this.db, modelRefs, stageRules);
  }

  modelsWithStage(modelRefs: string[], stage: string) {
    return models.modelsWithStage(this.db, modelRefs, stage);
  }

  modelsWithTag(modelRefs: string[], key: string, value?: string) {
    return models.modelsWithTag(this.db, modelRefs, key, value);
  }

  metricsInStage(modelRefs: string[], stage: string) {
    return models.metricsInStage(this.db, modelRefs, stage);
  }

  registerModel(
    modelRef: string,
    entity: Record<string, unknown>,
    context: ChangeContext,
  ) {
    return models.registerModel(this.db, modelRef, entity, context);
  }

  deleteModel(modelRef: string, context: ChangeContext) {
    return models.deleteModel(this.db, modelRef, context);
  }

  getApiModel(modelRef: string) {
    return models.getApiModel(this.db, modelRef);
  }

  openPromotionRequest(
    modelRef: string,
    input: NewPromotionRequest,
    context: ChangeContext,
  ) {
    return promotionRequests.openPromotionRequest(
      this.db,
      modelRef,
      input,
      context,
    );
  }

  getPromotionRequest(modelRef: string, id: number) {
    return promotionRequestRows.getPromotionRequest(this.db, modelRef, id);
  }

  listPromotionRequests(options: ListPromotionRequestsOptions) {
    return promotionRequestLists.listPromotionRequests(
      this.db,
      this.cursors,
      options,
    );
  }

  decidePromotionRequest(
    modelRef: string,
    id: number,
    decision: 'approve' | 'reject',
    context: DecideContext,
  ) {
    return promotionRequests.decidePromotionRequest(
      this.db,
      modelRef,
      id,
      decision,
      context,
    );
  }

  getGateInput(
    modelRef: string,
    version: number,
    stage: string,
    stageRules: StageRules,
  ) {
    return loadGateInput(this.db, modelRef, version, stage, stageRules);
  }

  expirePromotionRequests(now?: Date) {
    return promotionRequestLists.expirePromotionRequests(this.db, now);
  }

  dispatchEvents(
    publish: (event: RegistryEvent) => Promise<void>,
    options?: { limit?: number },
  ) {
    return dispatchEvents(this.db, publish, options);
  }

  cancelPromotionRequest(modelRef: string, id: number, context: ChangeContext) {
    return promotionRequests.cancelPromotionRequest(
      this.db,
      modelRef,
      id,
      context,
    );
  }

  getModelOverviews(modelRefs: string[], ofStages: string[]) {
    return modelOverviews.getModelOverviews(this.db, modelRefs, ofStages);
  }

  listApiModels(options: { limit: number; cursor?: string }) {
    return models.listApiModels(this.db, this.cursors, options);
  }
}
