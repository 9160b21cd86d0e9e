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
    };
    /** Where version artifacts may live. */
    sources?: {
      /** Allowed URI schemes of version sources (file: is never allowed). */
      allowedSchemes?: string[];
    };
  };
}
