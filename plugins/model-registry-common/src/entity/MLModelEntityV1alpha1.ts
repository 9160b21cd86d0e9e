import { Entity } from '@backstage/catalog-model';

/** The apiVersion of the MLModel kind. @public */
export const MLMODEL_API_VERSION = 'model-registry.dev/v1alpha1';

/** The kind name. @public */
export const MLMODEL_KIND = 'MLModel';

/** The lifecycle values an MLModel may have. @public */
export const MLMODEL_LIFECYCLES = [
  'experimental',
  'production',
  'deprecated',
] as const;

/** The lifecycle of an MLModel. @public */
export type MLModelLifecycle = (typeof MLMODEL_LIFECYCLES)[number];

/** The model-level model card sections, in markdown. @public */
export type MLModelCard = {
  intendedUse?: string;
  limitations?: string;
  trainingData?: string;
  evaluation?: string;
  ethicalConsiderations?: string;
  license?: string;
};

/** The names of the model card sections, in display order. @public */
export const MLMODEL_CARD_SECTIONS: ReadonlyArray<keyof MLModelCard> = [
  'intendedUse',
  'limitations',
  'trainingData',
  'evaluation',
  'ethicalConsiderations',
  'license',
];

/** An MLModel catalog entity. @public */
export interface MLModelEntityV1alpha1 extends Entity {
  apiVersion: typeof MLMODEL_API_VERSION;
  kind: typeof MLMODEL_KIND;
  spec: {
    /** The task, such as classification, regression, embedding or llm. */
    type: string;
    lifecycle: MLModelLifecycle;
    owner: string;
    system?: string;
    framework?: string;
    /** Training datasets and base models, as entity references with a kind. */
    dependsOn?: string[];
    card?: MLModelCard;
  };
}

/** Whether an entity is an MLModel (kind compared as the catalog does, case-insensitively). @public */
export function isMLModelEntity(
  entity: Entity,
): entity is MLModelEntityV1alpha1 {
  return (
    entity.apiVersion === MLMODEL_API_VERSION &&
    entity.kind.toLocaleLowerCase('en-US') ===
      MLMODEL_KIND.toLocaleLowerCase('en-US')
  );
}
