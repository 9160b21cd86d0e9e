import {
  ModelVersion,
  ModelVersionStatus,
} from '@model-registry/plugin-model-registry-common';
import { ModelAlias } from '../database/ModelRegistryStore';
import { MlflowError } from './mlflowErrors';
import { MlflowStageMap } from './mlflowStages';

/** An MLflow `{key, value}` tag. */
export type MlflowTag = { key: string; value: string };

/** MLflow's ModelVersion message, as its client parses it. */
export type MlflowModelVersion = {
  name: string;
  version: string;
  creation_timestamp: number;
  last_updated_timestamp: number;
  user_id: string;
  current_stage: string;
  description?: string;
  source: string;
  run_id?: string;
  run_link?: string;
  status: 'PENDING_REGISTRATION' | 'FAILED_REGISTRATION' | 'READY';
  tags: MlflowTag[];
  aliases: string[];
};

/** MLflow's RegisteredModel message. */
export type MlflowRegisteredModel = {
  name: string;
  creation_timestamp?: number;
  last_updated_timestamp?: number;
  description?: string;
  latest_versions: MlflowModelVersion[];
  tags: MlflowTag[];
  aliases: Array<{ alias: string; version: string }>;
};

const STATUS: Record<ModelVersionStatus, MlflowModelVersion['status']> = {
  pending: 'PENDING_REGISTRATION',
  failed: 'FAILED_REGISTRATION',
  ready: 'READY',
};

/** A `{k: v}` map as MLflow's tag list, by key. */
export function toMlflowTags(tags: Record<string, string>): MlflowTag[] {
  return Object.keys(tags)
    .sort()
    .map(key => ({ key, value: tags[key] }));
}

/** MLflow's tag list as a `{k: v}` map; names the field when an entry is malformed. */
export function fromMlflowTags(
  tags: unknown,
  field = 'tags',
): Record<string, string> {
  if (tags === undefined || tags === null) return {};
  if (!Array.isArray(tags)) {
    throw new MlflowError(
      'INVALID_PARAMETER_VALUE',
      `${field} must be a list of {key, value}`,
    );
  }
  const result: Record<string, string> = {};
  tags.forEach((tag, index) => {
    if (
      typeof tag !== 'object' ||
      tag === null ||
      typeof tag.key !== 'string' ||
      !tag.key ||
      (tag.value !== undefined && typeof tag.value !== 'string')
    ) {
      throw new MlflowError(
        'INVALID_PARAMETER_VALUE',
        `${field}[${index}] must be {key, value} with a non-empty string key and a string value`,
      );
    }
    result[tag.key] = tag.value ?? '';
  });
  return result;
}

/** A registry version in MLflow's shape, under its MLflow name. */
export function toMlflowVersion(
  name: string,
  version: ModelVersion,
  stages: MlflowStageMap,
): MlflowModelVersion {
  return {
    name,
    version: String(version.version),
    creation_timestamp: Date.parse(version.createdAt),
    last_updated_timestamp: Date.parse(version.updatedAt),
    user_id: version.createdBy,
    current_stage: stages.toMlflow(version.stage),
    ...(version.description !== undefined
      ? { description: version.description }
      : {}),
    source: version.source,
    ...(version.runId !== undefined ? { run_id: version.runId } : {}),
    ...(version.runLink !== undefined ? { run_link: version.runLink } : {}),
    status: STATUS[version.status],
    tags: toMlflowTags(version.tags),
    aliases: [...version.aliases].sort(),
  };
}

/** A registered model in MLflow's shape. */
export function toMlflowRegisteredModel(model: {
  name: string;
  description?: string;
  createdAt?: string;
  updatedAt?: string;
  latestVersions: MlflowModelVersion[];
  tags: Record<string, string>;
  aliases: ModelAlias[];
}): MlflowRegisteredModel {
  const updated = [
    model.updatedAt ? Date.parse(model.updatedAt) : undefined,
    ...model.latestVersions.map(v => v.last_updated_timestamp),
  ].filter((t): t is number => t !== undefined);
  return {
    name: model.name,
    ...(model.createdAt
      ? { creation_timestamp: Date.parse(model.createdAt) }
      : {}),
    ...(updated.length ? { last_updated_timestamp: Math.max(...updated) } : {}),
    ...(model.description ? { description: model.description } : {}),
    latest_versions: model.latestVersions,
    tags: toMlflowTags(model.tags),
    aliases: model.aliases.map(a => ({
      alias: a.alias,
      version: String(a.version),
    })),
  };
}
