export interface Config {
  /** Configuration of the model registry plugins. */
  modelRegistry?: {
    /** The naming rule for MLModel entity names. */
    naming?: {
      /**
       * A regular expression that every MLModel name must match in full.
       * Defaults to lower-case kebab-case of 3 to 63 characters.
       * @visibility frontend
       */
      pattern?: string;
      /**
       * A human-readable description of the rule, used in error messages.
       * @visibility frontend
       */
      description?: string;
    };
  };
}
