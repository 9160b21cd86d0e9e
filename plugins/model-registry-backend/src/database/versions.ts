import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  ModelVersion,
  Page,
  StageRules,
} from '@model-registry/plugin-model-registry-common';
import { Knex } from 'knex';
import { CursorCodec } from './cursors';
import { appendHistory } from './history';
import { findByIdempotencyKey, registrationHash } from './idempotency';
import { insertLineageEdges } from './lineageTargets';
import { ensureAndLockModel, lockModel } from './models';
import {
  ChangeContext,
  ListVersionsOptions,
  ModelVersionPatch,
  NewModelVersion,
  RegisterVersionContext,
  VersionSortField,
} from './ModelRegistryStore';
import { jsonOrNull, toIso, toVersion, toVersions, VersionRow } from './rows';
import { isVersionNumber, requireVersionNumber } from './versionNumbers';

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

/** Registers a version with the model's next number. */
export async function registerVersion(
  db: Knex,
  modelRef: string,
  input: NewModelVersion,
  context: RegisterVersionContext,
): Promise<{ version: ModelVersion; created: boolean }> {
  const idempotency = context.idempotencyKey
    ? {
        key: context.idempotencyKey,
        actor: context.actor,
        hash: registrationHash(input),
      }
    : undefined;
  if (idempotency) {
    const existing = await findByIdempotencyKey(db, modelRef, idempotency);
    if (existing) {
      return {
        version: await toVersion(db, existing),
        created: false,
      };
    }
  }
  return db.transaction(async trx => {
    const now = new Date();
    // The model row lock serialises every change to one model across replicas; the
    // counter it holds makes numbers unique and never reused.
    const model = await ensureAndLockModel(trx, modelRef, context.actor, now);
    if (idempotency) {
      const existing = await findByIdempotencyKey(trx, modelRef, idempotency);
      if (existing) {
        return {
          version: await toVersion(trx, existing),
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
      idempotency_key: idempotency?.key ?? null,
      idempotency_actor: idempotency?.actor ?? null,
      idempotency_hash: idempotency?.hash ?? null,
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
      await insertLineageEdges(trx, Number(id), input.lineage, {
        actor: context.actor,
        at: now,
        field: context.lineageField ?? 'lineage',
      });
    }
    const version = await toVersion(trx, {
      ...row,
      id,
      deleted_at: null,
      deleted_by: null,
    });
    await appendHistory(trx, {
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

/** A live version, or undefined. */
export async function getVersion(
  db: Knex,
  modelRef: string,
  version: number,
): Promise<ModelVersion | undefined> {
  if (!isVersionNumber(version)) return undefined;
  const row = await db<VersionRow>('model_versions')
    .where({ model_ref: modelRef, version })
    .whereNull('deleted_at')
    .first();
  return row ? toVersion(db, row) : undefined;
}

/** A page of a model's live versions, filtered and sorted (keyset pagination). */
export async function listVersions(
  db: Knex,
  modelRef: string,
  options: ListVersionsOptions,
  cursors: CursorCodec,
): Promise<Page<ModelVersion>> {
  const sort = options.sort ?? 'version';
  const order = options.order ?? 'desc';
  const column = SORT_COLUMNS[sort];
  const query = db<VersionRow>('model_versions')
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
        .select(db.raw('1'))
        .from('model_aliases')
        .whereRaw('model_aliases.version_id = model_versions.id')
        .where('model_aliases.alias', options.alias!),
    );
  }
  if (options.tag) {
    const tag = options.tag;
    query.whereExists(sub => {
      sub
        .select(db.raw('1'))
        .from('model_version_tags')
        .whereRaw('model_version_tags.version_id = model_versions.id')
        .where('model_version_tags.key', tag.key);
      if (tag.value !== undefined) {
        sub.where('model_version_tags.value', tag.value);
      }
    });
  }
  if (options.sortMetric !== undefined) {
    return listVersionsByMetric(db, query, options, cursors);
  }
  if (options.cursor) {
    const position = cursors.decode<{
      s: string;
      o: string;
      v: unknown;
      n: number;
    }>(
      'versions',
      options.cursor,
      c =>
        c.s === sort &&
        c.o === order &&
        isVersionNumber(c.n) &&
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
  const rows = await query.select('model_versions.*').limit(options.limit + 1);
  const pageRows = rows.slice(0, options.limit);
  const items = await toVersions(db, pageRows);
  let nextCursor: string | undefined;
  if (rows.length > options.limit) {
    const last = pageRows[pageRows.length - 1];
    const raw = (last as Record<string, unknown>)[column];
    nextCursor = cursors.encode('versions', {
      s: sort,
      o: order,
      v: DATE_SORTS.includes(sort) ? toIso(raw as Date) : raw,
      n: last.version,
    });
  }
  return { items, nextCursor };
}

/**
 * The SQL of one metric of a version, a number or NULL (no such metric). Metrics are
 * numbers (validated on the way in), so the PostgreSQL cast cannot fail.
 */
function metricExpression(db: Knex, metric: string): Knex.Raw {
  if (db.client.dialect === 'postgresql') {
    return db.raw(`(model_versions.metrics::jsonb ->> ?)::double precision`, [
      metric,
    ]);
  }
  // a quoted label (JSON string escapes), so that dots and quotes are part of the key
  return db.raw(`json_extract(model_versions.metrics, ?)`, [
    `$.${JSON.stringify(metric)}`,
  ]);
}

/**
 * listVersions sorted by a metric: keyset pagination over (has the metric, its value,
 * version number), so that versions without the metric come last in either order.
 */
async function listVersionsByMetric(
  db: Knex,
  query: Knex.QueryBuilder<VersionRow>,
  options: ListVersionsOptions,
  cursors: CursorCodec,
): Promise<Page<ModelVersion>> {
  const metric = options.sortMetric!;
  const order = options.order ?? 'desc';
  const op = order === 'asc' ? '>' : '<';
  const value = metricExpression(db, metric);
  if (options.cursor) {
    const position = cursors.decode<{
      m: string;
      o: string;
      v: unknown;
      n: number;
    }>(
      'versions-by-metric',
      options.cursor,
      c =>
        c.m === metric &&
        c.o === order &&
        isVersionNumber(c.n) &&
        (c.v === null || (typeof c.v === 'number' && Number.isFinite(c.v))),
    );
    if (position.v === null) {
      query
        .whereRaw('? is null', [value] as any)
        .where('model_versions.version', op, position.n);
    } else {
      const v = position.v as number;
      query.where(w =>
        w
          .whereRaw(`? ${op} ?`, [value, v] as any)
          .orWhere(e =>
            e
              .whereRaw(`? = ?`, [value, v] as any)
              .where('model_versions.version', op, position.n),
          )
          .orWhereRaw(`? is null`, [value] as any),
      );
    }
  }
  const rows = await query
    .select('model_versions.*', db.raw(`? as sort_metric`, [value] as any))
    .orderByRaw(`(? is null) asc`, [value] as any)
    .orderByRaw(`? ${order}`, [value] as any)
    .orderBy('model_versions.version', order)
    .limit(options.limit + 1);
  const pageRows = rows.slice(0, options.limit);
  const items = await toVersions(db, pageRows);
  let nextCursor: string | undefined;
  if (rows.length > options.limit) {
    const last = pageRows[pageRows.length - 1] as VersionRow & {
      sort_metric: unknown;
    };
    const raw = last.sort_metric;
    nextCursor = cursors.encode('versions-by-metric', {
      m: metric,
      o: order,
      v: raw === null || raw === undefined ? null : Number(raw),
      n: last.version,
    });
  }
  return { items, nextCursor };
}

/** Changes a version's fields; merges metrics and params, sets or removes tags. */
export async function updateVersion(
  db: Knex,
  modelRef: string,
  version: number,
  patch: ModelVersionPatch,
  context: ChangeContext,
): Promise<ModelVersion> {
  return db.transaction(async trx => {
    await lockModel(trx, modelRef);
    const row = await requireVersion(trx, modelRef, version);
    const before = await toVersion(trx, row);
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
    if (patch.description !== undefined) update.description = patch.description;
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
    const after = await toVersion(trx, {
      ...row,
      ...update,
    } as VersionRow);
    const changed = Object.keys(patch) as Array<keyof ModelVersion>;
    await appendHistory(trx, {
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

/** Soft-deletes a version: the number stays reserved, aliases to it go, history stays. */
export async function deleteVersion(
  db: Knex,
  modelRef: string,
  version: number,
  context: ChangeContext & { stageRules: StageRules },
): Promise<void> {
  await db.transaction(async trx => {
    const model = await lockModel(trx, modelRef);
    const row = await requireVersion(trx, modelRef, version);
    if (context.stageRules.singleOccupancyStages.includes(row.stage)) {
      throw new ConflictError(
        `version ${version} is in ${row.stage}; promote another version to ${row.stage} before deleting it`,
      );
    }
    const before = await toVersion(trx, row);
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
    await appendHistory(trx, {
      modelRef,
      version,
      action: 'version.delete',
      context,
      before,
      at: now,
    });
  });
}

/** The live row of a version, locked by the caller's model lock; NotFoundError otherwise. */
export async function requireVersion(
  trx: Knex,
  modelRef: string,
  version: number,
): Promise<VersionRow> {
  requireVersionNumber(version);
  const row = await trx<VersionRow>('model_versions')
    .where({ model_ref: modelRef, version })
    .first();
  if (!row) {
    throw new NotFoundError(`version ${version} of ${modelRef} does not exist`);
  }
  if (row.deleted_at) {
    throw new NotFoundError(`version ${version} of ${modelRef} was deleted`);
  }
  return row;
}

/** The given keys of an object. */
function pick<T extends object>(value: T, keys: Array<keyof T>): Partial<T> {
  const result: Partial<T> = {};
  for (const key of keys) {
    result[key] = value[key];
  }
  return result;
}
