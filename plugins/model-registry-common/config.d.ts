export interface Config {
  /** Configuration of the model registry plugins. */
  modelRegistry?: {
    /** The stages versions move through (read by the backend and the frontend). */
    stages?: {
      /**
       * Every stage in order; new versions start in the first. Default: none, staging, production, archived.
       * @visibility frontend
       */
      order?: string[];
      /**
       * Stages holding at most one version per model. Default: production.
       * @visibility frontend
       */
      singleOccupancy?: string[];
      /**
       * Stages that need the promote-production permission. Default: the single-occupancy stages.
       * @visibility frontend
       */
      protected?: string[];
      /**
       * Where a displaced single-occupancy version goes. Default: archived.
       * @visibility frontend
       */
      archived?: string;
      /**
       * Stages a version enters only through approved promotion requests, by stage name
       * (docs/governance.md). None by default.
       */
      approvals?: {
        [stage: string]: {
          /**
           * Distinct approvers needed, 1 to 10; the requester never counts. 0 turns the
           * stage's approvals off (e.g. in an environment override of a config file).
           * @visibility frontend
           */
          required: number;
          /**
           * Whether the requester's own approval counts. Default false.
           * @visibility frontend
           */
          allowSelfApproval?: boolean;
          /**
           * Hours after which an open request expires. Default: never.
           * @visibility frontend
           */
          expiresAfterHours?: number;
          /**
           * `break-glass`: holders of the promote permission may still move a version in
           * directly with a reason; `never` (default): only through approved requests.
           * @visibility frontend
           */
          directPromotion?: 'never' | 'break-glass';
          /**
           * Entity refs (users or groups) notified when a request for the stage opens.
           * @visibility frontend
           */
          notify?: string[];
        };
      };
    };
    /** Aliases of every model. */
    aliases?: {
      /**
       * Aliases (e.g. champion) that move only with the protected-alias permission or with
       * an approved promotion request that names them.
       * @visibility frontend
       */
      protected?: string[];
    };
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
