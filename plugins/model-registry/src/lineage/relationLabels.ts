import { LineageRelation } from '@model-registry/plugin-model-registry-common';

/** The words of a lineage relation (and of a catalog consumer), for labels and sentences. */
export const RELATION_LABELS: Record<LineageRelation | 'consumes', string> = {
  trainedOn: 'trained on',
  evaluatedOn: 'evaluated on',
  fineTunedFrom: 'fine-tuned from',
  builtFromCommit: 'built from',
  producedByRun: 'produced by',
  servedBy: 'served by',
  consumes: 'depends on the model',
};
