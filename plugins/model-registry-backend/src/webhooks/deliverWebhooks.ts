import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import type { WebhookStore } from '../database/webhooks';
import type { WebhookSender } from './sendWebhook';
import { signedRequest } from './webhookPayload';
import { WebhookOptions, webhookRetryDelayMs } from './webhookOptions';

/** What the delivery worker needs. */
export type WebhookDeliveryDeps = {
  webhooks: WebhookStore;
  send: WebhookSender;
  options: Pick<
    WebhookOptions,
    | 'timeoutMs'
    | 'maxAttempts'
    | 'retryBaseMs'
    | 'maxRetryDelayMs'
    | 'concurrency'
  >;
  mlflowNamespace: string;
  now?: () => Date;
};

/**
 * Posts due deliveries until none is due or `limit` were attempted, `concurrency` at a
 * time: each lane claims one delivery (a lease covering the timeout), signs and posts it,
 * and logs the attempt. Returns the number of attempts made.
 */
export async function deliverDueWebhooks(
  deps: WebhookDeliveryDeps,
  limit = 100,
): Promise<number> {
  const now = deps.now ?? (() => new Date());
  const leaseMs = deps.options.timeoutMs + 30_000;
  let attempted = 0;
  const lane = async () => {
    while (attempted < limit) {
      const claim = await deps.webhooks.claimNext(now(), leaseMs);
      if (!claim) return;
      attempted += 1;
      const startedAt = now();
      const request = signedRequest(
        claim.event,
        claim.deliveryId,
        {
          format: claim.format,
          secret: claim.secret,
          mlflowNamespace: deps.mlflowNamespace,
        },
        startedAt,
      );
      const outcome = await deps.send(claim.url, request);
      await deps.webhooks.recordAttempt(
        claim,
        { ...outcome, startedAt },
        {
          maxAttempts: deps.options.maxAttempts,
          retryDelayMs: attempts => webhookRetryDelayMs(deps.options, attempts),
        },
      );
    }
  };
  await Promise.all(
    Array.from({ length: deps.options.concurrency }, () => lane()),
  );
  return attempted;
}

/** Runs the delivery worker on every replica (a local task; leases keep one per delivery). */
export async function scheduleWebhookDelivery(
  deps: WebhookDeliveryDeps & {
    scheduler: SchedulerService;
    logger: LoggerService;
    pollMs: number;
  },
) {
  await deps.scheduler.scheduleTask({
    id: 'model-registry-deliver-webhooks',
    frequency: { milliseconds: deps.pollMs },
    timeout: { minutes: 10 },
    scope: 'local',
    fn: async () => {
      try {
        await deliverDueWebhooks(deps, 1000);
      } catch (error) {
        deps.logger.warn(
          'model registry: webhook delivery failed',
          error as Error,
        );
      }
    },
  });
}
