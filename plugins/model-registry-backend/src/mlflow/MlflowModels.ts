import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { ModelNamingRule } from '@model-registry/plugin-model-registry-common';
import { ModelRegistryStore } from '../database/ModelRegistryStore';
import { actorOf } from '../service/actor';
import { ModelAccess } from '../service/ModelAccess';
import { MlflowError } from './mlflowErrors';

/**
 * MLflow names of the models in the configured namespace: `x` is `mlmodel:<namespace>/x`.
 * Reading follows the catalog (ModelAccess), with one addition: the caller who registered a
 * model through the API may use it before the catalog has ingested it, as `register_model`
 * creates a version right after the model. A model the catalog holds but hides from the
 * caller stays hidden.
 */
export class MlflowModels {
  constructor(
    private readonly deps: {
      namespace: string;
      namingRule: ModelNamingRule;
      access: ModelAccess;
      store: ModelRegistryStore;
      /** Whether the catalog holds the entity at all (asked with the plugin's credentials). */
      isInCatalog: (modelRef: string) => Promise<boolean>;
    },
  ) {}

  /** The namespace MLflow names live in. */
  get namespace(): string {
    return this.deps.namespace;
  }

  /** The start of every model ref MLflow names stand for: `mlmodel:<namespace>/`. */
  get refPrefix(): string {
    return `mlmodel:${this.deps.namespace}/`.toLocaleLowerCase('en-US');
  }

  /** The model ref of an MLflow name; INVALID_PARAMETER_VALUE quoting the rule otherwise. */
  refOf(name: string): string {
    const problem = this.deps.namingRule.check(name);
    if (problem) throw new MlflowError('INVALID_PARAMETER_VALUE', problem);
    return ModelAccess.modelRef(this.deps.namespace, name);
  }

  /** Whether the name is taken: by a model registered through the API, or in the catalog. */
  async exists(modelRef: string): Promise<boolean> {
    return (
      Boolean(await this.deps.store.getApiModel(modelRef)) ||
      this.deps.isInCatalog(modelRef)
    );
  }

  /** Throws RESOURCE_DOES_NOT_EXIST unless the caller may read the model. */
  async requireReadable(
    modelRef: string,
    credentials: BackstageCredentials,
  ): Promise<{ description?: string }> {
    try {
      const entity = await this.deps.access.requireReadable(
        modelRef,
        credentials,
      );
      return { description: entity.metadata.description };
    } catch (error) {
      if ((error as Error).name !== 'NotFoundError') throw error;
      const registered = await this.deps.store.getApiModel(modelRef);
      if (
        registered &&
        registered.createdBy === actorOf(credentials) &&
        !(await this.deps.isInCatalog(modelRef))
      ) {
        const metadata = registered.entity.metadata as {
          description?: string;
        };
        return { description: metadata?.description };
      }
      throw new MlflowError(
        'RESOURCE_DOES_NOT_EXIST',
        `Registered Model with name=${modelRef.replace(
          /^mlmodel:[^/]+\//,
          '',
        )} not found`,
      );
    }
  }
}
