import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  /** Configuration of the model registry plugins. */
  modelRegistry?: {
    /** The catalog entity provider for models registered through the registry API. */
    entityProvider?: {
      /**
       * How often the catalog re-reads the registry's API-registered models. It also
       * re-reads them immediately whenever the registry announces a change.
       * Default: every 30 seconds, with a timeout of 1 minute.
       */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
    };
  };
}
