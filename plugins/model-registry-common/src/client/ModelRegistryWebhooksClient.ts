import { DefaultApiClient } from '../schema/openapi/generated/apis';
import type {
  NewWebhookSubscription,
  WebhookDeliveryStatus,
  WebhookSubscriptionPatch,
} from '../schema/openapi/generated/models';
import {
  ModelRegistryClientOptions,
  ModelRegistryRequestOptions,
  unwrap,
  unwrapEmpty,
} from './requests';

/**
 * The registry's webhook subscriptions and their delivery logs (every call needs
 * model-registry.webhook.manage). `ModelRegistryClient#webhooks` is one.
 * @public
 */
export class ModelRegistryWebhooksClient {
  private readonly api: DefaultApiClient;

  constructor(options: ModelRegistryClientOptions) {
    this.api = new DefaultApiClient(options);
  }

  /** Every subscription, newest first, without secrets. */
  list(options?: ModelRegistryRequestOptions) {
    return unwrap(this.api.listWebhooks({}, options));
  }

  /** One subscription, without its secret. */
  get(webhookId: string, options?: ModelRegistryRequestOptions) {
    return unwrap(this.api.getWebhook({ path: { webhookId } }, options));
  }

  /** Creates a subscription; the answer carries its signing `secret`, the only time it is shown. */
  create(body: NewWebhookSubscription, options?: ModelRegistryRequestOptions) {
    return unwrap(this.api.createWebhook({ body }, options));
  }

  /** Changes a subscription (null clears `modelRef` or `description`). */
  update(
    webhookId: string,
    patch: WebhookSubscriptionPatch,
    options?: ModelRegistryRequestOptions,
  ) {
    return unwrap(
      this.api.updateWebhook({ path: { webhookId }, body: patch }, options),
    );
  }

  /** Deletes a subscription and its delivery log. */
  delete(webhookId: string, options?: ModelRegistryRequestOptions) {
    return unwrapEmpty(
      this.api.deleteWebhook({ path: { webhookId } }, options),
    );
  }

  /** A new signing secret; the answer carries it, the only time it is shown. */
  rotateSecret(webhookId: string, options?: ModelRegistryRequestOptions) {
    return unwrap(
      this.api.rotateWebhookSecret({ path: { webhookId } }, options),
    );
  }

  /** A page of a subscription's deliveries, newest first, each with its attempt log. */
  listDeliveries(
    webhookId: string,
    query: {
      status?: WebhookDeliveryStatus;
      eventId?: string;
      limit?: number;
      cursor?: string;
    } = {},
    options?: ModelRegistryRequestOptions,
  ) {
    return unwrap(
      this.api.listWebhookDeliveries({ path: { webhookId }, query }, options),
    );
  }

  /** Queues a delivery again (its log is kept). */
  redeliver(
    webhookId: string,
    deliveryId: string,
    options?: ModelRegistryRequestOptions,
  ) {
    return unwrap(
      this.api.redeliverWebhook({ path: { webhookId, deliveryId } }, options),
    );
  }
}
