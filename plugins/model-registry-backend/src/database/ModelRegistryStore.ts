import {
  HistoryEntry,
  LineageEdge,
  LineageEdgeInput,
  LineageGraph,
  ModelSummary,
  ModelVersion,
  ModelVersionCard,
  ModelVersionStatus,
  Page,
  StageRules,
} from '@model-registry/plugin-model-registry-common';

/** What a caller supplies to register a version (validated before it reaches the store). */
export type NewModelVersion = {
  source: string;
  status?: ModelVersionStatus;
  runId?: string;
  runLink?: string;
  code?: { repository?: string; commit?: string };
  framework?: string;
  description?: string;
  signature?: Record<string, unknown>;
  metrics?: Record<string, number>;
  params?: Record<string, string>;
  tags?: Record<string, string>;
  card?: ModelVersionCard;
  lineage?: LineageEdgeInput[];
};

/** Fields of a version that can change after registration; null clears a field. */
export type ModelVersionPatch = {
  status?: ModelVersionStatus;
  runId?: string | null;
  runLink?: string | null;
  code?: { repository?: string; commit?: string } | null;
  framework?: string | null;
  description?: string | null;
  signature?: Record<string, unknown> | null;
  /** Merged into the existing metrics. */
  metrics?: Record<string, number>;
  /** Merged into the existing params. */
  params?: Record<string, string>;
  /** Keys set to null are removed; others are set. */
  tags?: Record<string, string | null>;
  card?: ModelVersionCard | null;
};

/** Who makes a change and why. */
export type ChangeContext = {
  actor: string;
  comment?: string;
};

export type VersionSortField =
  | 'version'
  | 'createdAt'
  | 'updatedAt'
  | 'status'
  | 'stage';

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

export type ApiRegisteredModel = {
  modelRef: string;
  entity: Record<string, unknown>;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
};

/** The registry's storage: SQL and nothing else; callers validate and authorize. */
export interface ModelRegistryStore {
  /** Registers a version with the next number; with an idempotency key, a retry returns the first. */
  registerVersion(
    modelRef: string,
    input: NewModelVersion,
    context: ChangeContext & {
      idempotencyKey?: string;
      stageRules: StageRules;
    },
  ): Promise<{ version: ModelVersion; created: boolean }>;

  getVersion(
    modelRef: string,
    version: number,
  ): Promise<ModelVersion | undefined>;

  listVersions(
    modelRef: string,
    options: ListVersionsOptions,
  ): Promise<Page<ModelVersion>>;

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

  /** Moves a version to a stage; a single-occupancy stage's previous occupant is archived in the same transaction. */
  transitionStage(
    modelRef: string,
    version: number,
    stage: string,
    context: ChangeContext & { stageRules: StageRules },
  ): Promise<{ version: ModelVersion; archived: number[] }>;

  setAlias(
    modelRef: string,
    alias: string,
    version: number,
    context: ChangeContext,
  ): Promise<{ previousVersion?: number }>;

  deleteAlias(
    modelRef: string,
    alias: string,
    context: ChangeContext,
  ): Promise<void>;

  getVersionByAlias(
    modelRef: string,
    alias: string,
  ): Promise<ModelVersion | undefined>;

  listAliases(modelRef: string): Promise<
    Array<{
      alias: string;
      version: number;
      updatedBy: string;
      updatedAt: string;
    }>
  >;

  addLineage(
    modelRef: string,
    version: number,
    edges: LineageEdgeInput[],
    context: ChangeContext,
  ): Promise<LineageEdge[]>;

  listLineageEdges(modelRef: string, version: number): Promise<LineageEdge[]>;

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
  ): Promise<
    Array<{
      modelRef: string;
      version: number;
      depth: number;
      parentModelRef: string;
      parentVersion?: number;
    }>
  >;

  listHistory(
    modelRef: string,
    options: { version?: number; limit: number; cursor?: string },
  ): Promise<Page<HistoryEntry>>;

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

  getApiModel(modelRef: string): Promise<ApiRegisteredModel | undefined>;

  listApiModels(): Promise<ApiRegisteredModel[]>;
}
