import { parseEntityRef } from '@backstage/catalog-model';
import { InputError } from '@backstage/errors';
import type { z as zod } from 'zod/v3';
import { ModelAccess } from '../service/ModelAccess';

/** The zod (v3) the actions registry hands to schema callbacks. */
export type Zod = typeof zod;

/** The `model` input of every per-model action. */
export const modelInput = (z: Zod) =>
  z
    .string()
    .min(1)
    .max(200)
    .describe(
      'The model: its entity ref (mlmodel:default/fraud-detector), namespace/name, or name in the default namespace',
    );

/** A page size, as the REST API's `limit` (1 to 100, default 20). */
export const limitInput = (z: Zod) =>
  z
    .number()
    .int()
    .min(1)
    .max(100)
    .optional()
    .describe('Page size, 1 to 100 (default 20)');

/** The nextCursor of the previous page, as the REST API's `cursor`. */
export const cursorInput = (z: Zod) =>
  z
    .string()
    .min(1)
    .max(4096)
    .optional()
    .describe('The nextCursor of the previous page (opaque)');

/** A version number (as the REST API's: 1 to 2^31-1). */
export const versionNumberInput = (z: Zod) =>
  z.number().int().min(1).max(2147483647);

/**
 * The lower-cased ref of the model an action names, as the route's `:namespace/:name`
 * would give it; an InputError naming `model` for anything that is not an MLModel ref.
 */
export function modelRefOf(raw: string): string {
  let ref;
  try {
    ref = parseEntityRef(raw.trim(), {
      defaultKind: 'mlmodel',
      defaultNamespace: 'default',
    });
  } catch (error) {
    throw new InputError(
      `model "${raw}" is not an MLModel entity ref: ${
        (error as Error).message
      }`,
    );
  }
  if (ref.kind.toLocaleLowerCase('en-US') !== 'mlmodel') {
    throw new InputError(
      `model "${raw}" is not an MLModel entity ref: kind ${ref.kind} is not MLModel`,
    );
  }
  for (const [field, value] of [
    ['namespace', ref.namespace],
    ['name', ref.name],
  ] as const) {
    if (value.length < 1 || value.length > 63) {
      throw new InputError(`model ${field} must be 1 to 63 characters`);
    }
  }
  return ModelAccess.modelRef(ref.namespace, ref.name);
}

/** A model's registry summary (as GET /models/:namespace/:name answers). */
export const summaryOutput = (z: Zod) =>
  z
    .object({
      modelRef: z.string(),
      registeredByApi: z.boolean(),
      versionCount: z.number(),
      latestVersion: z.number().optional(),
      stageOccupants: z
        .record(z.number())
        .describe('The version in each occupied stage'),
      aliases: z.record(z.number()).describe('The version each alias names'),
    })
    .passthrough();

/** A version (as GET …/versions/:version answers). */
export const versionOutput = (z: Zod) =>
  z
    .object({
      modelRef: z.string(),
      version: z.number(),
      status: z.string(),
      stage: z.string(),
      aliases: z.array(z.string()),
      source: z.string(),
      runId: z.string().optional(),
      framework: z.string().optional(),
      description: z.string().optional(),
      metrics: z.record(z.number()),
      params: z.record(z.string()),
      tags: z.record(z.string()),
      createdBy: z.string(),
      createdAt: z.string(),
      updatedAt: z.string(),
      stageUpdatedAt: z.string(),
    })
    .passthrough();

/** A lineage graph (as GET …/versions/:version/lineage answers). */
export const lineageOutput = (z: Zod) =>
  z
    .object({
      root: z.string().describe('The id of the version the walk started at'),
      truncated: z.boolean().optional(),
      nodes: z.array(
        z
          .object({
            id: z.string(),
            type: z.string(),
            ref: z.string(),
            version: z.number().optional(),
            depth: z.number(),
          })
          .passthrough(),
      ),
      edges: z.array(
        z
          .object({ from: z.string(), to: z.string(), relation: z.string() })
          .passthrough(),
      ),
    })
    .passthrough();

/** A history entry (as GET …/history answers). */
export const historyEntryOutput = (z: Zod) =>
  z
    .object({
      id: z.number(),
      modelRef: z.string(),
      version: z.number().optional(),
      action: z.string(),
      actor: z.string(),
      comment: z.string().optional(),
      before: z.unknown().optional(),
      after: z.unknown().optional(),
      createdAt: z.string(),
    })
    .passthrough();

/** A promotion request (as POST …/promotion-requests answers). */
export const promotionRequestOutput = (z: Zod) =>
  z
    .object({
      id: z.number(),
      modelRef: z.string(),
      version: z.number(),
      stage: z.string(),
      status: z.string(),
      requestedBy: z.string(),
      comment: z.string().optional(),
      requiredApprovals: z.number(),
      approvals: z.number(),
      alias: z.string().optional(),
      decisions: z.array(z.record(z.unknown())),
      gateResults: z.unknown().optional(),
      createdAt: z.string(),
      expiresAt: z.string().optional(),
    })
    .passthrough();

/**
 * An action's output, typed loosely: the registry's API types are interfaces without the
 * index signature that the passthrough schemas' types want. The actions registry checks
 * every output against the action's output schema before it answers.
 */
export function asOutput<T>(value: T): any {
  return value;
}
