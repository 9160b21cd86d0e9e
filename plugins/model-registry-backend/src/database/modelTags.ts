import { Knex } from 'knex';
import { appendHistory } from './history';
import { ChangeContext } from './ModelRegistryStore';

/** Model refs per query when reading the tags of many models. */
const REFS_PER_QUERY = 500;

type ModelTagRow = { model_ref: string; key: string; value: string };

/** Sets a model's tag (insert or replace) and records it in history. */
export async function setModelTag(
  db: Knex,
  modelRef: string,
  key: string,
  value: string,
  context: ChangeContext,
): Promise<void> {
  await db.transaction(async trx => {
    const at = new Date();
    const before = await trx<ModelTagRow>('model_tags')
      .where({ model_ref: modelRef, key })
      .first();
    await trx('model_tags')
      .insert({
        model_ref: modelRef,
        key,
        value,
        updated_by: context.actor,
        updated_at: at,
      })
      .onConflict(['model_ref', 'key'])
      .merge(['value', 'updated_by', 'updated_at']);
    await appendHistory(trx, {
      modelRef,
      action: 'model.tag.set',
      context,
      before: before ? { [key]: before.value } : undefined,
      after: { [key]: value },
      at,
    });
  });
}

/** Removes a model's tag and records it in history; false (no change) when it is not set. */
export async function deleteModelTag(
  db: Knex,
  modelRef: string,
  key: string,
  context: ChangeContext,
): Promise<boolean> {
  return db.transaction(async trx => {
    const before = await trx<ModelTagRow>('model_tags')
      .where({ model_ref: modelRef, key })
      .first();
    if (!before) return false;
    await trx('model_tags').where({ model_ref: modelRef, key }).delete();
    await appendHistory(trx, {
      modelRef,
      action: 'model.tag.delete',
      context,
      before: { [key]: before.value },
      at: new Date(),
    });
    return true;
  });
}

/** The tags of many models at once, by model ref (models without tags are left out). */
export async function listModelTags(
  db: Knex,
  modelRefs: string[],
): Promise<Map<string, Record<string, string>>> {
  const result = new Map<string, Record<string, string>>();
  const unique = [...new Set(modelRefs)];
  for (let at = 0; at < unique.length; at += REFS_PER_QUERY) {
    const rows = await db<ModelTagRow>('model_tags')
      .whereIn('model_ref', unique.slice(at, at + REFS_PER_QUERY))
      .orderBy(['model_ref', 'key'])
      .select('model_ref', 'key', 'value');
    for (const row of rows) {
      const tags = result.get(row.model_ref) ?? {};
      tags[row.key] = row.value;
      result.set(row.model_ref, tags);
    }
  }
  return result;
}
