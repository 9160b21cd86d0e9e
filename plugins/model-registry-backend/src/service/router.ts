import {
  AuditorService,
  AuthService,
  BackstageCredentials,
  BackstageUserPrincipal,
  HttpAuthService,
  LoggerService,
  UserInfoService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  checkAliasName,
  checkStage,
  formatMLModelValidationIssues,
  isProtectedStage,
  LINEAGE_RELATIONS,
  MLModelValidationIssue,
  MLMODEL_KIND,
  modelAliasManagePermission,
  modelCreatePermission,
  modelDeletePermission,
  ModelNamingRule,
  modelVersionDeletePermission,
  modelVersionPromoteProductionPermission,
  modelVersionRegisterPermission,
  modelVersionStagePermission,
  modelVersionUpdatePermission,
  newModelEntity,
  StageRules,
  validateLineageEdges,
  validateMLModelEntity,
  validateNewVersionInput,
  validateVersionPatch,
  VERSION_LIMITS,
} from '@model-registry/plugin-model-registry-common';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { decodeCursor, encodeCursor } from '../database/cursors';
import express, { Request } from 'express';
import { ModelRegistryStore } from '../database/ModelRegistryStore';
import { createOpenApiRouter, spec } from '../schema/openapi';
import { rejectUnknownBodyFields } from './rejectUnknownBodyFields';
import { ModelAccess } from './ModelAccess';

/** The largest page a list returns; asking for more is a 400. */
export const MAX_PAGE_SIZE = 100;
const DEFAULT_PAGE_SIZE = 20;
const MAX_LINEAGE_DEPTH = 10;

export type RouterOptions = {
  store: ModelRegistryStore;
  catalog: CatalogService;
  permissions: PermissionsService;
  httpAuth: HttpAuthService;
  auditor: AuditorService;
  logger: LoggerService;
  /** The plugin's own credentials, to check that a new model's name is free. */
  auth?: AuthService;
  /** Reads a user's ownership refs, for requireOwnerMembership. */
  userInfo?: UserInfoService;
  /**
   * Users may register a model through the API only with an owner they belong to (one of
   * their ownership refs). Services are not affected. Default true in the plugin.
   */
  requireOwnerMembership?: boolean;
  stageRules: StageRules;
  namingRule: ModelNamingRule;
  allowedSourceSchemes: string[];
  /** Called after a model is registered or deleted through the API. */
  onModelsChanged?: (modelRef: string) => void;
};

function failOnIssues(issues: MLModelValidationIssue[]) {
  if (issues.length) {
    throw new InputError(formatMLModelValidationIssues(issues));
  }
}

/** The summary of a catalog model that has no registry data yet. */
function emptySummary(modelRef: string) {
  return {
    modelRef,
    registeredByApi: false,
    versionCount: 0,
    stageOccupants: {},
    aliases: {},
  };
}

/** The list filters of GET /models (besides the stage). */
type ModelListParams = {
  owner?: string;
  task?: string;
  lifecycle?: string;
  q?: string;
};

/** Where a stage-filtered model list continues. */
type StageScanCursor = {
  stage: string;
  skip: number;
  params: ModelListParams;
  catalogCursor?: string;
};

/** Catalog models read per step of a stage-filtered list. */
const STAGE_SCAN_PAGE = 100;
/** At most this many catalog pages per request; the cursor continues the scan. */
const STAGE_SCAN_MAX_PAGES = 10;

/** The catalog query of the first page of GET /models. */
function firstModelsQuery(params: ModelListParams) {
  const filter: Record<string, string> = { kind: MLMODEL_KIND };
  if (params.owner) {
    let owner;
    try {
      owner = parseEntityRef(params.owner, {
        defaultKind: 'group',
        defaultNamespace: 'default',
      });
    } catch (error) {
      throw new InputError(`owner ${(error as Error).message}`);
    }
    filter['relations.ownedBy'] =
      stringifyEntityRef(owner).toLocaleLowerCase('en-US');
  }
  if (params.task) filter['spec.type'] = params.task;
  if (params.lifecycle) filter['spec.lifecycle'] = params.lifecycle;
  return {
    filter,
    orderFields: { field: 'metadata.name', order: 'asc' as const },
    ...(params.q
      ? {
          fullTextFilter: {
            term: params.q,
            fields: ['metadata.name', 'metadata.title', 'metadata.description'],
          },
        }
      : {}),
  };
}

function parseDryRun(value: unknown): boolean {
  // the typed router may already have coerced the query value to a boolean
  if (value === undefined || value === false || value === 'false') return false;
  if (value === true || value === 'true' || value === '') return true;
  throw new InputError('dryRun must be true or false');
}

function parseLimit(value: unknown): number {
  if (value === undefined) return DEFAULT_PAGE_SIZE;
  const limit = Number(value);
  if (!Number.isInteger(limit) || limit < 1) {
    throw new InputError('limit must be a positive integer');
  }
  if (limit > MAX_PAGE_SIZE) {
    throw new InputError(`limit must be at most ${MAX_PAGE_SIZE}`);
  }
  return limit;
}

function parseVersion(value: string): number {
  const version = Number(value);
  if (!/^\d+$/.test(value) || !Number.isSafeInteger(version) || version < 1) {
    throw new InputError('version must be a positive integer');
  }
  return version;
}

function parseDepth(value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  const depth = Number(value);
  if (!Number.isInteger(depth) || depth < 1 || depth > MAX_LINEAGE_DEPTH) {
    throw new InputError(
      `depth must be an integer from 1 to ${MAX_LINEAGE_DEPTH}`,
    );
  }
  return depth;
}

function checkComment(comment: unknown) {
  if (
    comment !== undefined &&
    (typeof comment !== 'string' ||
      comment.length > VERSION_LIMITS.commentLength)
  ) {
    throw new InputError(
      `comment must be a string of at most ${VERSION_LIMITS.commentLength} characters`,
    );
  }
  return comment as string | undefined;
}

/** The actor recorded in history: a user's entity ref, or the calling service. */
function actorOf(credentials: BackstageCredentials): string {
  const principal = credentials.principal as {
    type?: string;
    userEntityRef?: string;
    subject?: string;
  };
  if (principal.type === 'user' && principal.userEntityRef) {
    return principal.userEntityRef;
  }
  return `service:${principal.subject ?? 'unknown'}`;
}

/** Builds the registry's router: it parses, authorizes, calls the store and serializes. */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { store, httpAuth, auditor, stageRules, namingRule } = options;
  const access = new ModelAccess(options.catalog, options.permissions);
  const router = await createOpenApiRouter({
    middleware: [express.json(), rejectUnknownBodyFields(spec as any)],
  });

  /** Runs a mutation inside an auditor event: success or failure is always recorded. */
  async function audited<T>(
    req: Request<any, any, any, any>,
    actionType: string,
    meta: Record<string, unknown>,
    fn: () => Promise<T>,
  ): Promise<T> {
    const event = await auditor.createEvent({
      eventId: 'model-registry-mutate',
      severityLevel: 'medium',
      request: req,
      meta: { actionType, ...meta },
    });
    try {
      const result = await fn();
      await event.success();
      return result;
    } catch (error) {
      await event.fail({ error: error as Error });
      throw error;
    }
  }

  /** With requireOwnerMembership, a user registers only models owned by one of their refs. */
  async function checkOwnerMembership(
    credentials: BackstageCredentials,
    owner: unknown,
    namespace: string,
  ) {
    if (!options.requireOwnerMembership || !options.userInfo) return;
    const principal = credentials.principal as { type?: string };
    if (principal.type !== 'user' || typeof owner !== 'string' || !owner) {
      return; // services are exempt; a missing owner is reported by validation
    }
    let ownerRef: string;
    try {
      ownerRef = stringifyEntityRef(
        parseEntityRef(owner, {
          defaultKind: 'group',
          defaultNamespace: namespace,
        }),
      ).toLocaleLowerCase('en-US');
    } catch {
      return; // reported by validation, naming spec.owner
    }
    const { ownershipEntityRefs } = await options.userInfo.getUserInfo(
      credentials as BackstageCredentials<BackstageUserPrincipal>,
    );
    const mine = ownershipEntityRefs.map(r => r.toLocaleLowerCase('en-US'));
    if (!mine.includes(ownerRef)) {
      throw new NotAllowedError(
        `owner ${ownerRef}: you may only register models owned by a group you belong to (${mine.join(
          ', ',
        )}); modelRegistry.models.requireOwnerMembership`,
      );
    }
  }

  async function readableModel(req: Request<any, any, any, any>) {
    const credentials = await httpAuth.credentials(req);
    const modelRef = ModelAccess.modelRef(
      req.params.namespace,
      req.params.name,
    );
    await access.requireReadable(modelRef, credentials);
    return { credentials, modelRef };
  }

  /**
   * The frame of every mutation of one model: the caller's credentials, the model ref from
   * the path, an audit event around it all, and a 404 for a model the caller cannot read
   * (before any permission or input check, so that nothing leaks). The route then
   * authorizes its own permission and validates its input.
   */
  async function mutateModel<T>(
    req: Request<any, any, any, any>,
    actionType: string,
    meta: Record<string, unknown>,
    fn: (target: {
      modelRef: string;
      credentials: BackstageCredentials;
    }) => Promise<T>,
  ): Promise<T> {
    const credentials = await httpAuth.credentials(req);
    const modelRef = ModelAccess.modelRef(
      req.params.namespace,
      req.params.name,
    );
    return audited(req, actionType, { modelRef, ...meta }, async () => {
      await access.requireReadable(modelRef, credentials);
      return fn({ modelRef, credentials });
    });
  }

  // --- models ----------------------------------------------------------------------

  router.get('/models', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const limit = parseLimit(req.query.limit);
    const stage =
      req.query.stage !== undefined ? String(req.query.stage) : undefined;
    if (stage !== undefined) {
      const problem = checkStage(stageRules, stage);
      if (problem) throw new InputError(`stage ${problem}`);
    }
    const params: ModelListParams = {
      owner: req.query.owner ? String(req.query.owner) : undefined,
      task: req.query.task ? String(req.query.task) : undefined,
      lifecycle: req.query.lifecycle ? String(req.query.lifecycle) : undefined,
      q: req.query.q ? String(req.query.q).trim() : undefined,
    };

    const respond = async (
      entities: Entity[],
      page: { nextCursor?: string; totalCount?: number },
    ) => {
      const refs = entities.map(e =>
        stringifyEntityRef(e).toLocaleLowerCase('en-US'),
      );
      const summaries = await store.getSummaries(refs, stageRules);
      res.json({
        items: entities.map((entity: Entity, index) => ({
          entityRef: refs[index],
          name: entity.metadata.name,
          namespace: entity.metadata.namespace ?? 'default',
          title: entity.metadata.title,
          description: entity.metadata.description,
          owner: entity.spec?.owner as string | undefined,
          task: entity.spec?.type as string | undefined,
          lifecycle: entity.spec?.lifecycle as string | undefined,
          summary: summaries.get(refs[index]) ?? emptySummary(refs[index]),
        })),
        ...page,
      });
    };

    if (stage === undefined) {
      const page = await options.catalog.queryEntities(
        req.query.cursor
          ? { cursor: String(req.query.cursor), limit }
          : { ...firstModelsQuery(params), limit },
        { credentials },
      );
      await respond(page.items, {
        nextCursor: page.pageInfo.nextCursor,
        totalCount: page.totalItems,
      });
      return;
    }

    // With a stage: scan the catalog's pages (in name order, as the caller may read them)
    // and keep the models with a live version in the stage. The cursor is the catalog page
    // to continue from and how many of its matches were already returned.
    let position: StageScanCursor = req.query.cursor
      ? decodeCursor<StageScanCursor>(
          String(req.query.cursor),
          v =>
            v.stage === stage &&
            typeof v.skip === 'number' &&
            (v.catalogCursor === undefined ||
              typeof v.catalogCursor === 'string') &&
            typeof v.params === 'object' &&
            v.params !== null &&
            Object.values(v.params).every(
              p => p === undefined || typeof p === 'string',
            ),
        )
      : { stage, skip: 0, params };
    const items: Entity[] = [];
    let nextCursor: string | undefined;
    for (let scanned = 1; ; scanned++) {
      const page = await options.catalog.queryEntities(
        position.catalogCursor
          ? { cursor: position.catalogCursor, limit: STAGE_SCAN_PAGE }
          : { ...firstModelsQuery(position.params), limit: STAGE_SCAN_PAGE },
        { credentials },
      );
      const refs = page.items.map(e =>
        stringifyEntityRef(e).toLocaleLowerCase('en-US'),
      );
      const inStage = await store.modelsWithStage(refs, stage);
      const available = page.items
        .filter((_, i) => inStage.has(refs[i]))
        .slice(position.skip);
      const taken = available.slice(0, limit - items.length);
      items.push(...taken);
      if (taken.length < available.length) {
        nextCursor = encodeCursor({
          ...position,
          skip: position.skip + taken.length,
        });
        break;
      }
      if (!page.pageInfo.nextCursor) break;
      position = {
        stage,
        skip: 0,
        params: position.params,
        catalogCursor: page.pageInfo.nextCursor,
      };
      if (items.length >= limit || scanned >= STAGE_SCAN_MAX_PAGES) {
        nextCursor = encodeCursor(position);
        break;
      }
    }
    await respond(items, { nextCursor });
  });

  router.post('/models', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const body = req.body;
    const namespace = body.namespace ?? 'default';
    const modelRef = ModelAccess.modelRef(namespace, String(body.name));
    const dryRun = parseDryRun(req.query.dryRun);
    const result = await audited(
      req,
      'model.register',
      { modelRef, ...(dryRun ? { dryRun } : {}) },
      async () => {
        const [decision] = await options.permissions.authorize(
          [{ permission: modelCreatePermission }],
          { credentials },
        );
        if (decision.result !== AuthorizeResult.ALLOW) {
          throw new NotAllowedError(
            `not allowed to ${modelCreatePermission.name}`,
          );
        }
        const entity = newModelEntity({ ...body, namespace });
        failOnIssues(validateMLModelEntity(entity, { namingRule }));
        await checkOwnerMembership(credentials, body.owner, namespace);
        // With the registry's own credentials: a model the caller cannot see still takes
        // the name (otherwise the catalog would report a conflict later).
        const existing = await options.catalog.getEntityByRef(modelRef, {
          credentials: options.auth
            ? await options.auth.getOwnServiceCredentials()
            : credentials,
        });
        if (existing && !(await store.getApiModel(modelRef))) {
          throw new ConflictError(`${modelRef} already exists in the catalog`);
        }
        if (dryRun) {
          if (await store.getApiModel(modelRef)) {
            throw new ConflictError(`model ${modelRef} is already registered`);
          }
          return { modelRef, entity, dryRun };
        }
        const registered = await store.registerModel(modelRef, entity, {
          actor: actorOf(credentials),
          comment: checkComment(body.comment),
        });
        options.onModelsChanged?.(modelRef);
        return registered;
      },
    );
    res
      .status('dryRun' in result ? 200 : 201)
      .json({ entityRef: result.modelRef, entity: result.entity });
  });

  router.get('/models/:namespace/:name', async (req, res) => {
    const { modelRef } = await readableModel(req);
    const summaries = await store.getSummaries([modelRef], stageRules);
    res.json(summaries.get(modelRef) ?? emptySummary(modelRef));
  });

  router.delete('/models/:namespace/:name', async (req, res) => {
    await mutateModel(
      req,
      'model.delete',
      {},
      async ({ modelRef, credentials }) => {
        await access.authorize(modelDeletePermission, modelRef, credentials);
        await store.deleteModel(modelRef, {
          actor: actorOf(credentials),
          comment: checkComment(req.query.comment),
        });
        options.onModelsChanged?.(modelRef);
      },
    );
    res.status(204).end();
  });

  // --- versions --------------------------------------------------------------------

  router.get('/models/:namespace/:name/versions', async (req, res) => {
    const { modelRef } = await readableModel(req);
    let tag: { key: string; value?: string } | undefined;
    if (req.query.tag !== undefined) {
      const raw = String(req.query.tag);
      const at = raw.indexOf('=');
      tag =
        at < 0
          ? { key: raw }
          : { key: raw.slice(0, at), value: raw.slice(at + 1) };
    }
    if (req.query.stage !== undefined) {
      const problem = checkStage(stageRules, req.query.stage);
      if (problem) throw new InputError(`stage ${problem}`);
    }
    const page = await store.listVersions(modelRef, {
      limit: parseLimit(req.query.limit),
      cursor: req.query.cursor,
      sort: req.query.sort,
      order: req.query.order,
      stage: req.query.stage,
      alias: req.query.alias,
      status: req.query.status,
      tag,
    });
    res.json(page);
  });

  router.post('/models/:namespace/:name/versions', async (req, res) => {
    const idempotencyKey = req.header('idempotency-key');
    const { version, created } = await mutateModel(
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
            { allowedSchemes: options.allowedSourceSchemes },
          ),
        );
        const { comment, ...input } = req.body;
        return store.registerVersion(modelRef, input, {
          actor: actorOf(credentials),
          comment,
          idempotencyKey,
          stageRules,
        });
      },
    );
    res.status(created ? 201 : 200).json(version);
  });

  router.get('/models/:namespace/:name/versions/:version', async (req, res) => {
    const { modelRef } = await readableModel(req);
    const number = parseVersion(String(req.params.version));
    const version = await store.getVersion(modelRef, number);
    if (!version) {
      throw new NotFoundError(
        `version ${number} of ${modelRef} does not exist`,
      );
    }
    res.json(version);
  });

  (router as express.Router).patch(
    '/models/:namespace/:name/versions/:version',
    async (req, res) => {
      const number = parseVersion(String(req.params.version));
      const updated = await mutateModel(
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
      const number = parseVersion(String(req.params.version));
      await mutateModel(
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
            comment: checkComment(req.query.comment),
            stageRules,
          });
        },
      );
      res.status(204).end();
    },
  );

  router.post(
    '/models/:namespace/:name/versions/:version/stage',
    async (req, res) => {
      const number = parseVersion(String(req.params.version));
      const { stage, comment } = req.body;
      const result = await mutateModel(
        req,
        'version.stage',
        { version: number, stage },
        async ({ modelRef, credentials }) => {
          const problem = checkStage(stageRules, stage);
          if (problem) throw new InputError(`stage ${problem}`);
          await access.authorize(
            isProtectedStage(stageRules, stage)
              ? modelVersionPromoteProductionPermission
              : modelVersionStagePermission,
            modelRef,
            credentials,
          );
          return store.transitionStage(modelRef, number, stage, {
            actor: actorOf(credentials),
            comment: checkComment(comment),
            stageRules,
          });
        },
      );
      res.json(result);
    },
  );

  // --- aliases ---------------------------------------------------------------------

  router.get('/models/:namespace/:name/aliases', async (req, res) => {
    const { modelRef } = await readableModel(req);
    res.json({ items: await store.listAliases(modelRef) });
  });

  router.get('/models/:namespace/:name/aliases/:alias', async (req, res) => {
    const { modelRef } = await readableModel(req);
    const alias = req.params.alias;
    const problem = checkAliasName(alias);
    if (problem) throw new InputError(`alias ${problem}`);
    const version = await store.getVersionByAlias(modelRef, alias);
    if (!version) {
      throw new NotFoundError(`alias "${alias}" does not exist on ${modelRef}`);
    }
    res.json(version);
  });

  router.put('/models/:namespace/:name/aliases/:alias', async (req, res) => {
    const alias = req.params.alias;
    const { version, comment } = req.body;
    const result = await mutateModel(
      req,
      'alias.set',
      { alias, version },
      async ({ modelRef, credentials }) => {
        await access.authorize(
          modelAliasManagePermission,
          modelRef,
          credentials,
        );
        const problem = checkAliasName(alias);
        if (problem) throw new InputError(`alias ${problem}`);
        return store.setAlias(modelRef, alias, version, {
          actor: actorOf(credentials),
          comment: checkComment(comment),
        });
      },
    );
    res.json({ alias, version, previousVersion: result.previousVersion });
  });

  router.delete('/models/:namespace/:name/aliases/:alias', async (req, res) => {
    const alias = req.params.alias;
    await mutateModel(
      req,
      'alias.delete',
      { alias },
      async ({ modelRef, credentials }) => {
        await access.authorize(
          modelAliasManagePermission,
          modelRef,
          credentials,
        );
        const problem = checkAliasName(alias);
        if (problem) throw new InputError(`alias ${problem}`);
        await store.deleteAlias(modelRef, alias, {
          actor: actorOf(credentials),
          comment: checkComment(req.query.comment),
        });
      },
    );
    res.status(204).end();
  });

  // --- lineage ---------------------------------------------------------------------

  router.get(
    '/models/:namespace/:name/versions/:version/lineage',
    async (req, res) => {
      const { modelRef, credentials } = await readableModel(req);
      const number = parseVersion(String(req.params.version));
      const graph = await store.getLineage(modelRef, number, {
        direction: req.query.direction ?? 'both',
        depth: parseDepth(req.query.depth, 3),
      });
      // Versions of other models appear only when the caller can read those models.
      const readable = await access.filterReadable(
        graph.nodes
          .filter(n => n.type === 'version' && n.ref !== modelRef)
          .map(n => n.ref),
        credentials,
      );
      const nodes = graph.nodes.filter(
        n => n.type !== 'version' || n.ref === modelRef || readable.has(n.ref),
      );
      const ids = new Set(nodes.map(n => n.id));
      res.json({
        root: graph.root,
        nodes,
        edges: graph.edges.filter(e => ids.has(e.from) && ids.has(e.to)),
      });
    },
  );

  router.post(
    '/models/:namespace/:name/versions/:version/lineage',
    async (req, res) => {
      const number = parseVersion(String(req.params.version));
      const edges = await mutateModel(
        req,
        'lineage.add',
        { version: number },
        async ({ modelRef, credentials }) => {
          await access.authorize(
            modelVersionUpdatePermission,
            modelRef,
            credentials,
          );
          failOnIssues(validateLineageEdges(req.body.edges, 'edges'));
          return store.addLineage(modelRef, number, req.body.edges, {
            actor: actorOf(credentials),
            comment: checkComment(req.body.comment),
          });
        },
      );
      res.status(201).json({ items: edges });
    },
  );

  router.get('/models/:namespace/:name/descendants', async (req, res) => {
    const { modelRef, credentials } = await readableModel(req);
    const descendants = await store.getDescendants(modelRef, {
      depth: parseDepth(req.query.depth, 3),
    });
    const readable = await access.filterReadable(
      descendants.map(d => d.modelRef),
      credentials,
    );
    res.json({ items: descendants.filter(d => readable.has(d.modelRef)) });
  });

  router.get('/lineage/dependents', async (req, res) => {
    const credentials = await httpAuth.credentials(req);
    const raw = String(req.query.target);
    let target = raw;
    if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(raw)) {
      try {
        target = stringifyEntityRef(parseEntityRef(raw)).toLocaleLowerCase(
          'en-US',
        );
      } catch {
        throw new InputError(
          'target must be an entity reference with a kind, or an absolute URI',
        );
      }
    }
    if (req.query.relation && !LINEAGE_RELATIONS.includes(req.query.relation)) {
      throw new InputError(
        `relation must be one of ${LINEAGE_RELATIONS.join(', ')}`,
      );
    }
    const page = await store.findVersionsLinkedTo(target, {
      relation: req.query.relation,
      limit: parseLimit(req.query.limit),
      cursor: req.query.cursor,
    });
    const readable = await access.filterReadable(
      page.items.map(e => e.modelRef),
      credentials,
    );
    res.json({
      items: page.items.filter(e => readable.has(e.modelRef)),
      nextCursor: page.nextCursor,
    });
  });

  // --- history ---------------------------------------------------------------------

  router.get('/models/:namespace/:name/history', async (req, res) => {
    const { modelRef } = await readableModel(req);
    res.json(
      await store.listHistory(modelRef, {
        limit: parseLimit(req.query.limit),
        cursor: req.query.cursor,
      }),
    );
  });

  router.get(
    '/models/:namespace/:name/versions/:version/history',
    async (req, res) => {
      const { modelRef } = await readableModel(req);
      res.json(
        await store.listHistory(modelRef, {
          version: parseVersion(String(req.params.version)),
          limit: parseLimit(req.query.limit),
          cursor: req.query.cursor,
        }),
      );
    },
  );

  // --- entity provider -------------------------------------------------------------

  router.get('/entity-provider/models', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['service'] });
    const models = await store.listApiModels();
    res.json({
      items: models.map(m => ({ entityRef: m.modelRef, entity: m.entity })),
    });
  });

  return router;
}
