import { CustomErrorBase, InputError, NotFoundError } from '@backstage/errors';
import {
  checkStage,
  modelVersionDeletePermission,
  modelVersionRegisterPermission,
  modelVersionUpdatePermission,
  validateNewVersionInput,
  validateVersionPatch,
} from '@model-registry/plugin-model-registry-common';
import express from 'express';
import { actorOf } from '../actor';
import { VersionSortField } from '../../database/ModelRegistryStore';
import { failOnIssues } from '../failOnIssues';
import { parseTag } from '../modelFilters';
import { pageLimit } from '../paging';
import { RegistryRouter, RouteContext } from '../RouteContext';
import { checkLineageTargetsReadable } from './lineage';

/** 422: an Idempotency-Key was used before with a different request body. */
export class IdempotencyKeyMismatchError extends CustomErrorBase {
  name = 'IdempotencyKeyMismatchError' as const;
  statusCode = 422;
}

/** The `tag` filter of GET …/versions: `key` or `key=value` (messages name `tag`). */
export function parseTagFilter(raw: unknown) {
  return raw === undefined ? undefined : parseTag(String(raw));
}

const VERSION_SORTS: VersionSortField[] = [
  'version',
  'createdAt',
  'updatedAt',
  'status',
  'stage',
];

/** The `sort` of GET …/versions: a field, or `metric:<name>` (messages name `sort`). */
export function parseVersionSort(raw: unknown): {
  sort?: VersionSortField;
  sortMetric?: string;
} {
  if (raw === undefined) return {};
  const text = String(raw);
  if (text.startsWith('metric:')) {
    const metric = text.slice('metric:'.length).trim();
    if (!metric) throw new InputError('sort metric: needs a metric name');
    return { sortMetric: metric };
  }
  if (!VERSION_SORTS.includes(text as VersionSortField)) {
    throw new InputError(
      `sort must be one of ${VERSION_SORTS.join(', ')} or metric:<name>`,
    );
  }
  return { sort: text as VersionSortField };
}

/** GET/POST …/versions, GET/PATCH/DELETE …/versions/:version. */
export function addVersionRoutes(router: RegistryRouter, ctx: RouteContext) {
  const { store, stageRules, access, frame } = ctx;

  router.get('/models/:namespace/:name/versions', async (req, res) => {
    const { modelRef } = await frame.readableModel(req);
    if (req.query.stage !== undefined) {
      const problem = checkStage(stageRules, req.query.stage);
      if (problem) throw new InputError(`stage ${problem}`);
    }
    const page = await store.listVersions(modelRef, {
      limit: pageLimit(req.query.limit),
      cursor: req.query.cursor,
      ...parseVersionSort(req.query.sort),
      order: req.query.order,
      stage: req.query.stage,
      alias: req.query.alias,
      status: req.query.status,
      tag: parseTagFilter(req.query.tag),
    });
    res.json(page);
  });

  router.post('/models/:namespace/:name/versions', async (req, res) => {
    const idempotencyKey = req.header('idempotency-key');
    const { version, created } = await frame.mutateModel(
      req,
      'version.register',
      { idempotencyKey },
      async ({ modelRef, credentials }) => {
        await access.authorize(
          modelVersionRegisterPermission,
          modelRef,
          credentials,
        );
        if (
          idempotencyKey !== undefined &&
          (idempotencyKey.length === 0 || idempotencyKey.length > 255)
        ) {
          throw new InputError(
            'Idempotency-Key header must be 1 to 255 characters',
          );
        }
        failOnIssues(
          validateNewVersionInput(
            req.body as unknown as Record<string, unknown>,
            { allowedSchemes: ctx.allowedSourceSchemes },
          ),
        );
        await checkLineageTargetsReadable(
          ctx,
          req.body.lineage ?? [],
          'lineage',
          credentials,
        );
        const { comment, ...input } = req.body;
        try {
          return await store.registerVersion(modelRef, input, {
            actor: actorOf(credentials),
            comment,
            idempotencyKey,
            stageRules,
          });
        } catch (error) {
          if ((error as Error).name === 'IdempotencyKeyReusedError') {
            throw new IdempotencyKeyMismatchError((error as Error).message);
          }
          throw error;
        }
      },
    );
    res.status(created ? 201 : 200).json(version);
  });

  router.get('/models/:namespace/:name/versions/:version', async (req, res) => {
    const { modelRef } = await frame.readableModel(req);
    const number = Number(req.params.version);
    const version = await store.getVersion(modelRef, number);
    if (!version) {
      throw new NotFoundError(
        `version ${number} of ${modelRef} does not exist`,
      );
    }
    res.json(version);
  });

  // The typed router has no `patch` method, so this route is added on the plain router.
  (router as express.Router).patch(
    '/models/:namespace/:name/versions/:version',
    async (req, res) => {
      const number = Number(req.params.version);
      const updated = await frame.mutateModel(
        req,
        'version.update',
        { version: number },
        async ({ modelRef, credentials }) => {
          await access.authorize(
            modelVersionUpdatePermission,
            modelRef,
            credentials,
          );
          failOnIssues(
            validateVersionPatch(req.body as Record<string, unknown>),
          );
          const { comment, ...patch } = req.body;
          return store.updateVersion(modelRef, number, patch, {
            actor: actorOf(credentials),
            comment,
          });
        },
      );
      res.json(updated);
    },
  );

  router.delete(
    '/models/:namespace/:name/versions/:version',
    async (req, res) => {
      const number = Number(req.params.version);
      await frame.mutateModel(
        req,
        'version.delete',
        { version: number },
        async ({ modelRef, credentials }) => {
          await access.authorize(
            modelVersionDeletePermission,
            modelRef,
            credentials,
          );
          await store.deleteVersion(modelRef, number, {
            actor: actorOf(credentials),
            comment: req.query.comment,
            stageRules,
          });
        },
      );
      res.status(204).end();
    },
  );
}
