export interface Config {
  /** Configuration of the model registry plugins. */
  modelRegistry?: {
    /** Example data to load at startup (idempotent: each version is registered once). */
    seed?: {
      /** A YAML file of models and their versions, relative to the backend's working directory. */
      file?: string;
    };
    /** Models registered through the API (POST /api/model-registry/models). */
    models?: {
      /**
       * A user may register a model only with an owner they belong to (one of their
       * ownership refs: themselves or their groups). Services are exempt. Default true.
       */
      requireOwnerMembership?: boolean;
    };
    /** The MLflow model-registry REST API under /api/model-registry/mlflow (docs/mlflow.md). */
    mlflow?: {
      /** The catalog namespace of the models MLflow names; default `default`. */
      namespace?: string;
      /**
       * How long registered-models/create waits for the catalog to ingest the new model
       * before it answers (so that the next call finds it); default 10. 0: no wait.
       */
      catalogWaitSeconds?: number;
      /**
       * An MLflow tracking server: model-versions/create reads the run of a version that has
       * a run_id and copies its metrics and params into the version (and its UI link as
       * run link). A version registers without them when the run cannot be read.
       */
      trackingServer?: {
        /** Its base URL, e.g. http://mlflow.internal:5000. */
        baseUrl: string;
        /**
         * Sent as `Authorization: Bearer <token>` to the tracking server.
         * @visibility secret
         */
        token?: string;
        /** How long one run read may take; default 5. */
        timeoutSeconds?: number;
      };
    };
    stages?: {
      /**
       * Promotion gates per stage (docs/governance.md), checked when a version moves into
       * the stage directly, when its promotion is requested and when the last approval
       * executes it: a list of `{ type, … }` with type status-ready; card-complete
       * (`sections`); lineage-present; metric-not-worse (`metric`, `direction` higher or
       * lower, `tolerance`); min-time-in-stage (`stage`, `hours`).
       */
      gates?: {
        [stage: string]: Array<{
          type:
            | 'status-ready'
            | 'card-complete'
            | 'lineage-present'
            | 'metric-not-worse'
            | 'min-time-in-stage';
          sections?: string[];
          metric?: string;
          direction?: 'higher' | 'lower';
          tolerance?: number;
          stage?: string;
          hours?: number;
        }>;
      };
    };
    /** Where version artifacts may live. */
    sources?: {
      /** Allowed URI schemes of version sources (file: is never allowed). */
      allowedSchemes?: string[];
    };
  };
}
