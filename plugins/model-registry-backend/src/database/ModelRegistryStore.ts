import type { RegistryEvent } from './eventOutbox';
import type { WebhookStore } from './webhooks';
import type { MonitoringStore } from './monitoring';
import {
  HistoryEntry,
  LineageEdge,
  LineageEdgeInput,
  LineageGraph,
  ModelSummary,
  ModelVersion,
  ModelVersionStatus,
  Page,
  StageRules,
} from '@model-registry/plugin-model-registry-common';
import { ModelVersionPatch as GeneratedModelVersionPatch } from '../schema/openapi/generated/models/ModelVersionPatch.model';
import { NewModelVersion as GeneratedNewModelVersion } from '../schema/openapi/generated/models/NewModelVersion.model';

import type { GateInput } from '../gates/builtInGates';
import type { ModelOverview } from './modelOverviews';
import type {
  ListPromotionRequestsOptions,
  NewPromotionRequest,
  PromotionRequest,
} from './promotionRequestRows';
import type { DecideContext, DecisionResult } from './promotionRequests';
import type { VersionsOfRunsOptions } from './versionsOfRuns';

export { IdempotencyKeyReusedError } from './idempotency';
export type { ModelOverview } from './modelOverviews';
export type {
  ListPromotionRequestsOptions,
  NewPromotionRequest,
  PromotionDecision,
  PromotionRequest,
  PromotionRequestStatus,
} from './promotionRequestRows';
export type { DecideContext, DecisionResult } from './promotionRequests';
export type { VersionsOfRunsOptions } from './versionsOfRuns';

/** What a caller supplies to register a version (validated before it reaches the store). */
export type NewModelVersion = Omit<GeneratedNewModelVersion, 'comment'>;

/**
 * Fields of a version that can change after registration; null clears a field. The
 * generator drops the null of the contract's `signature: type: [object, 'null']`, so it is
 * added back here.
 */
export type ModelVersionPatch = Omit<
  GeneratedModelVersionPatch,
  'comment' | 'signature'
> & { signature?: GeneratedModelVersionPatch['signature'] | null };

/** Who makes a change and why. */
export type ChangeContext = {
  actor: string;
  comment?: string;
};

/** The fields listVersions sorts by. */
export type VersionSortField =
  | 'version'
  | 'createdAt'
  | 'updatedAt'
  | 'status'
  | 'stage';

/** Filters, sort and page of listVersions. */
export type ListVersionsOptions = {
  limit: number;
  cursor?: string;
  sort?: VersionSortField;
  /** Sorts by this metric instead of `sort` (versions without it last, either order). */
  sortMetric?: string;
  order?: 'asc' | 'desc';
  stage?: string;
  alias?: string;
  status?: ModelVersionStatus;
  tag?: { key: string; value?: string };
};

/** A model registered through the API, as the catalog entity provider reads it. */
export type ApiRegisteredModel = {
  modelRef: string;
  entity: Record<string, unknown>;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
};

/** An alias of a model and the version it points at. */
export type ModelAlias = {
  alias: string;
  version: number;
  /** The stage of the version it points at (listAliases). */
  stage?: string;
  updatedBy: string;
  updatedAt: string;
};

/** Registration context: who, why, the idempotency key and the stage rules. */
export type RegisterVersionContext = ChangeContext & {
  /** Scoped to (model, actor); the same key with another body is an IdempotencyKeyReusedError. */
  idempotencyKey?: string;
  stageRules: StageRules;
  /** The name of the lineage field in error messages (default `lineage`). */
  lineageField?: string;
};

/** Of the given model refs, those the caller may read (e.g. the catalog's check). */
export type ReadableModels = (modelRefs: string[]) => Promise<Set<string>>;

/** Options of a lineage walk. */
export type LineageOptions = {
  direction: 'upstream' | 'downstream' | 'both';
  depth: number;
  /** Versions of other models are left out and not walked through; default: all readable. */
  readableModels?: ReadableModels;
};

/** A lineage graph; `truncated` when MAX_LINEAGE_NODES cut the walk. */
export type LineageWalk = LineageGraph & { truncated?: true };

/** Options of findVersionsLinkedTo. */
export type FindLinkedVersionsOptions = {
  relation?: string;
  limit: number;
  cursor?: string;
  /** Versions of other models are left out before the page is cut. */
  readableModels?: ReadableModels;
};

/** Options of getDescendants. */
export type DescendantsOptions = {
  depth: number;
  limit: number;
  cursor?: string;
  /** Descendants of other models are left out and not walked through. */
  readableModels?: ReadableModels;
};

/** A page of descendants; `truncated` when MAX_LINEAGE_NODES cut the walk. */
export type DescendantsPage = Page<LineageDescendant> & { truncated?: true };

/** Makes and reads the signed, opaque cursors of every list (see CursorCodec). */
export type StoreCursors = {
  encode(kind: string, payload: Record<string, unknown>): string;
  decode<T extends Record<string, unknown>>(
    kind: string,
    cursor: string,
    check: (value: Record<string, unknown>) => boolean,
  ): T;
};

/** A version that descends (fine-tuned, transitively) from a model. */
export type LineageDescendant = {
  modelRef: string;
  version: number;
  depth: number;
  parentModelRef: string;
  parentVersion?: number;
};

/** Versions: registration, reads, updates and soft deletes. */
export interface VersionStore {
  /**
   * Registers a version with the next number. With an idempotency key, the same caller's
   * retry with the same body returns the first version (created false); with another body
   * it is an IdempotencyKeyReusedError. Edges to model versions must name live ones.
   */
  registerVersion(
    modelRef: string,
    input: NewModelVersion,
    context: RegisterVersionContext,
  ): Promise<{ version: ModelVersion; created: boolean }>;

  /** A live version, or undefined. */
  getVersion(
    modelRef: string,
    version: number,
  ): Promise<ModelVersion | undefined>;

  /** A page of a model's live versions. */
  listVersions(
    modelRef: string,
    options: ListVersionsOptions,
  ): Promise<Page<ModelVersion>>;

  /** A page of the live versions, of any model, registered from one of the runs. */
  listVersionsOfRuns(
    runIds: string[],
    options: VersionsOfRunsOptions,
  ): Promise<Page<ModelVersion>>;

  /** Changes a version's fields; null clears a field. */
  updateVersion(
    modelRef: string,
    version: number,
    patch: ModelVersionPatch,
    context: ChangeContext,
  ): Promise<ModelVersion>;

  /** Soft-deletes: the number stays reserved, aliases to it go, history stays. */
  deleteVersion(
    modelRef: string,
    version: number,
    context: ChangeContext & { stageRules: StageRules },
  ): Promise<void>;
}

/** Stage transitions. */
export interface StageStore {
  /**
   * Moves a version to a stage; a single-occupancy stage's previous occupant is archived in
   * the same transaction, and so, with `archiveOthers`, is every other version in the stage.
   */
  transitionStage(
    modelRef: string,
    version: number,
    stage: string,
    context: ChangeContext & {
      stageRules: StageRules;
      archiveOthers?: boolean;
    },
  ): Promise<{ version: ModelVersion; archived: number[] }>;
}

/** Aliases: movable named pointers to versions. */
export interface AliasStore {
  /** Points an alias at a version; returns the version it pointed at before. */
  setAlias(
    modelRef: string,
    alias: string,
    version: number,
    context: ChangeContext,
  ): Promise<{ previousVersion?: number }>;

  /** Removes an alias; NotFoundError when it does not exist. */
  deleteAlias(
    modelRef: string,
    alias: string,
    context: ChangeContext,
  ): Promise<void>;

  /** The live version an alias points at, or undefined. */
  getVersionByAlias(
    modelRef: string,
    alias: string,
  ): Promise<ModelVersion | undefined>;

  /** A model's aliases, by name. */
  listAliases(modelRef: string): Promise<ModelAlias[]>;
}

/** Lineage edges and walks over them. */
export interface LineageStore {
  /** Adds edges to a live version; edges to model versions must name live ones. */
  addLineage(
    modelRef: string,
    version: number,
    edges: LineageEdgeInput[],
    context: ChangeContext & {
      /** The name of the edges field in error messages (default `edges`). */
      lineageField?: string;
    },
  ): Promise<LineageEdge[]>;

  /** The edges of a live version. */
  listLineageEdges(modelRef: string, version: number): Promise<LineageEdge[]>;

  /** Walks a version's lineage upstream, downstream or both, to a depth, readable models only. */
  getLineage(
    modelRef: string,
    version: number,
    options: LineageOptions,
  ): Promise<LineageWalk>;

  /** Versions with an edge to the target (an entity ref or URI), optionally of one relation. */
  findVersionsLinkedTo(
    target: string,
    options: FindLinkedVersionsOptions,
  ): Promise<Page<LineageEdge>>;

  /** Versions that descend (fine-tuned, transitively) from any version of a model, a page at a time. */
  getDescendants(
    modelRef: string,
    options: DescendantsOptions,
  ): Promise<DescendantsPage>;
}

/** The append-only history of changes. */
export interface HistoryStore {
  /** A model's (or one version's) history, newest first. */
  listHistory(
    modelRef: string,
    options: { version?: number; limit: number; cursor?: string },
  ): Promise<Page<HistoryEntry>>;
}

/** Models: summaries and the models registered through the API. */
export interface ModelStore {
  /** Registry state of many models at once (one round of queries, whatever the count). */
  getSummaries(
    modelRefs: string[],
    stageRules: StageRules,
  ): Promise<Map<string, ModelSummary>>;

  /**
   * Of the given models, those with at least one live version in the stage (one query,
   * on the (model_ref, stage) index).
   */
  modelsWithStage(modelRefs: string[], stage: string): Promise<Set<string>>;

  /** Of the given models, those with the registry model tag `key` (and value, if given). */
  modelsWithTag(
    modelRefs: string[],
    key: string,
    value?: string,
  ): Promise<Set<string>>;

  /** The metrics of the live version each of the given models has in the stage (one query). */
  metricsInStage(
    modelRefs: string[],
    stage: string,
  ): Promise<Map<string, Record<string, unknown>>>;

  /** Creates (or revives) a model registered through the API. Conflict if a live one exists. */
  registerModel(
    modelRef: string,
    entity: Record<string, unknown>,
    context: ChangeContext,
  ): Promise<ApiRegisteredModel>;

  /** Soft-deletes an API-registered model and removes its aliases; versions and history stay. */
  deleteModel(modelRef: string, context: ChangeContext): Promise<void>;

  /**
   * Changes the description of a live model registered through the API (empty: removes it);
   * NotFoundError for any other model.
   */
  updateApiModelDescription(
    modelRef: string,
    description: string,
    context: ChangeContext,
  ): Promise<void>;

  /** A live model registered through the API, or undefined. */
  getApiModel(modelRef: string): Promise<ApiRegisteredModel | undefined>;

  /**
   * Many models' API registration, aliases, tags and newest version per stage, in a fixed
   * number of statements (an entry for every ref asked, empty for unknown models).
   */
  getModelOverviews(
    modelRefs: string[],
    stages: string[],
  ): Promise<Map<string, ModelOverview>>;

  /** A page of the live models registered through the API, by model ref. */
  listApiModels(options: {
    limit: number;
    cursor?: string;
  }): Promise<Page<ApiRegisteredModel>>;
}

/** Tags of a model as a whole (MLflow's registered-model tags), with history. */
export interface ModelTagStore {
  /** Sets (or replaces) a model's tag. */
  setModelTag(
    modelRef: string,
    key: string,
    value: string,
    context: ChangeContext,
  ): Promise<void>;

  /** Removes a model's tag; false (no change, no history) when it is not set. */
  deleteModelTag(
    modelRef: string,
    key: string,
    context: ChangeContext,
  ): Promise<boolean>;

  /** The tags of many models at once, by model ref (models without tags are left out). */
  listModelTags(
    modelRefs: string[],
  ): Promise<Map<string, Record<string, string>>>;
}

/** The registry's storage: SQL and nothing else; callers validate and authorize. */
/** Promotion requests and their approvals (issue 10); see promotionRequests.ts and promotionRequestLists.ts. */
export interface PromotionRequestStore {
  /** Opens a request; at most one open request per version and stage (ConflictError). */
  openPromotionRequest(
    modelRef: string,
    input: NewPromotionRequest,
    context: ChangeContext,
  ): Promise<PromotionRequest>;

  getPromotionRequest(
    modelRef: string,
    id: number,
  ): Promise<PromotionRequest | undefined>;

  /** Newest first; all models when no modelRef. */
  listPromotionRequests(
    options: ListPromotionRequestsOptions,
  ): Promise<Page<PromotionRequest>>;

  /** Approves or rejects; the last approval needed executes the promotion atomically. */
  decidePromotionRequest(
    modelRef: string,
    id: number,
    decision: 'approve' | 'reject',
    context: DecideContext,
  ): Promise<DecisionResult>;

  /** What the gates of moving a version into a stage see; undefined for a missing version. */
  getGateInput(
    modelRef: string,
    version: number,
    stage: string,
    stageRules: StageRules,
  ): Promise<GateInput | undefined>;

  /** Closes the open requests past their expiry; returns them. */
  expirePromotionRequests(now?: Date): Promise<PromotionRequest[]>;

  /**
   * Publishes the due events of the outbox (one per change, written with it), marking
   * each dispatched; at-least-once, one replica per event at a time. Returns how many.
   */
  dispatchEvents(
    publish: (event: RegistryEvent) => Promise<void>,
    options?: { limit?: number },
  ): Promise<number>;

  /** Webhook subscriptions and their deliveries (docs/events.md). */
  readonly webhooks: WebhookStore;

  /** Monitoring observations, thresholds and alerts (docs/events.md). */
  readonly monitoring: MonitoringStore;

  /** Cancels an open request (its requester only). */
  cancelPromotionRequest(
    modelRef: string,
    id: number,
    context: ChangeContext,
  ): Promise<PromotionRequest>;
}

export interface ModelRegistryStore
  extends VersionStore,
    PromotionRequestStore,
    ModelTagStore,
    StageStore,
    AliasStore,
    LineageStore,
    HistoryStore,
    ModelStore {
  /** The codec of the store's cursors, for the router's own lists. */
  readonly cursors: StoreCursors;
}
