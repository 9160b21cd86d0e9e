import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import { ModelRegistryStore } from '../database/ModelRegistryStore';
import { PromotionNotices } from './promotionNotices';

/** One sweep: closes expired requests and tells each requester. */
export async function expireRequestsOnce(deps: {
  store: ModelRegistryStore;
  notices?: PromotionNotices;
  logger: LoggerService;
}) {
  const expired = await deps.store.expirePromotionRequests();
  for (const request of expired) {
    await deps.notices?.requestDecided(request, { modelRef: request.modelRef });
  }
  if (expired.length) {
    deps.logger.info(`closed ${expired.length} expired promotion request(s)`);
  }
  return expired;
}

/** Sweeps every 10 minutes on one replica at a time (a global scheduled task). */
export async function scheduleRequestExpiry(deps: {
  scheduler: SchedulerService;
  store: ModelRegistryStore;
  notices?: PromotionNotices;
  logger: LoggerService;
}) {
  await deps.scheduler.scheduleTask({
    id: 'model-registry-expire-promotion-requests',
    frequency: { minutes: 10 },
    timeout: { minutes: 5 },
    initialDelay: { minutes: 1 },
    scope: 'global',
    fn: async () => {
      await expireRequestsOnce(deps);
    },
  });
}
