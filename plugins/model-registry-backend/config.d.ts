export interface Config {
  /** Configuration of the model registry plugins. */
  modelRegistry?: {
    /** The stages versions move through. */
    stages?: {
      /** Every stage in order; new versions start in the first. Default: none, staging, production, archived. */
      order?: string[];
      /** Stages holding at most one version per model. Default: production. */
      singleOccupancy?: string[];
      /** Stages that need the promote-production permission. Default: the single-occupancy stages. */
      protected?: string[];
      /** Where a displaced single-occupancy version goes. Default: archived. */
      archived?: string;
    };
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
