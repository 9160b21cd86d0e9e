export interface Config {
  modelRegistry?: {
    scaffolder?: {
      /**
       * Where `model-registry:publish:local` writes new model projects: each one in a new
       * sub-folder named after the model. Without it the action refuses to run. Meant for
       * example and development portals without a Git host account; real installations
       * publish with `publish:github` and friends.
       */
      localPublish?: {
        /** An absolute folder, or one relative to the backend's working directory. */
        directory: string;
      };
      /**
       * How long `model-registry:model:create` waits, after registering a model, for the
       * catalog to show it (so that the template's "Open in catalog" link works at once).
       * Defaults to 30 seconds; 0 does not wait.
       */
      catalogWaitSeconds?: number;
    };
  };
}
