export interface Config {
  /** Configuration of the model registry plugins. */
  modelRegistry?: {
    /** Example data to load at startup (idempotent: each version is registered once). */
    seed?: {
      /** A YAML file of models and their versions, relative to the backend's working directory. */
      file?: string;
    };
    /** Where version artifacts may live. */
    sources?: {
      /** Allowed URI schemes of version sources (file: is never allowed). */
      allowedSchemes?: string[];
    };
  };
}
