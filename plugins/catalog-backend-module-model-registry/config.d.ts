import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  /** Configuration of the model registry plugins. */
  modelRegistry?: {
    /** The catalog entity provider for models registered through the registry API. */
    entityProvider?: {
      /**
       * How often the catalog re-reads every API-registered model (a full refresh, page
       * by page). Changes reach the catalog sooner: whenever the registry announces a
       * change of a model, the provider reads that one model right away. The full
       * refresh also runs at startup and catches whatever an announcement missed.
       * Default: every 10 minutes, with a timeout of 5 minutes.
       */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
    };
  };
}
