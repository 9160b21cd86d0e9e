import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import { EventsService } from '@backstage/plugin-events-node';
import { ModelRegistryStore } from '../database/ModelRegistryStore';
import { eventTopic } from '../database/eventOutbox';

/** Events published per round; a full round is followed by another at once. */
const BATCH = 100;

/**
 * Publishes the outbox to Backstage's events service every few seconds on every replica
 * (a local task: the outbox's row locks keep one replica per event), each event on the
 * topic of its type (`model-registry.version.stage`, …) with its stable id in the payload.
 */
export async function scheduleEventDispatch(deps: {
  scheduler: SchedulerService;
  store: ModelRegistryStore;
  events: EventsService;
  logger: LoggerService;
}) {
  await deps.scheduler.scheduleTask({
    id: 'model-registry-dispatch-events',
    frequency: { seconds: 5 },
    timeout: { minutes: 2 },
    scope: 'local',
    fn: async () => {
      try {
        let published: number;
        do {
          published = await deps.store.dispatchEvents(
            event =>
              deps.events.publish({
                topic: eventTopic(event.type),
                eventPayload: event,
              }),
            { limit: BATCH },
          );
        } while (published === BATCH);
      } catch (error) {
        deps.logger.warn(
          'model registry: event dispatch failed',
          error as Error,
        );
      }
    },
  });
}
