import { StageRules } from '@model-registry/plugin-model-registry-common';
import { Knex } from 'knex';
import { GateInput } from '../gates/builtInGates';
import { listLineageEdges } from './lineage';
import { toVersion, VersionRow } from './rows';
import { getVersion } from './versions';

/**
 * What the gates of a promotion see, read with `db` (the executing transaction when an
 * approval re-checks them); undefined when the version does not exist.
 */
export async function loadGateInput(
  db: Knex,
  modelRef: string,
  version: number,
  stage: string,
  rules: StageRules,
): Promise<GateInput | undefined> {
  const found = await getVersion(db, modelRef, version);
  if (!found) return undefined;
  const lineage = await listLineageEdges(db, modelRef, version);
  let occupant;
  if (rules.singleOccupancyStages.includes(stage)) {
    const row = await db<VersionRow>('model_versions')
      .where({ model_ref: modelRef, stage })
      .whereNull('deleted_at')
      .whereNot({ version })
      .first();
    occupant = row ? await toVersion(db, row) : undefined;
  }
  return {
    version: found,
    stage,
    ...(occupant ? { occupant } : {}),
    lineage,
    now: new Date(),
  };
}
