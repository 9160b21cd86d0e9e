import { mockServices } from '@backstage/backend-test-utils';
import { ModelRegistryStore } from '../database/ModelRegistryStore';
import {
  expireRequestsOnce,
  scheduleRequestExpiry,
} from './expirePromotionRequests';
import { PromotionNotices } from './promotionNotices';

const expired = {
  id: 7,
  modelRef: 'mlmodel:default/fraud',
  status: 'expired',
} as any;

describe('promotion request expiry', () => {
  it('tells the requester of each request a sweep closed', async () => {
    const store = {
      expirePromotionRequests: jest.fn(async () => [expired]),
    } as unknown as ModelRegistryStore;
    const notices = {
      requestDecided: jest.fn(async () => undefined),
    } as unknown as PromotionNotices;
    const logger = mockServices.logger.mock();
    await expect(
      expireRequestsOnce({ store, notices, logger }),
    ).resolves.toEqual([expired]);
    expect(notices.requestDecided).toHaveBeenCalledWith(expired, {
      modelRef: 'mlmodel:default/fraud',
    });
  });

  it('sweeps as one global task', async () => {
    const scheduler = mockServices.scheduler.mock();
    await scheduleRequestExpiry({
      scheduler,
      store: {} as ModelRegistryStore,
      logger: mockServices.logger.mock(),
    });
    expect(scheduler.scheduleTask).toHaveBeenCalledWith(
      expect.objectContaining({
        id: 'model-registry-expire-promotion-requests',
        scope: 'global',
        frequency: { minutes: 10 },
      }),
    );
  });
});
