import {
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { NotAllowedError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AuthorizeResult,
  ResourcePermission,
} from '@backstage/plugin-permission-common';

/**
 * Reading follows the catalog: a model whose MLModel entity the caller cannot read does
 * not exist for them (404). Mutations are catalog-entity permissions on the model's ref.
 */
export class ModelAccess {
  constructor(
    private readonly catalog: CatalogService,
    private readonly permissions: PermissionsService,
  ) {}

  /** The lower-cased entity ref of the model at /models/:namespace/:name. */
  static modelRef(namespace: string, name: string): string {
    return stringifyEntityRef({
      kind: 'mlmodel',
      namespace,
      name,
    }).toLocaleLowerCase('en-US');
  }

  /** Throws 404 unless the caller can read the model's catalog entity. */
  async requireReadable(modelRef: string, credentials: BackstageCredentials) {
    const entity = await this.catalog.getEntityByRef(modelRef, { credentials });
    if (!entity) {
      throw new NotFoundError(`model ${modelRef} does not exist`);
    }
    return entity;
  }

  /** The subset of model refs whose entities the caller can read (one catalog call). */
  async filterReadable(
    modelRefs: string[],
    credentials: BackstageCredentials,
  ): Promise<Set<string>> {
    const unique = [...new Set(modelRefs)];
    if (unique.length === 0) return new Set();
    const { items } = await this.catalog.getEntitiesByRefs(
      {
        entityRefs: unique,
        fields: ['kind', 'metadata.namespace', 'metadata.name'],
      },
      { credentials },
    );
    return new Set(unique.filter((_, index) => items[index]));
  }

  /** The subset of model refs on which the policy allows the permission (one request). */
  async allowedOn(
    permission: ResourcePermission<'catalog-entity'>,
    modelRefs: string[],
    credentials: BackstageCredentials,
  ): Promise<Set<string>> {
    const unique = [...new Set(modelRefs)];
    if (unique.length === 0) return new Set();
    const decisions = await this.permissions.authorize(
      unique.map(resourceRef => ({ permission, resourceRef })),
      { credentials },
    );
    return new Set(
      unique.filter(
        (_, index) => decisions[index].result === AuthorizeResult.ALLOW,
      ),
    );
  }

  /** Throws 403 unless the policy allows the permission on the model. */
  async authorize(
    permission: ResourcePermission<'catalog-entity'>,
    modelRef: string,
    credentials: BackstageCredentials,
  ) {
    const [decision] = await this.permissions.authorize(
      [{ permission, resourceRef: modelRef }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `not allowed to ${permission.name} on ${modelRef}`,
      );
    }
  }
}
