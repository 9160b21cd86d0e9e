import { ResponseError } from '@backstage/errors';
import { DefaultApiClient } from '../schema/openapi/generated/apis';
import type {
  LineageEdgeInput,
  LineageRelation,
  ModelVersionPatch,
  ModelVersionStatus,
  NewModel,
  NewModelVersion,
  PromotionRequestInput,
  PromotionRequestStatus,
} from '../schema/openapi/generated/models';
import { ModelRegistryMonitoringClient } from './ModelRegistryMonitoringClient';
import { ModelRegistryWebhooksClient } from './ModelRegistryWebhooksClient';
import {
  ModelRefLike,
  ModelRegistryClientOptions,
  ModelRegistryRequestOptions,
  modelPath,
  unwrap,
  unwrapEmpty,
} from './requests';

/**
 * The typed client of the model registry API, for frontends, scaffolder actions and
 * scripts. Errors are thrown as ResponseError carrying the server's JSON error. Webhooks
 * and monitoring have clients of their own, `webhooks` and `monitoring`.
 * @public
 */
export class ModelRegistryClient {
  private readonly api: DefaultApiClient;

  /** Webhook subscriptions and their deliveries. */
  readonly webhooks: ModelRegistryWebhooksClient;

  /** Production monitoring: observations, thresholds and alerts. */
  readonly monitoring: ModelRegistryMonitoringClient;

  constructor(options: ModelRegistryClientOptions) {
    this.api = new DefaultApiClient(options);
    this.webhooks = new ModelRegistryWebhooksClient(options);
    this.monitoring = new ModelRegistryMonitoringClient(options);
  }

  /**
   * A page of the models the caller can read. With stage, tag or metric, totalCount is
   * given only when the first page holds the whole answer.
   */
  listModels(
    query: {
      limit?: number;
      cursor?: string;
      owner?: string;
      task?: string;
      lifecycle?: string;
      q?: string;
      /** Only models with a live version in this stage. */
      stage?: string;
      /** Only models with this tag: `key` (catalog or registry tag) or `key=value`. */
      tag?: string;
      /** Conditions on the production version's metrics: `auc > 0.95, recall >= 0.8`. */
      metric?: string;
      sort?: 'name' | 'owner' | 'task' | 'lifecycle';
      order?: 'asc' | 'desc';
    } = {},
    options?: ModelRegistryRequestOptions,
  ) {
    return unwrap(this.api.listModels({ query }, options));
  }

  /**
   * Registers a model through the API. With `dryRun` the registry only checks (validation,
   * permission, conflicts) and writes nothing.
   */
  registerModel(
    body: NewModel,
    options?: ModelRegistryRequestOptions & { dryRun?: boolean },
  ) {
    const { dryRun, ...rest } = options ?? {};
    return unwrap(
      this.api.registerModel(
        { body, query: dryRun ? { dryRun: true } : {} },
        rest,
      ),
    );
  }

  getModel(model: ModelRefLike, options?: ModelRegistryRequestOptions) {
    return unwrap(this.api.getModel({ path: modelPath(model) }, options));
  }

  deleteModel(
    model: ModelRefLike,
    comment?: string,
    options?: ModelRegistryRequestOptions,
  ) {
    return unwrapEmpty(
      this.api.deleteModel(
        { path: modelPath(model), query: { comment } },
        options,
      ),
    );
  }

  listVersions(
    model: ModelRefLike,
    query: {
      limit?: number;
      cursor?: string;
      /** A field, or `metric:<name>` (versions without the metric last). */
      sort?:
        | 'version'
        | 'createdAt'
        | 'updatedAt'
        | 'status'
        | 'stage'
        | `metric:${string}`;
      order?: 'asc' | 'desc';
      stage?: string;
      alias?: string;
      status?: ModelVersionStatus;
      tag?: string;
    } = {},
    options?: ModelRegistryRequestOptions,
  ) {
    return unwrap(
      this.api.listVersions({ path: modelPath(model), query }, options),
    );
  }

  /** Registers a version; pass an idempotency key so that a retry returns the same version. */
  registerVersion(
    model: ModelRefLike,
    body: NewModelVersion,
    options?: ModelRegistryRequestOptions & { idempotencyKey?: string },
  ) {
    const header = (
      options?.idempotencyKey
        ? { 'Idempotency-Key': options.idempotencyKey }
        : {}
    ) as { idempotencyKey?: string };
    return unwrap(
      this.api.registerVersion(
        { path: modelPath(model), body, header },
        { token: options?.token },
      ),
    );
  }

  getVersion(
    model: ModelRefLike,
    version: number,
    options?: ModelRegistryRequestOptions,
  ) {
    return unwrap(
      this.api.getVersion({ path: { ...modelPath(model), version } }, options),
    );
  }

  updateVersion(
    model: ModelRefLike,
    version: number,
    patch: ModelVersionPatch,
    options?: ModelRegistryRequestOptions,
  ) {
    return unwrap(
      this.api.updateVersion(
        { path: { ...modelPath(model), version }, body: patch },
        options,
      ),
    );
  }

  deleteVersion(
    model: ModelRefLike,
    version: number,
    comment?: string,
    options?: ModelRegistryRequestOptions,
  ) {
    return unwrapEmpty(
      this.api.deleteVersion(
        { path: { ...modelPath(model), version }, query: { comment } },
        options,
      ),
    );
  }

  /**
   * Moves a version into a stage directly. `overrideGates` passes failing gates and
   * `breakGlass` enters a stage that needs approvals (where config allows it); both need the
   * comment as their reason.
   */
  transitionStage(
    model: ModelRefLike,
    version: number,
    stage: string,
    comment?: string,
    options?: ModelRegistryRequestOptions & {
      overrideGates?: boolean;
      breakGlass?: boolean;
    },
  ) {
    const { overrideGates, breakGlass, ...requestOptions } = options ?? {};
    return unwrap(
      this.api.transitionStage(
        {
          path: { ...modelPath(model), version },
          body: {
            stage,
            comment,
            ...(overrideGates ? { overrideGates } : {}),
            ...(breakGlass ? { breakGlass } : {}),
          },
        },
        requestOptions,
      ),
    );
  }

  /** Each gate of a stage checked against a version now, without changing anything. */
  checkGates(
    model: ModelRefLike,
    version: number,
    stage: string,
    options?: ModelRegistryRequestOptions,
  ) {
    return unwrap(
      this.api.checkGates(
        { path: { ...modelPath(model), version }, query: { stage } },
        options,
      ),
    );
  }

  /** Opens a request to promote a version into a stage that needs approvals. */
  openPromotionRequest(
    model: ModelRefLike,
    version: number,
    input: PromotionRequestInput,
    options?: ModelRegistryRequestOptions,
  ) {
    return unwrap(
      this.api.openPromotionRequest(
        { path: { ...modelPath(model), version }, body: input },
        options,
      ),
    );
  }

  /** A page of a model's promotion requests, newest first. */
  listModelPromotionRequests(
    model: ModelRefLike,
    query: {
      status?: PromotionRequestStatus;
      limit?: number;
      cursor?: string;
    } = {},
    options?: ModelRegistryRequestOptions,
  ) {
    return unwrap(
      this.api.listModelPromotionRequests(
        { path: modelPath(model), query },
        options,
      ),
    );
  }

  /**
   * A page of promotion requests across the models the caller can read: `mine: 'requested'`
   * those the caller opened, `mine: 'to-approve'` open ones of others the caller may decide.
   */
  listPromotionRequests(
    query: {
      status?: PromotionRequestStatus;
      mine?: 'requested' | 'to-approve';
      limit?: number;
      cursor?: string;
    } = {},
    options?: ModelRegistryRequestOptions,
  ) {
    return unwrap(this.api.listPromotionRequests({ query }, options));
  }

  getPromotionRequest(
    model: ModelRefLike,
    requestId: number,
    options?: ModelRegistryRequestOptions,
  ) {
    return unwrap(
      this.api.getPromotionRequest(
        { path: { ...modelPath(model), requestId } },
        options,
      ),
    );
  }

  /** Approves another user's request; the last approval needed executes the promotion. */
  approvePromotionRequest(
    model: ModelRefLike,
    requestId: number,
    comment?: string,
    options?: ModelRegistryRequestOptions,
  ) {
    return unwrap(
      this.api.approvePromotionRequest(
        { path: { ...modelPath(model), requestId }, body: { comment } },
        options,
      ),
    );
  }

  rejectPromotionRequest(
    model: ModelRefLike,
    requestId: number,
    comment?: string,
    options?: ModelRegistryRequestOptions,
  ) {
    return unwrap(
      this.api.rejectPromotionRequest(
        { path: { ...modelPath(model), requestId }, body: { comment } },
        options,
      ),
    );
  }

  /** Cancels an open request (its requester only). */
  cancelPromotionRequest(
    model: ModelRefLike,
    requestId: number,
    options?: ModelRegistryRequestOptions,
  ) {
    return unwrap(
      this.api.cancelPromotionRequest(
        { path: { ...modelPath(model), requestId } },
        options,
      ),
    );
  }

  listAliases(model: ModelRefLike, options?: ModelRegistryRequestOptions) {
    return unwrap(this.api.listAliases({ path: modelPath(model) }, options));
  }

  getVersionByAlias(
    model: ModelRefLike,
    alias: string,
    options?: ModelRegistryRequestOptions,
  ) {
    return unwrap(
      this.api.getVersionByAlias(
        { path: { ...modelPath(model), alias } },
        options,
      ),
    );
  }

  setAlias(
    model: ModelRefLike,
    alias: string,
    version: number,
    comment?: string,
    options?: ModelRegistryRequestOptions,
  ) {
    return unwrap(
      this.api.setAlias(
        { path: { ...modelPath(model), alias }, body: { version, comment } },
        options,
      ),
    );
  }

  deleteAlias(
    model: ModelRefLike,
    alias: string,
    comment?: string,
    options?: ModelRegistryRequestOptions,
  ) {
    return unwrapEmpty(
      this.api.deleteAlias(
        { path: { ...modelPath(model), alias }, query: { comment } },
        options,
      ),
    );
  }

  getLineage(
    model: ModelRefLike,
    version: number,
    query: {
      direction?: 'upstream' | 'downstream' | 'both';
      depth?: number;
    } = {},
    options?: ModelRegistryRequestOptions,
  ) {
    return unwrap(
      this.api.getLineage(
        { path: { ...modelPath(model), version }, query },
        options,
      ),
    );
  }

  addLineage(
    model: ModelRefLike,
    version: number,
    edges: LineageEdgeInput[],
    comment?: string,
    options?: ModelRegistryRequestOptions,
  ) {
    return unwrap(
      this.api.addLineage(
        { path: { ...modelPath(model), version }, body: { edges, comment } },
        options,
      ),
    );
  }

  findLinkedVersions(
    query: {
      target: string;
      relation?: LineageRelation;
      limit?: number;
      cursor?: string;
    },
    options?: ModelRegistryRequestOptions,
  ) {
    return unwrap(this.api.findLinkedVersions({ query }, options));
  }

  /** Versions fine-tuned (transitively) from the model's versions, one page at a time. */
  getDescendants(
    model: ModelRefLike,
    query: { depth?: number; limit?: number; cursor?: string } = {},
    options?: ModelRegistryRequestOptions,
  ) {
    return unwrap(
      this.api.getDescendants({ path: modelPath(model), query }, options),
    );
  }

  /**
   * The registry summaries of several models in one request, in the order asked; null for
   * a model that does not exist or that the caller cannot read.
   */
  getModelsByRefs(entityRefs: string[], options?: ModelRegistryRequestOptions) {
    return unwrap(this.api.getModelsByRefs({ body: { entityRefs } }, options));
  }

  /** A page of the models registered through the API (service credentials only). */
  listApiModels(
    query: { limit?: number; cursor?: string } = {},
    options?: ModelRegistryRequestOptions,
  ) {
    return unwrap(this.api.listApiModels({ query }, options));
  }

  /**
   * One model registered through the API, or undefined when it is not (or no longer)
   * registered through the API (service credentials only).
   */
  async getApiModel(
    model: ModelRefLike,
    options?: ModelRegistryRequestOptions,
  ) {
    const res = await this.api.getApiModel({ path: modelPath(model) }, options);
    if (!res.ok) {
      const error = await ResponseError.fromResponse(
        res as unknown as Response,
      );
      // only the registry's own answer counts, not a 404 from a proxy or a missing route
      if (res.status === 404 && error.body.error.name === 'NotFoundError') {
        return undefined;
      }
      throw error;
    }
    return res.json();
  }

  listModelHistory(
    model: ModelRefLike,
    query: { limit?: number; cursor?: string } = {},
    options?: ModelRegistryRequestOptions,
  ) {
    return unwrap(
      this.api.listModelHistory({ path: modelPath(model), query }, options),
    );
  }

  listVersionHistory(
    model: ModelRefLike,
    version: number,
    query: { limit?: number; cursor?: string } = {},
    options?: ModelRegistryRequestOptions,
  ) {
    return unwrap(
      this.api.listVersionHistory(
        { path: { ...modelPath(model), version }, query },
        options,
      ),
    );
  }
}
