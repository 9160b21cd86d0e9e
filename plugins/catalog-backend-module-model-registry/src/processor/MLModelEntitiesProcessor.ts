import { Entity } from '@backstage/catalog-model';
import {
  CatalogProcessor,
  CatalogProcessorEmit,
  LocationSpec,
  processingResult,
} from '@backstage/plugin-catalog-node';
import {
  createMLModelEntityValidator,
  getMLModelRelations,
  isMLModelEntity,
  ModelNamingRule,
} from '@model-registry/plugin-model-registry-common';

/**
 * Validates entities of kind MLModel and emits their relations in both directions.
 * @public
 */
export class MLModelEntitiesProcessor implements CatalogProcessor {
  private readonly validator;

  constructor(options?: { namingRule?: ModelNamingRule }) {
    this.validator = createMLModelEntityValidator({
      namingRule: options?.namingRule,
    });
  }

  getProcessorName(): string {
    return 'MLModelEntitiesProcessor';
  }

  async validateEntityKind(entity: Entity): Promise<boolean> {
    return this.validator.check(entity);
  }

  async postProcessEntity(
    entity: Entity,
    _location: LocationSpec,
    emit: CatalogProcessorEmit,
  ): Promise<Entity> {
    if (isMLModelEntity(entity)) {
      for (const relation of getMLModelRelations(entity)) {
        emit(processingResult.relation(relation));
      }
    }
    return entity;
  }
}
