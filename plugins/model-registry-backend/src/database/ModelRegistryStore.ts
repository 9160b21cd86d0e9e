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
  updatedBy: string;
  updatedAt: string;
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
  /** Registers a version with the next number; with an idempotency key, a retry returns the first. */
  registerVersion(
    modelRef: string,
    input: NewModelVersion,
    context: ChangeContext & {
      idempotencyKey?: string;
      stageRules: StageRules;
    },
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
  /** Moves a version to a stage; a single-occupancy stage's previous occupant is archived in the same transaction. */
  transitionStage(
    modelRef: string,
    version: number,
    stage: string,
    context: ChangeContext & { stageRules: StageRules },
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
  /** Adds edges to a live version. */
  addLineage(
    modelRef: string,
    version: number,
    edges: LineageEdgeInput[],
    context: ChangeContext,
  ): Promise<LineageEdge[]>;

  /** The edges of a live version. */
  listLineageEdges(modelRef: string, version: number): Promise<LineageEdge[]>;

  /** Walks a version's lineage upstream, downstream or both, to a depth. */
  getLineage(
    modelRef: string,
    version: number,
    options: { direction: 'upstream' | 'downstream' | 'both'; depth: number },
  ): Promise<LineageGraph>;

  /** Versions with an edge to the target (an entity ref or URI), optionally of one relation. */
  findVersionsLinkedTo(
    target: string,
    options: { relation?: string; limit: number; cursor?: string },
  ): Promise<Page<LineageEdge>>;

  /** Versions that descend (fine-tuned, transitively) from any version of a model. */
  getDescendants(
    modelRef: string,
    options: { depth: number },
  ): Promise<LineageDescendant[]>;
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

  /** Creates (or revives) a model registered through the API. Conflict if a live one exists. */
  registerModel(
    modelRef: string,
    entity: Record<string, unknown>,
    context: ChangeContext,
  ): Promise<ApiRegisteredModel>;

  /** Soft-deletes an API-registered model and removes its aliases; versions and history stay. */
  deleteModel(modelRef: string, context: ChangeContext): Promise<void>;

  /** A live model registered through the API, or undefined. */
  getApiModel(modelRef: string): Promise<ApiRegisteredModel | undefined>;

  /** Every live model registered through the API. */
  listApiModels(): Promise<ApiRegisteredModel[]>;
}

/** The registry's storage: SQL and nothing else; callers validate and authorize. */
export interface ModelRegistryStore
  extends VersionStore,
    StageStore,
    AliasStore,
    LineageStore,
    HistoryStore,
    ModelStore {}
