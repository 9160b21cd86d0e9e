import { LoggerService } from '@backstage/backend-plugin-api';
import { EventsService } from '@backstage/plugin-events-node';
import { MODEL_REGISTRY_MODELS_TOPIC } from '@model-registry/plugin-model-registry-common';

/**
 * Announces on the models topic that a model was registered or deleted through the API, so
 * that the catalog module's entity provider refreshes that one model. A failed publish is
 * logged; the provider's periodic full refresh catches up.
 */
export function announceModelChanges(deps: {
  events: EventsService;
  logger: LoggerService;
}) {
  return (modelRef: string) => {
    deps.events
      .publish({
        topic: MODEL_REGISTRY_MODELS_TOPIC,
        eventPayload: { modelRef },
      })
      .catch(error =>
        deps.logger.warn(`Failed to announce change of ${modelRef}`, error),
      );
  };
}
