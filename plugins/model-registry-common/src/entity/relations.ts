import {
  CompoundEntityRef,
  getCompoundEntityRef,
  parseEntityRef,
  RELATION_DEPENDENCY_OF,
  RELATION_DEPENDS_ON,
  RELATION_HAS_PART,
  RELATION_OWNED_BY,
  RELATION_OWNER_OF,
  RELATION_PART_OF,
} from '@backstage/catalog-model';
import { MLModelEntityV1alpha1 } from './MLModelEntityV1alpha1';

/** The relation pairs an MLModel takes part in, forward and reverse. @public */
export const MLMODEL_RELATION_PAIRS = [
  [RELATION_OWNED_BY, RELATION_OWNER_OF],
  [RELATION_PART_OF, RELATION_HAS_PART],
  [RELATION_DEPENDS_ON, RELATION_DEPENDENCY_OF],
] as const;

/** A relation between two entities. @public */
export interface MLModelRelation {
  source: CompoundEntityRef;
  type: string;
  target: CompoundEntityRef;
}

/**
 * Computes every relation an MLModel entity implies, each in both directions:
 * owner (ownedBy/ownerOf), system (partOf/hasPart), datasets and base models
 * (dependsOn/dependencyOf). The entity must be valid.
 * @public
 */
export function getMLModelRelations(
  entity: MLModelEntityV1alpha1,
): MLModelRelation[] {
  const self = getCompoundEntityRef(entity);
  const relations: MLModelRelation[] = [];
  const both = (
    target: CompoundEntityRef,
    [forward, reverse]: readonly [string, string],
  ) => {
    relations.push({ source: self, type: forward, target });
    relations.push({ source: target, type: reverse, target: self });
  };
  const ref = (value: string, defaultKind?: string): CompoundEntityRef => {
    const parsed = parseEntityRef(value, {
      defaultKind,
      defaultNamespace: self.namespace,
    });
    return {
      kind: parsed.kind,
      namespace: parsed.namespace,
      name: parsed.name,
    };
  };

  both(ref(entity.spec.owner, 'Group'), MLMODEL_RELATION_PAIRS[0]);
  if (entity.spec.system) {
    both(ref(entity.spec.system, 'System'), MLMODEL_RELATION_PAIRS[1]);
  }
  for (const dependency of entity.spec.dependsOn ?? []) {
    both(ref(dependency), MLMODEL_RELATION_PAIRS[2]);
  }
  return relations;
}
