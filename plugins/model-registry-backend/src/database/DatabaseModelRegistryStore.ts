import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  HistoryEntry,
  LineageEdge,
  LineageEdgeInput,
  LineageGraph,
  LineageNode,
  LineageRelation,
  ModelSummary,
  ModelVersion,
  Page,
  StageRules,
  UPSTREAM_LINEAGE_RELATIONS,
} from '@model-registry/plugin-model-registry-common';
import { Knex } from 'knex';
import { decodeCursor, encodeCursor } from './cursors';
import {
  ApiRegisteredModel,
  ChangeContext,
  ListVersionsOptions,
  ModelRegistryStore,
  ModelVersionPatch,
  NewModelVersion,
  VersionSortField,
} from './ModelRegistryStore';

const migrationsDir = resolvePackagePath(
  '@model-registry/plugin-model-registry-backend',
  'migrations',
);

/** Advisory lock key that serialises the creation of knex's migration tables ("mreg"). */
const MIGRATIONS_ADVISORY_LOCK = 0x6d726567;

type ModelRow = {
  model_ref: string;
  next_version: number;
  live_version_count: number;
  latest_version: number | null;
  registered_by_api: boolean | number;
  entity: string | null;
  created_by: string;
  created_at: Date | string | number;
  updated_at: Date | string | number;
  deleted_at: Date | string | number | null;
};

type VersionRow = {
  id: number | string;
  model_ref: string;
  version: number;
  status: string;
  stage: string;
  source: string;
  run_id: string | null;
  run_link: string | null;
  code_repository: string | null;
  code_commit: string | null;
  framework: string | null;
  description: string | null;
  signature: string | null;
  metrics: string;
  params: string;
  card: string | null;
  idempotency_key: string | null;
  created_by: string;
  created_at: Date | string | number;
  updated_by: string;
  updated_at: Date | string | number;
  stage_updated_at: Date | string | number;
  deleted_by: string | null;
  deleted_at: Date | string | number | null;
};

type EdgeRow = {
  id: number | string;
  version_id: number | string;
  relation: string;
  target_type: string;
  target: string;
  target_version: number | null;
  created_by: string;
  created_at: Date | string | number;
};

type HistoryRow = {
  id: number | string;
  model_ref: string;
  version: number | null;
  action: string;
  actor: string;
  comment: string | null;
  before: string | null;
  after: string | null;
  created_at: Date | string | number;
};

const SORT_COLUMNS: Record<VersionSortField, string> = {
  version: 'version',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
  status: 'status',
  stage: 'stage',
};

const DATE_SORTS: VersionSortField[] = ['createdAt', 'updatedAt'];

/**
 * Whether a cursor's sort value can be compared with the sort column: a timestamp for the
 * date sorts, a string for the others. Anything else would reach the database as an
 * invalid literal (a 500 on PostgreSQL) instead of being a 400.
 */
function isSortValue(sort: VersionSortField, value: unknown): boolean {
  if (typeof value !== 'string') {
    return false;
  }
  return DATE_SORTS.includes(sort) ? !Number.isNaN(Date.parse(value)) : true;
}

function toIso(value: Date | string | number): string {
  return (value instanceof Date ? value : new Date(value)).toISOString();
}

function parseJson<T>(value: string | null | undefined): T | undefined {
  return value === null || value === undefined
    ? undefined
    : (JSON.parse(value) as T);
}

function jsonOrNull(value: unknown): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value);
}

function versionNodeId(modelRef: string, version: number) {
  return `version:${modelRef}@${version}`;
}

/** The Knex implementation of the registry store, on SQLite or PostgreSQL. */
export class DatabaseModelRegistryStore implements ModelRegistryStore {
  static async create(options: {
    database: DatabaseService;
    skipMigrations?: boolean;
  }): Promise<DatabaseModelRegistryStore> {
    const client = await options.database.getClient();
    if (!options.database.migrations?.skip && !options.skipMigrations) {
      await DatabaseModelRegistryStore.migrate(client);
    }
    return new DatabaseModelRegistryStore(client);
  }

  /**
   * Runs the shipped migrations on a Knex instance; safe when several replicas start at once.
   *
   * Knex creates its own knex_migrations and knex_migrations_lock tables without any lock
   * (knex #3538): replicas starting together on an empty PostgreSQL database fail with
   * "relation already exists", or each insert a lock row, after which every later
   * migration fails with "Migration table is already locked". On PostgreSQL those tables
   * are therefore created first, under a transaction-scoped advisory lock; knex's own
   * lock row then serialises the (transactional) migrations themselves.
   */
  static async migrate(knex: Knex): Promise<void> {
    if (knex.client.dialect === 'postgresql') {
      await knex.transaction(async trx => {
        await trx.raw('SELECT pg_advisory_xact_lock(?)', [
          MIGRATIONS_ADVISORY_LOCK,
        ]);
        await ensureKnexMigrationTables(trx);
      });
    }
    await knex.migrate.latest({ directory: migrationsDir });
  }

  constructor(private readonly db: Knex) {}

  // --- versions ----------------------------------------------------------------------

  async registerVersion(
    modelRef: string,
    input: NewModelVersion,
    context: ChangeContext & {
      idempotencyKey?: string;
      stageRules: StageRules;
    },
  ): Promise<{ version: ModelVersion; created: boolean }> {
    const { idempotencyKey } = context;
    if (idempotencyKey) {
      const existing = await this.findByIdempotencyKey(
        this.db,
        modelRef,
        idempotencyKey,
      );
      if (existing) {
        return {
          version: await this.toVersion(this.db, existing),
          created: false,
        };
      }
    }
    return this.db.transaction(async trx => {
      const now = new Date();
      // The model row lock serialises every change to one model across replicas; the
      // counter it holds makes numbers unique and never reused.
      const model = await this.ensureAndLockModel(
        trx,
        modelRef,
        context.actor,
        now,
      );
      if (idempotencyKey) {
        const existing = await this.findByIdempotencyKey(
          trx,
          modelRef,
          idempotencyKey,
        );
        if (existing) {
          return {
            version: await this.toVersion(trx, existing),
            created: false,
          };
        }
      }
      const number = model.next_version;
      await trx('models')
        .where({ model_ref: modelRef })
        .update({
          next_version: number + 1,
          live_version_count: model.live_version_count + 1,
          latest_version: number,
          updated_at: now,
        });
      const row = {
        model_ref: modelRef,
        version: number,
        status: input.status ?? 'ready',
        stage: context.stageRules.stages[0],
        source: input.source,
        run_id: input.runId ?? null,
        run_link: input.runLink ?? null,
        code_repository: input.code?.repository ?? null,
        code_commit: input.code?.commit ?? null,
        framework: input.framework ?? null,
        description: input.description ?? null,
        signature: jsonOrNull(input.signature),
        metrics: JSON.stringify(input.metrics ?? {}),
        params: JSON.stringify(input.params ?? {}),
        card: jsonOrNull(input.card),
        idempotency_key: idempotencyKey ?? null,
        created_by: context.actor,
        created_at: now,
        updated_by: context.actor,
        updated_at: now,
        stage_updated_at: now,
      };
      const [{ id }] = await trx('model_versions').insert(row, ['id']);
      const tags = Object.entries(input.tags ?? {});
      if (tags.length) {
        await trx('model_version_tags').insert(
          tags.map(([key, value]) => ({ version_id: id, key, value })),
        );
      }
      if (input.lineage?.length) {
        await trx('lineage_edges').insert(
          input.lineage.map(edge =>
            this.edgeRow(Number(id), edge, context.actor, now),
          ),
        );
      }
      const version = await this.toVersion(trx, {
        ...row,
        id,
        deleted_at: null,
        deleted_by: null,
      });
      await this.appendHistory(trx, {
        modelRef,
        version: number,
        action: 'version.register',
        context,
        after: { ...version, lineage: input.lineage ?? [] },
        at: now,
      });
      return { version, created: true };
    });
  }

  async getVersion(
    modelRef: string,
    version: number,
  ): Promise<ModelVersion | undefined> {
    const row = await this.db<VersionRow>('model_versions')
      .where({ model_ref: modelRef, version })
      .whereNull('deleted_at')
      .first();
    return row ? this.toVersion(this.db, row) : undefined;
  }

  async listVersions(
    modelRef: string,
    options: ListVersionsOptions,
  ): Promise<Page<ModelVersion>> {
    const sort = options.sort ?? 'version';
    const order = options.order ?? 'desc';
    const column = SORT_COLUMNS[sort];
    const query = this.db<VersionRow>('model_versions')
      .where('model_versions.model_ref', modelRef)
      .whereNull('model_versions.deleted_at');
    if (options.stage) {
      query.where('model_versions.stage', options.stage);
    }
    if (options.status) {
      query.where('model_versions.status', options.status);
    }
    if (options.alias) {
      query.whereExists(sub =>
        sub
          .select(this.db.raw('1'))
          .from('model_aliases')
          .whereRaw('model_aliases.version_id = model_versions.id')
          .where('model_aliases.alias', options.alias!),
      );
    }
    if (options.tag) {
      const tag = options.tag;
      query.whereExists(sub => {
        sub
          .select(this.db.raw('1'))
          .from('model_version_tags')
          .whereRaw('model_version_tags.version_id = model_versions.id')
          .where('model_version_tags.key', tag.key);
        if (tag.value !== undefined) {
          sub.where('model_version_tags.value', tag.value);
        }
      });
    }
    if (options.cursor) {
      const position = decodeCursor<{
        s: string;
        o: string;
        v: unknown;
        n: number;
      }>(
        options.cursor,
        c =>
          c.s === sort &&
          c.o === order &&
          Number.isSafeInteger(c.n) &&
          (sort === 'version' || isSortValue(sort, c.v)),
      );
      const op = order === 'asc' ? '>' : '<';
      if (sort === 'version') {
        query.where('model_versions.version', op, position.n);
      } else {
        const value = DATE_SORTS.includes(sort)
          ? new Date(String(position.v))
          : position.v;
        // A row-value comparison, so that the (model_ref, column, version) index serves it.
        query.whereRaw(
          `(model_versions.${column}, model_versions.version) ${op} (?, ?)`,
          [value as any, position.n],
        );
      }
    }
    query.orderBy(`model_versions.${column}`, order);
    if (sort !== 'version') {
      query.orderBy('model_versions.version', order);
    }
    const rows = await query
      .select('model_versions.*')
      .limit(options.limit + 1);
    const pageRows = rows.slice(0, options.limit);
    const items = await this.toVersions(this.db, pageRows);
    let nextCursor: string | undefined;
    if (rows.length > options.limit) {
      const last = pageRows[pageRows.length - 1];
      const raw = (last as Record<string, unknown>)[column];
      nextCursor = encodeCursor({
        s: sort,
        o: order,
        v: DATE_SORTS.includes(sort) ? toIso(raw as Date) : raw,
        n: last.version,
      });
    }
    return { items, nextCursor };
  }

  async updateVersion(
    modelRef: string,
    version: number,
    patch: ModelVersionPatch,
    context: ChangeContext,
  ): Promise<ModelVersion> {
    return this.db.transaction(async trx => {
      await this.lockModel(trx, modelRef);
      const row = await this.requireVersion(trx, modelRef, version);
      const before = await this.toVersion(trx, row);
      const now = new Date();
      const update: Partial<VersionRow> = {
        updated_by: context.actor,
        updated_at: now,
      };
      if (patch.status !== undefined) update.status = patch.status;
      if (patch.runId !== undefined) update.run_id = patch.runId;
      if (patch.runLink !== undefined) update.run_link = patch.runLink;
      if (patch.code !== undefined) {
        update.code_repository = patch.code?.repository ?? null;
        update.code_commit = patch.code?.commit ?? null;
      }
      if (patch.framework !== undefined) update.framework = patch.framework;
      if (patch.description !== undefined)
        update.description = patch.description;
      if (patch.signature !== undefined)
        update.signature = jsonOrNull(patch.signature);
      if (patch.card !== undefined) update.card = jsonOrNull(patch.card);
      if (patch.metrics !== undefined) {
        update.metrics = JSON.stringify({
          ...before.metrics,
          ...patch.metrics,
        });
      }
      if (patch.params !== undefined) {
        update.params = JSON.stringify({ ...before.params, ...patch.params });
      }
      await trx('model_versions').where({ id: row.id }).update(update);
      if (patch.tags) {
        for (const [key, value] of Object.entries(patch.tags)) {
          if (value === null) {
            await trx('model_version_tags')
              .where({ version_id: row.id, key })
              .delete();
          } else {
            await trx('model_version_tags')
              .insert({ version_id: row.id, key, value })
              .onConflict(['version_id', 'key'])
              .merge(['value']);
          }
        }
      }
      const after = await this.toVersion(trx, {
        ...row,
        ...update,
      } as VersionRow);
      const changed = Object.keys(patch) as Array<keyof ModelVersion>;
      await this.appendHistory(trx, {
        modelRef,
        version,
        action: 'version.update',
        context,
        before: pick(before, changed),
        after: pick(after, changed),
        at: now,
      });
      return after;
    });
  }

  async deleteVersion(
    modelRef: string,
    version: number,
    context: ChangeContext & { stageRules: StageRules },
  ): Promise<void> {
    await this.db.transaction(async trx => {
      const model = await this.lockModel(trx, modelRef);
      const row = await this.requireVersion(trx, modelRef, version);
      if (context.stageRules.singleOccupancyStages.includes(row.stage)) {
        throw new ConflictError(
          `version ${version} is in ${row.stage}; promote another version to ${row.stage} before deleting it`,
        );
      }
      const before = await this.toVersion(trx, row);
      const now = new Date();
      await trx('model_aliases').where({ version_id: row.id }).delete();
      await trx('model_versions').where({ id: row.id }).update({
        deleted_at: now,
        deleted_by: context.actor,
        updated_at: now,
        updated_by: context.actor,
      });
      // Keep the model row's counters in step (read by getSummaries).
      const latest =
        model.latest_version === version
          ? await trx('model_versions')
              .where({ model_ref: modelRef })
              .whereNull('deleted_at')
              .max({ latest: 'version' })
              .first()
          : undefined;
      await trx('models')
        .where({ model_ref: modelRef })
        .update({
          live_version_count: Math.max(0, model.live_version_count - 1),
          ...(latest
            ? {
                latest_version:
                  latest.latest === null ? null : Number(latest.latest),
              }
            : {}),
          updated_at: now,
        });
      await this.appendHistory(trx, {
        modelRef,
        version,
        action: 'version.delete',
        context,
        before,
        at: now,
      });
    });
  }

  async transitionStage(
    modelRef: string,
    version: number,
    stage: string,
    context: ChangeContext & { stageRules: StageRules },
  ): Promise<{ version: ModelVersion; archived: number[] }> {
    const rules = context.stageRules;
    return this.db.transaction(async trx => {
      await this.lockModel(trx, modelRef);
      const row = await this.requireVersion(trx, modelRef, version);
      if (row.stage === stage) {
        return { version: await this.toVersion(trx, row), archived: [] };
      }
      if (rules.singleOccupancyStages.includes(row.stage)) {
        throw new ConflictError(
          `version ${version} is the ${row.stage} version; promote another version to ${row.stage} to replace it`,
        );
      }
      const now = new Date();
      const archived: number[] = [];
      if (rules.singleOccupancyStages.includes(stage)) {
        const occupants = await trx<VersionRow>('model_versions')
          .where({ model_ref: modelRef, stage })
          .whereNull('deleted_at')
          .whereNot({ id: row.id })
          .select('id', 'version');
        for (const occupant of occupants) {
          await trx('model_versions').where({ id: occupant.id }).update({
            stage: rules.archivedStage,
            stage_updated_at: now,
            updated_at: now,
            updated_by: context.actor,
          });
          await this.appendHistory(trx, {
            modelRef,
            version: occupant.version,
            action: 'version.stage',
            context: {
              actor: context.actor,
              comment: `Replaced in ${stage} by version ${version}${
                context.comment ? `: ${context.comment}` : ''
              }`,
            },
            before: { stage },
            after: { stage: rules.archivedStage },
            at: now,
          });
          archived.push(occupant.version);
        }
      }
      await trx('model_versions').where({ id: row.id }).update({
        stage,
        stage_updated_at: now,
        updated_at: now,
        updated_by: context.actor,
      });
      await this.appendHistory(trx, {
        modelRef,
        version,
        action: 'version.stage',
        context,
        before: { stage: row.stage },
        after: { stage, archived },
        at: now,
      });
      const updated = await this.toVersion(trx, {
        ...row,
        stage,
        stage_updated_at: now,
        updated_at: now,
        updated_by: context.actor,
      });
      return { version: updated, archived };
    });
  }

  // --- aliases -----------------------------------------------------------------------

  async setAlias(
    modelRef: string,
    alias: string,
    version: number,
    context: ChangeContext,
  ): Promise<{ previousVersion?: number }> {
    return this.db.transaction(async trx => {
      await this.lockModel(trx, modelRef);
      const row = await this.requireVersion(trx, modelRef, version);
      const previous = await trx('model_aliases')
        .join('model_versions', 'model_versions.id', 'model_aliases.version_id')
        .where({
          'model_aliases.model_ref': modelRef,
          'model_aliases.alias': alias,
        })
        .first('model_versions.version as version');
      const now = new Date();
      await trx('model_aliases')
        .insert({
          model_ref: modelRef,
          alias,
          version_id: row.id,
          updated_by: context.actor,
          updated_at: now,
        })
        .onConflict(['model_ref', 'alias'])
        .merge(['version_id', 'updated_by', 'updated_at']);
      const previousVersion = previous ? Number(previous.version) : undefined;
      await this.appendHistory(trx, {
        modelRef,
        version,
        action: 'alias.set',
        context,
        before:
          previousVersion !== undefined
            ? { alias, version: previousVersion }
            : undefined,
        after: { alias, version },
        at: now,
      });
      return { previousVersion };
    });
  }

  async deleteAlias(
    modelRef: string,
    alias: string,
    context: ChangeContext,
  ): Promise<void> {
    await this.db.transaction(async trx => {
      await this.lockModel(trx, modelRef);
      const existing = await trx('model_aliases')
        .join('model_versions', 'model_versions.id', 'model_aliases.version_id')
        .where({
          'model_aliases.model_ref': modelRef,
          'model_aliases.alias': alias,
        })
        .first('model_versions.version as version');
      if (!existing) {
        throw new NotFoundError(
          `alias "${alias}" does not exist on ${modelRef}`,
        );
      }
      await trx('model_aliases').where({ model_ref: modelRef, alias }).delete();
      await this.appendHistory(trx, {
        modelRef,
        version: Number(existing.version),
        action: 'alias.delete',
        context,
        before: { alias, version: Number(existing.version) },
        at: new Date(),
      });
    });
  }

  async getVersionByAlias(
    modelRef: string,
    alias: string,
  ): Promise<ModelVersion | undefined> {
    const row = await this.db<VersionRow>('model_versions')
      .join('model_aliases', 'model_aliases.version_id', 'model_versions.id')
      .where({
        'model_aliases.model_ref': modelRef,
        'model_aliases.alias': alias,
      })
      .whereNull('model_versions.deleted_at')
      .first('model_versions.*');
    return row ? this.toVersion(this.db, row) : undefined;
  }

  async listAliases(modelRef: string) {
    const rows = await this.db('model_aliases')
      .join('model_versions', 'model_versions.id', 'model_aliases.version_id')
      .where('model_aliases.model_ref', modelRef)
      .orderBy('model_aliases.alias')
      .select(
        'model_aliases.alias',
        'model_versions.version',
        'model_aliases.updated_by',
        'model_aliases.updated_at',
      );
    return rows.map(r => ({
      alias: r.alias as string,
      version: Number(r.version),
      updatedBy: r.updated_by as string,
      updatedAt: toIso(r.updated_at),
    }));
  }

  // --- lineage -----------------------------------------------------------------------

  async addLineage(
    modelRef: string,
    version: number,
    edges: LineageEdgeInput[],
    context: ChangeContext,
  ): Promise<LineageEdge[]> {
    return this.db.transaction(async trx => {
      await this.lockModel(trx, modelRef);
      const row = await this.requireVersion(trx, modelRef, version);
      const now = new Date();
      const inserted: EdgeRow[] = [];
      for (const edge of edges) {
        const [{ id }] = await trx('lineage_edges').insert(
          this.edgeRow(Number(row.id), edge, context.actor, now),
          ['id'],
        );
        inserted.push({
          ...this.edgeRow(Number(row.id), edge, context.actor, now),
          id,
        });
      }
      const result = inserted.map(e => this.toEdge(e, modelRef, version));
      await this.appendHistory(trx, {
        modelRef,
        version,
        action: 'lineage.add',
        context,
        after: { edges: result },
        at: now,
      });
      return result;
    });
  }

  async listLineageEdges(
    modelRef: string,
    version: number,
  ): Promise<LineageEdge[]> {
    const rows = await this.db<EdgeRow>('lineage_edges')
      .join('model_versions', 'model_versions.id', 'lineage_edges.version_id')
      .where({
        'model_versions.model_ref': modelRef,
        'model_versions.version': version,
      })
      .whereNull('model_versions.deleted_at')
      .orderBy('lineage_edges.id')
      .select('lineage_edges.*');
    return rows.map(r => this.toEdge(r, modelRef, version));
  }

  async getLineage(
    modelRef: string,
    version: number,
    options: { direction: 'upstream' | 'downstream' | 'both'; depth: number },
  ): Promise<LineageGraph> {
    const root = await this.db<VersionRow>('model_versions')
      .where({ model_ref: modelRef, version })
      .whereNull('deleted_at')
      .first('id', 'model_ref', 'version');
    if (!root) {
      throw new NotFoundError(
        `version ${version} of ${modelRef} does not exist`,
      );
    }
    const rootId = versionNodeId(modelRef, version);
    const nodes = new Map<string, LineageNode>([
      [
        rootId,
        { id: rootId, type: 'version', ref: modelRef, version, depth: 0 },
      ],
    ]);
    const edges = new Map<
      string,
      { from: string; to: string; relation: LineageRelation }
    >();
    const addNode = (node: LineageNode) => {
      if (!nodes.has(node.id)) nodes.set(node.id, node);
    };
    const addEdge = (from: string, to: string, relation: LineageRelation) => {
      edges.set(`${from}|${relation}|${to}`, { from, to, relation });
    };
    const upstream = UPSTREAM_LINEAGE_RELATIONS as string[];

    if (options.direction !== 'downstream') {
      // Breadth-first, one query per level: the edges of the frontier, joined to the rows of
      // their model-version targets so that the walk can go on from them.
      let frontier: Array<{ id: number; modelRef: string; version: number }> = [
        { id: Number(root.id), modelRef, version },
      ];
      const visited = new Set<number>([Number(root.id)]);
      for (let depth = 1; depth <= options.depth && frontier.length; depth++) {
        const byId = new Map(frontier.map(f => [f.id, f]));
        const rows = await this.db('lineage_edges as e')
          .leftJoin('model_versions as t', join =>
            join
              .on('t.model_ref', '=', 'e.target')
              .andOn('t.version', '=', 'e.target_version'),
          )
          .whereIn('e.version_id', [...byId.keys()])
          .whereIn('e.relation', upstream)
          .orderBy('e.id')
          .select(
            'e.*',
            't.id as target_row_id',
            't.deleted_at as target_deleted_at',
          );
        const next: typeof frontier = [];
        for (const edge of rows) {
          const from = byId.get(Number(edge.version_id))!;
          const target = this.targetNode(edge, -depth);
          addNode(target);
          addEdge(
            versionNodeId(from.modelRef, from.version),
            target.id,
            edge.relation as LineageRelation,
          );
          const targetRowId =
            edge.target_row_id === null || edge.target_row_id === undefined
              ? undefined
              : Number(edge.target_row_id);
          if (
            target.type === 'version' &&
            targetRowId !== undefined &&
            !edge.target_deleted_at &&
            !visited.has(targetRowId)
          ) {
            visited.add(targetRowId);
            next.push({
              id: targetRowId,
              modelRef: target.ref,
              version: target.version!,
            });
          }
        }
        frontier = next;
      }
    }

    if (options.direction !== 'upstream') {
      // One query per level: the consumers a frontier version is served by, and the
      // versions that name a frontier version (or its model, without a version) as an input.
      let frontier: Array<{ id: number; modelRef: string; version: number }> = [
        { id: Number(root.id), modelRef, version },
      ];
      for (let depth = 1; depth <= options.depth && frontier.length; depth++) {
        const next: Array<{ id: number; modelRef: string; version: number }> =
          [];
        const current = frontier;
        const byId = new Map(frontier.map(f => [f.id, f]));
        const rows = await this.db('lineage_edges')
          .join(
            'model_versions',
            'model_versions.id',
            'lineage_edges.version_id',
          )
          .whereNull('model_versions.deleted_at')
          .where(q =>
            q
              .where(served =>
                served
                  .whereIn('lineage_edges.version_id', [...byId.keys()])
                  .where('lineage_edges.relation', 'servedBy'),
              )
              .orWhere(inputs =>
                inputs
                  .whereIn('lineage_edges.relation', upstream)
                  // Only edges to a frontier version (or to its model without a version),
                  // matched in SQL on the (target, target_version) index.
                  .where(targets => matchFrontierTargets(targets, current)),
              ),
          )
          .orderBy('lineage_edges.id')
          .select(
            'lineage_edges.*',
            'model_versions.id as child_id',
            'model_versions.model_ref as child_ref',
            'model_versions.version as child_version',
          );
        for (const edge of rows) {
          if (edge.relation === 'servedBy') {
            const from = byId.get(Number(edge.version_id))!;
            const target = this.targetNode(edge, depth);
            addNode(target);
            addEdge(
              versionNodeId(from.modelRef, from.version),
              target.id,
              'servedBy',
            );
            continue;
          }
          const parents = frontier.filter(
            f =>
              f.modelRef === edge.target &&
              (edge.target_version === null ||
                Number(edge.target_version) === f.version),
          );
          for (const parent of parents) {
            const childId = versionNodeId(
              edge.child_ref,
              Number(edge.child_version),
            );
            if (!nodes.has(childId)) {
              nodes.set(childId, {
                id: childId,
                type: 'version',
                ref: edge.child_ref,
                version: Number(edge.child_version),
                depth,
              });
              next.push({
                id: Number(edge.child_id),
                modelRef: edge.child_ref,
                version: Number(edge.child_version),
              });
            }
            addEdge(
              childId,
              versionNodeId(parent.modelRef, parent.version),
              edge.relation,
            );
          }
        }
        frontier = next;
      }
    }
    return {
      root: rootId,
      nodes: [...nodes.values()],
      edges: [...edges.values()],
    };
  }

  async findVersionsLinkedTo(
    target: string,
    options: { relation?: string; limit: number; cursor?: string },
  ): Promise<Page<LineageEdge>> {
    const query = this.db('lineage_edges')
      .join('model_versions', 'model_versions.id', 'lineage_edges.version_id')
      .where('lineage_edges.target', target)
      .whereNull('model_versions.deleted_at');
    if (options.relation) {
      query.where('lineage_edges.relation', options.relation);
    }
    if (options.cursor) {
      const { i } = decodeCursor<{ i: number }>(options.cursor, c =>
        Number.isSafeInteger(c.i),
      );
      query.where('lineage_edges.id', '>', i);
    }
    const rows = await query
      .orderBy('lineage_edges.id')
      .limit(options.limit + 1)
      .select(
        'lineage_edges.*',
        'model_versions.model_ref as model_ref',
        'model_versions.version as version',
      );
    const page = rows.slice(0, options.limit);
    return {
      items: page.map(r => this.toEdge(r, r.model_ref, Number(r.version))),
      nextCursor:
        rows.length > options.limit
          ? encodeCursor({ i: Number(page[page.length - 1].id) })
          : undefined,
    };
  }

  async getDescendants(modelRef: string, options: { depth: number }) {
    const result: Array<{
      modelRef: string;
      version: number;
      depth: number;
      parentModelRef: string;
      parentVersion?: number;
    }> = [];
    const seen = new Set<string>();
    let frontier = [modelRef];
    for (let depth = 1; depth <= options.depth && frontier.length; depth++) {
      const rows = await this.db('lineage_edges')
        .join('model_versions', 'model_versions.id', 'lineage_edges.version_id')
        .whereIn('lineage_edges.target', frontier)
        .where('lineage_edges.relation', 'fineTunedFrom')
        .whereNull('model_versions.deleted_at')
        .orderBy(['model_versions.model_ref', 'model_versions.version'])
        .select(
          'model_versions.model_ref',
          'model_versions.version',
          'lineage_edges.target',
          'lineage_edges.target_version',
        );
      const next = new Set<string>();
      for (const r of rows) {
        const key = `${r.model_ref}@${r.version}`;
        if (seen.has(key) || r.model_ref === modelRef) continue;
        seen.add(key);
        result.push({
          modelRef: r.model_ref,
          version: Number(r.version),
          depth,
          parentModelRef: r.target,
          parentVersion:
            r.target_version === null ? undefined : Number(r.target_version),
        });
        next.add(r.model_ref);
      }
      frontier = [...next];
    }
    return result;
  }

  // --- history -----------------------------------------------------------------------

  async listHistory(
    modelRef: string,
    options: { version?: number; limit: number; cursor?: string },
  ): Promise<Page<HistoryEntry>> {
    const query = this.db<HistoryRow>('history').where({ model_ref: modelRef });
    if (options.version !== undefined) {
      query.where({ version: options.version });
    }
    if (options.cursor) {
      const { i } = decodeCursor<{ i: number }>(options.cursor, c =>
        Number.isSafeInteger(c.i),
      );
      query.where('id', '<', i);
    }
    const rows = await query.orderBy('id', 'desc').limit(options.limit + 1);
    const page = rows.slice(0, options.limit);
    return {
      items: page.map(r => ({
        id: Number(r.id),
        modelRef: r.model_ref,
        version: r.version ?? undefined,
        action: r.action,
        actor: r.actor,
        comment: r.comment ?? undefined,
        before: parseJson(r.before),
        after: parseJson(r.after),
        createdAt: toIso(r.created_at),
      })),
      nextCursor:
        rows.length > options.limit
          ? encodeCursor({ i: Number(page[page.length - 1].id) })
          : undefined,
    };
  }

  // --- models ------------------------------------------------------------------------

  async modelsWithStage(
    modelRefs: string[],
    stage: string,
  ): Promise<Set<string>> {
    if (modelRefs.length === 0) return new Set();
    const rows = await this.db('model_versions')
      .whereIn('model_ref', modelRefs)
      .where({ stage })
      .whereNull('deleted_at')
      .distinct('model_ref');
    return new Set(rows.map(r => r.model_ref as string));
  }

  async getSummaries(
    modelRefs: string[],
    stageRules: StageRules,
  ): Promise<Map<string, ModelSummary>> {
    const result = new Map<string, ModelSummary>();
    if (modelRefs.length === 0) {
      return result;
    }
    // The counts live on the model rows: no query here reads every version of a model.
    const [models, occupants, aliases] = await Promise.all([
      this.db<ModelRow>('models')
        .whereIn('model_ref', modelRefs)
        .select(
          'model_ref',
          'registered_by_api',
          'deleted_at',
          'live_version_count',
          'latest_version',
        ),
      stageRules.singleOccupancyStages.length
        ? this.db('model_versions')
            .whereIn('model_ref', modelRefs)
            .whereIn('stage', stageRules.singleOccupancyStages)
            .whereNull('deleted_at')
            .select('model_ref', 'stage', 'version')
        : Promise.resolve([]),
      this.db('model_aliases')
        .join('model_versions', 'model_versions.id', 'model_aliases.version_id')
        .whereIn('model_aliases.model_ref', modelRefs)
        .select(
          'model_aliases.model_ref',
          'model_aliases.alias',
          'model_versions.version',
        ),
    ]);
    for (const model of models) {
      result.set(model.model_ref, {
        modelRef: model.model_ref,
        registeredByApi: Boolean(model.registered_by_api) && !model.deleted_at,
        versionCount: Number(model.live_version_count),
        ...(model.latest_version !== null && model.latest_version !== undefined
          ? { latestVersion: Number(model.latest_version) }
          : {}),
        stageOccupants: {},
        aliases: {},
      });
    }
    for (const o of occupants as Array<{
      model_ref: string;
      stage: string;
      version: number;
    }>) {
      const summary = result.get(o.model_ref);
      if (summary) summary.stageOccupants[o.stage] = Number(o.version);
    }
    for (const a of aliases as Array<{
      model_ref: string;
      alias: string;
      version: number;
    }>) {
      const summary = result.get(a.model_ref);
      if (summary) summary.aliases[a.alias] = Number(a.version);
    }
    return result;
  }

  async registerModel(
    modelRef: string,
    entity: Record<string, unknown>,
    context: ChangeContext,
  ): Promise<ApiRegisteredModel> {
    return this.db.transaction(async trx => {
      const now = new Date();
      const existing = await this.ensureAndLockModel(
        trx,
        modelRef,
        context.actor,
        now,
      );
      if (existing.registered_by_api && !existing.deleted_at) {
        throw new ConflictError(`model ${modelRef} is already registered`);
      }
      // A new row, a model deleted earlier, or one that only had versions: a revived
      // model's version counter carries on, so numbers are still never reused.
      await trx('models')
        .where({ model_ref: modelRef })
        .update({
          registered_by_api: true,
          entity: JSON.stringify(entity),
          deleted_at: null,
          updated_at: now,
        });
      await this.appendHistory(trx, {
        modelRef,
        action: 'model.register',
        context,
        after: entity,
        at: now,
      });
      return {
        modelRef,
        entity,
        createdBy: existing.created_by,
        createdAt: toIso(existing.created_at),
        updatedAt: now.toISOString(),
      };
    });
  }

  async deleteModel(modelRef: string, context: ChangeContext): Promise<void> {
    await this.db.transaction(async trx => {
      const model = await trx<ModelRow>('models')
        .where({ model_ref: modelRef })
        .forUpdate()
        .first();
      if (!model || model.deleted_at || !model.registered_by_api) {
        throw new NotFoundError(
          `model ${modelRef} was not registered through the API`,
        );
      }
      const now = new Date();
      await trx('model_aliases').where({ model_ref: modelRef }).delete();
      await trx('models')
        .where({ model_ref: modelRef })
        .update({ deleted_at: now, updated_at: now });
      await this.appendHistory(trx, {
        modelRef,
        action: 'model.delete',
        context,
        before: parseJson(model.entity),
        at: now,
      });
    });
  }

  async getApiModel(modelRef: string): Promise<ApiRegisteredModel | undefined> {
    const row = await this.db<ModelRow>('models')
      .where({ model_ref: modelRef })
      .whereNull('deleted_at')
      .where('registered_by_api', true)
      .first();
    return row ? this.toApiModel(row) : undefined;
  }

  async listApiModels(): Promise<ApiRegisteredModel[]> {
    const rows = await this.db<ModelRow>('models')
      .whereNull('deleted_at')
      .where('registered_by_api', true)
      .orderBy('model_ref');
    return rows.map(r => this.toApiModel(r));
  }

  // --- helpers -----------------------------------------------------------------------

  /**
   * Creates the model row when it is missing and locks it. Insert-or-keep, then lock: a plain
   * insert would fail with a unique violation when another replica creates the same model
   * row at the same moment.
   */
  private async ensureAndLockModel(
    trx: Knex.Transaction,
    modelRef: string,
    actor: string,
    now: Date,
  ): Promise<ModelRow> {
    await trx('models')
      .insert({
        model_ref: modelRef,
        next_version: 1,
        registered_by_api: false,
        entity: null,
        created_by: actor,
        created_at: now,
        updated_at: now,
      })
      .onConflict('model_ref')
      .ignore();
    return this.lockModel(trx, modelRef);
  }

  private async lockModel(
    trx: Knex.Transaction,
    modelRef: string,
  ): Promise<ModelRow> {
    const model = await trx<ModelRow>('models')
      .where({ model_ref: modelRef })
      .forUpdate()
      .first();
    if (!model) {
      throw new NotFoundError(`${modelRef} has no versions`);
    }
    return model;
  }

  private async requireVersion(
    trx: Knex.Transaction,
    modelRef: string,
    version: number,
  ): Promise<VersionRow> {
    const row = await trx<VersionRow>('model_versions')
      .where({ model_ref: modelRef, version })
      .first();
    if (!row) {
      throw new NotFoundError(
        `version ${version} of ${modelRef} does not exist`,
      );
    }
    if (row.deleted_at) {
      throw new NotFoundError(`version ${version} of ${modelRef} was deleted`);
    }
    return row;
  }

  /** The version registered earlier with this key; a deleted one cannot be returned again. */
  private async findByIdempotencyKey(db: Knex, modelRef: string, key: string) {
    const row = await db<VersionRow>('model_versions')
      .where({ model_ref: modelRef, idempotency_key: key })
      .first();
    if (row?.deleted_at) {
      throw new ConflictError(
        `version ${row.version} of ${modelRef}, registered with this idempotency key, was deleted`,
      );
    }
    return row;
  }

  private edgeRow(
    versionId: number,
    edge: LineageEdgeInput,
    actor: string,
    at: Date,
  ) {
    return {
      version_id: versionId,
      relation: edge.relation,
      target_type: edge.entityRef ? 'entity' : 'uri',
      target: edge.entityRef
        ? edge.entityRef.toLocaleLowerCase('en-US')
        : edge.uri!,
      target_version: edge.version ?? null,
      created_by: actor,
      created_at: at,
    };
  }

  private toEdge(row: EdgeRow, modelRef: string, version: number): LineageEdge {
    return {
      id: Number(row.id),
      modelRef,
      version,
      relation: row.relation as LineageRelation,
      targetType: row.target_type as 'entity' | 'uri',
      target: row.target,
      targetVersion:
        row.target_version === null ? undefined : Number(row.target_version),
      createdBy: row.created_by,
      createdAt: toIso(row.created_at),
    };
  }

  private targetNode(edge: EdgeRow, depth: number): LineageNode {
    if (edge.target_type === 'uri') {
      return { id: `uri:${edge.target}`, type: 'uri', ref: edge.target, depth };
    }
    if (edge.target.startsWith('mlmodel:') && edge.target_version !== null) {
      const version = Number(edge.target_version);
      return {
        id: versionNodeId(edge.target, version),
        type: 'version',
        ref: edge.target,
        version,
        depth,
      };
    }
    return {
      id: `entity:${edge.target}`,
      type: 'entity',
      ref: edge.target,
      depth,
    };
  }

  private async toVersion(db: Knex, row: VersionRow): Promise<ModelVersion> {
    const [version] = await this.toVersions(db, [row]);
    return version;
  }

  /** Maps a page of rows, fetching their tags and aliases in two queries. */
  private async toVersions(
    db: Knex,
    rows: VersionRow[],
  ): Promise<ModelVersion[]> {
    if (rows.length === 0) return [];
    const ids = rows.map(r => r.id);
    const [tags, aliases] = await Promise.all([
      db('model_version_tags')
        .whereIn('version_id', ids)
        .orderBy('key')
        .select('version_id', 'key', 'value'),
      db('model_aliases')
        .whereIn('version_id', ids)
        .orderBy('alias')
        .select('version_id', 'alias'),
    ]);
    const tagsById = new Map<string, Record<string, string>>();
    for (const t of tags) {
      const key = String(t.version_id);
      tagsById.set(key, { ...tagsById.get(key), [t.key]: t.value });
    }
    const aliasesById = new Map<string, string[]>();
    for (const a of aliases) {
      const key = String(a.version_id);
      aliasesById.set(key, [...(aliasesById.get(key) ?? []), a.alias]);
    }
    return rows.map(row => {
      const code =
        row.code_repository || row.code_commit
          ? {
              ...(row.code_repository
                ? { repository: row.code_repository }
                : {}),
              ...(row.code_commit ? { commit: row.code_commit } : {}),
            }
          : undefined;
      const version: ModelVersion = {
        modelRef: row.model_ref,
        version: Number(row.version),
        status: row.status as ModelVersion['status'],
        stage: row.stage,
        aliases: aliasesById.get(String(row.id)) ?? [],
        source: row.source,
        metrics: parseJson(row.metrics) ?? {},
        params: parseJson(row.params) ?? {},
        tags: tagsById.get(String(row.id)) ?? {},
        createdBy: row.created_by,
        createdAt: toIso(row.created_at),
        updatedBy: row.updated_by,
        updatedAt: toIso(row.updated_at),
        stageUpdatedAt: toIso(row.stage_updated_at),
      };
      if (row.run_id) version.runId = row.run_id;
      if (row.run_link) version.runLink = row.run_link;
      if (code) version.code = code;
      if (row.framework) version.framework = row.framework;
      if (row.description) version.description = row.description;
      if (row.signature) version.signature = parseJson(row.signature);
      if (row.card) version.card = parseJson(row.card);
      return version;
    });
  }

  private toApiModel(row: ModelRow): ApiRegisteredModel {
    return {
      modelRef: row.model_ref,
      entity: parseJson(row.entity) ?? {},
      createdBy: row.created_by,
      createdAt: toIso(row.created_at),
      updatedAt: toIso(row.updated_at),
    };
  }

  private async appendHistory(
    trx: Knex.Transaction,
    entry: {
      modelRef: string;
      version?: number;
      action: string;
      context: ChangeContext;
      before?: unknown;
      after?: unknown;
      at: Date;
    },
  ) {
    await trx('history').insert({
      model_ref: entry.modelRef,
      version: entry.version ?? null,
      action: entry.action,
      actor: entry.context.actor,
      comment: entry.context.comment ?? null,
      before: jsonOrNull(entry.before),
      after: jsonOrNull(entry.after),
      created_at: entry.at,
    });
  }
}

/** Creates knex's migration tables and lock row as knex would, when they are missing. */
async function ensureKnexMigrationTables(trx: Knex.Transaction) {
  if (!(await trx.schema.hasTable('knex_migrations'))) {
    await trx.schema.createTable('knex_migrations', t => {
      t.increments();
      t.string('name');
      t.integer('batch');
      t.timestamp('migration_time');
    });
  }
  if (!(await trx.schema.hasTable('knex_migrations_lock'))) {
    await trx.schema.createTable('knex_migrations_lock', t => {
      t.increments('index').primary();
      t.integer('is_locked');
    });
  }
  const locks = await trx('knex_migrations_lock').select('index');
  if (locks.length === 0) {
    await trx('knex_migrations_lock').insert({ is_locked: 0 });
  }
}

/**
 * Matches lineage edges whose target is one of the versions (or, without a version, the
 * model) of a walk's frontier; served by the (target, target_version) index.
 */
function matchFrontierTargets(
  query: Knex.QueryBuilder,
  frontier: Array<{ modelRef: string; version: number }>,
) {
  for (const f of frontier) {
    query.orWhere(t =>
      t
        .where('lineage_edges.target', f.modelRef)
        .where(v =>
          v
            .where('lineage_edges.target_version', f.version)
            .orWhereNull('lineage_edges.target_version'),
        ),
    );
  }
}

function pick<T extends object>(value: T, keys: Array<keyof T>): Partial<T> {
  const result: Partial<T> = {};
  for (const key of keys) {
    result[key] = value[key];
  }
  return result;
}
