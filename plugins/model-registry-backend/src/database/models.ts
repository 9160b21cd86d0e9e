import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  ModelSummary,
  Page,
  StageRules,
} from '@model-registry/plugin-model-registry-common';
import { Knex } from 'knex';
import { CursorCodec } from './cursors';
import { appendHistory } from './history';
import { ApiRegisteredModel, ChangeContext } from './ModelRegistryStore';
import { ModelRow, parseJson, toApiModel, toIso } from './rows';

/**
 * Creates the model row when it is missing and locks it. Insert-or-keep, then lock: a plain
 * insert would fail with a unique violation when another replica creates the same model
 * row at the same moment.
 */
export async function ensureAndLockModel(
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
  return lockModel(trx, modelRef);
}

/**
 * Locks a model's row for the rest of the transaction: the lock serialises every change to
 * one model across replicas. NotFoundError when the model has no row.
 */
export async function lockModel(
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

/** Of the given models, those with at least one live version in the stage. */
export async function modelsWithStage(
  db: Knex,
  modelRefs: string[],
  stage: string,
): Promise<Set<string>> {
  if (modelRefs.length === 0) return new Set();
  const rows = await db('model_versions')
    .whereIn('model_ref', modelRefs)
    .where({ stage })
    .whereNull('deleted_at')
    .distinct('model_ref');
  return new Set(rows.map(r => r.model_ref as string));
}

/** Of the given models, those with a registry model tag `key` (and, if given, that value). */
export async function modelsWithTag(
  db: Knex,
  modelRefs: string[],
  key: string,
  value?: string,
): Promise<Set<string>> {
  if (modelRefs.length === 0) return new Set();
  const rows = await db('model_tags')
    .whereIn('model_ref', modelRefs)
    .where(value === undefined ? { key } : { key, value })
    .distinct('model_ref');
  return new Set(rows.map(r => r.model_ref as string));
}

/** The metrics of the live version each of the given models has in the stage. */
export async function metricsInStage(
  db: Knex,
  modelRefs: string[],
  stage: string,
): Promise<Map<string, Record<string, unknown>>> {
  const result = new Map<string, Record<string, unknown>>();
  if (modelRefs.length === 0) return result;
  const rows = await db('model_versions')
    .whereIn('model_ref', modelRefs)
    .where({ stage })
    .whereNull('deleted_at')
    .orderBy('version', 'asc')
    .select('model_ref', 'metrics');
  for (const row of rows) {
    // single-occupancy stages hold one version; otherwise the newest one counts
    result.set(
      row.model_ref as string,
      parseJson<Record<string, unknown>>(row.metrics) ?? {},
    );
  }
  return result;
}

/** Registry state of many models in three queries, whatever the count. */
export async function getSummaries(
  db: Knex,
  modelRefs: string[],
  stageRules: StageRules,
): Promise<Map<string, ModelSummary>> {
  const result = new Map<string, ModelSummary>();
  if (modelRefs.length === 0) {
    return result;
  }
  // The counts live on the model rows: no query here reads every version of a model.
  const [models, occupants, aliases] = await Promise.all([
    db<ModelRow>('models')
      .whereIn('model_ref', modelRefs)
      .select(
        'model_ref',
        'registered_by_api',
        'deleted_at',
        'live_version_count',
        'latest_version',
      ),
    stageRules.singleOccupancyStages.length
      ? db('model_versions')
          .whereIn('model_ref', modelRefs)
          .whereIn('stage', stageRules.singleOccupancyStages)
          .whereNull('deleted_at')
          .select('model_ref', 'stage', 'version')
      : Promise.resolve([]),
    db('model_aliases')
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

/** Creates (or revives) a model registered through the API. */
export async function registerModel(
  db: Knex,
  modelRef: string,
  entity: Record<string, unknown>,
  context: ChangeContext,
): Promise<ApiRegisteredModel> {
  return db.transaction(async trx => {
    const now = new Date();
    const existing = await ensureAndLockModel(
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
    await appendHistory(trx, {
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

/** Soft-deletes an API-registered model and removes its aliases. */
export async function deleteModel(
  db: Knex,
  modelRef: string,
  context: ChangeContext,
): Promise<void> {
  await db.transaction(async trx => {
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
    await appendHistory(trx, {
      modelRef,
      action: 'model.delete',
      context,
      before: parseJson(model.entity),
      at: now,
    });
  });
}

/** A live model registered through the API. */
export async function getApiModel(
  db: Knex,
  modelRef: string,
): Promise<ApiRegisteredModel | undefined> {
  const row = await db<ModelRow>('models')
    .where({ model_ref: modelRef })
    .whereNull('deleted_at')
    .where('registered_by_api', true)
    .first();
  return row ? toApiModel(row) : undefined;
}

/** A page of the live models registered through the API, by model ref. */
export async function listApiModels(
  db: Knex,
  cursors: CursorCodec,
  options: { limit: number; cursor?: string },
): Promise<Page<ApiRegisteredModel>> {
  const query = db<ModelRow>('models')
    .whereNull('deleted_at')
    .where('registered_by_api', true);
  if (options.cursor) {
    const { m } = cursors.decode<{ m: string }>(
      'entity-provider',
      options.cursor,
      c => typeof c.m === 'string',
    );
    query.where('model_ref', '>', m);
  }
  const rows = await query.orderBy('model_ref').limit(options.limit + 1);
  const page = rows.slice(0, options.limit);
  return {
    items: page.map(toApiModel),
    nextCursor:
      rows.length > options.limit
        ? cursors.encode('entity-provider', {
            m: page[page.length - 1].model_ref,
          })
        : undefined,
  };
}
