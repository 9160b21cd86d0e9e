import {
  HistoryEntry,
  LineageEdge,
  LineageEdgeInput,
  LineageRelation,
  ModelVersion,
} from '@model-registry/plugin-model-registry-common';
import { Knex } from 'knex';
import { ApiRegisteredModel } from './ModelRegistryStore';

export type DbTime = Date | string | number;

/** A row of the models table. */
export type ModelRow = {
  model_ref: string;
  next_version: number;
  live_version_count: number;
  latest_version: number | null;
  registered_by_api: boolean | number;
  entity: string | null;
  created_by: string;
  created_at: DbTime;
  updated_at: DbTime;
  deleted_at: DbTime | null;
};

/** A row of the model_versions table. */
export type VersionRow = {
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
  idempotency_actor: string | null;
  idempotency_hash: string | null;
  created_by: string;
  created_at: DbTime;
  updated_by: string;
  updated_at: DbTime;
  stage_updated_at: DbTime;
  deleted_by: string | null;
  deleted_at: DbTime | null;
};

/** A row of the lineage_edges table. */
export type EdgeRow = {
  id: number | string;
  version_id: number | string;
  relation: string;
  target_type: string;
  target: string;
  target_version: number | null;
  created_by: string;
  created_at: DbTime;
};

/** A row of the history table. */
export type HistoryRow = {
  id: number | string;
  model_ref: string;
  version: number | null;
  action: string;
  actor: string;
  comment: string | null;
  before: string | null;
  after: string | null;
  created_at: DbTime;
};

/** A timestamp as the drivers return it (Date, ISO string or epoch ms) in ISO form. */
export function toIso(value: DbTime): string {
  return (value instanceof Date ? value : new Date(value)).toISOString();
}

/** Parses a JSON text column; null stays undefined. */
export function parseJson<T>(value: string | null | undefined): T | undefined {
  return value === null || value === undefined
    ? undefined
    : (JSON.parse(value) as T);
}

/** The JSON text of a value for a nullable column. */
export function jsonOrNull(value: unknown): string | null {
  return value === undefined || value === null ? null : JSON.stringify(value);
}

/** The lineage graph id of a version node. */
export function versionNodeId(modelRef: string, version: number) {
  return `version:${modelRef}@${version}`;
}

/** The row of a new lineage edge; entity refs are stored lower-cased. */
export function edgeRow(
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

/** An edge row as the API shows it. */
export function toEdge(
  row: EdgeRow,
  modelRef: string,
  version: number,
): LineageEdge {
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

/** A history row as the API shows it. */
export function toHistoryEntry(row: HistoryRow): HistoryEntry {
  return {
    id: Number(row.id),
    modelRef: row.model_ref,
    version: row.version ?? undefined,
    action: row.action,
    actor: row.actor,
    comment: row.comment ?? undefined,
    before: parseJson(row.before),
    after: parseJson(row.after),
    createdAt: toIso(row.created_at),
  };
}

/** An API-registered model row as the entity provider reads it. */
export function toApiModel(row: ModelRow): ApiRegisteredModel {
  return {
    modelRef: row.model_ref,
    entity: parseJson(row.entity) ?? {},
    createdBy: row.created_by,
    createdAt: toIso(row.created_at),
    updatedAt: toIso(row.updated_at),
  };
}

/** Maps one version row, fetching its tags and aliases. */
export async function toVersion(
  db: Knex,
  row: VersionRow,
): Promise<ModelVersion> {
  const [version] = await toVersions(db, [row]);
  return version;
}

/** Maps a page of version rows, fetching their tags and aliases in two queries. */
export async function toVersions(
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
            ...(row.code_repository ? { repository: row.code_repository } : {}),
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
