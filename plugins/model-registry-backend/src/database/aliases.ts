import { NotFoundError } from '@backstage/errors';
import { ModelVersion } from '@model-registry/plugin-model-registry-common';
import { Knex } from 'knex';
import { appendHistory } from './history';
import { lockModel } from './models';
import { ChangeContext, ModelAlias } from './ModelRegistryStore';
import { toIso, toVersion, VersionRow } from './rows';
import { requireVersion } from './versions';

/** The version number an alias points at, or undefined. */
async function aliasedVersion(
  db: Knex,
  modelRef: string,
  alias: string,
): Promise<number | undefined> {
  const row = await db('model_aliases')
    .join('model_versions', 'model_versions.id', 'model_aliases.version_id')
    .where({
      'model_aliases.model_ref': modelRef,
      'model_aliases.alias': alias,
    })
    .first('model_versions.version as version');
  return row ? Number(row.version) : undefined;
}

/** Points an alias at a version, moving it from its previous version. */
export async function setAlias(
  db: Knex,
  modelRef: string,
  alias: string,
  version: number,
  context: ChangeContext,
): Promise<{ previousVersion?: number }> {
  return db.transaction(async trx => {
    await lockModel(trx, modelRef);
    const row = await requireVersion(trx, modelRef, version);
    const previousVersion = await aliasedVersion(trx, modelRef, alias);
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
    await appendHistory(trx, {
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

/** Removes an alias; NotFoundError when it does not exist. */
export async function deleteAlias(
  db: Knex,
  modelRef: string,
  alias: string,
  context: ChangeContext,
): Promise<void> {
  await db.transaction(async trx => {
    await lockModel(trx, modelRef);
    const existing = await aliasedVersion(trx, modelRef, alias);
    if (existing === undefined) {
      throw new NotFoundError(`alias "${alias}" does not exist on ${modelRef}`);
    }
    await trx('model_aliases').where({ model_ref: modelRef, alias }).delete();
    await appendHistory(trx, {
      modelRef,
      version: existing,
      action: 'alias.delete',
      context,
      before: { alias, version: existing },
      at: new Date(),
    });
  });
}

/** The live version an alias points at, or undefined. */
export async function getVersionByAlias(
  db: Knex,
  modelRef: string,
  alias: string,
): Promise<ModelVersion | undefined> {
  const row = await db<VersionRow>('model_versions')
    .join('model_aliases', 'model_aliases.version_id', 'model_versions.id')
    .where({
      'model_aliases.model_ref': modelRef,
      'model_aliases.alias': alias,
    })
    .whereNull('model_versions.deleted_at')
    .first('model_versions.*');
  return row ? toVersion(db, row) : undefined;
}

/** A model's aliases, by name. */
export async function listAliases(
  db: Knex,
  modelRef: string,
): Promise<ModelAlias[]> {
  const rows = await db('model_aliases')
    .join('model_versions', 'model_versions.id', 'model_aliases.version_id')
    .where('model_aliases.model_ref', modelRef)
    .orderBy('model_aliases.alias')
    .select(
      'model_aliases.alias',
      'model_versions.version',
      'model_versions.stage',
      'model_aliases.updated_by',
      'model_aliases.updated_at',
    );
  return rows.map(r => ({
    alias: r.alias as string,
    version: Number(r.version),
    stage: r.stage as string,
    updatedBy: r.updated_by as string,
    updatedAt: toIso(r.updated_at),
  }));
}
