import { InputError, NotFoundError } from '@backstage/errors';
import { checkAliasName } from '@model-registry/plugin-model-registry-common';
import { actorOf } from '../actor';
import { aliasPermission } from '../aliasPermission';
import { RegistryRouter, RouteContext } from '../RouteContext';

function requireAliasName(alias: string) {
  const problem = checkAliasName(alias);
  if (problem) throw new InputError(`alias ${problem}`);
}

/** GET …/aliases, GET/PUT/DELETE …/aliases/:alias. */
export function addAliasRoutes(router: RegistryRouter, ctx: RouteContext) {
  const { store, access, frame } = ctx;

  router.get('/models/:namespace/:name/aliases', async (req, res) => {
    const { modelRef } = await frame.readableModel(req);
    const aliases = await store.listAliases(modelRef);
    res.json({
      // an alias left on an archived version is flagged
      items: aliases.map(({ stage, ...alias }) => ({
        ...alias,
        onArchivedVersion: stage === ctx.stageRules.archivedStage,
      })),
    });
  });

  router.get('/models/:namespace/:name/aliases/:alias', async (req, res) => {
    const { modelRef } = await frame.readableModel(req);
    const alias = req.params.alias;
    requireAliasName(alias);
    const version = await store.getVersionByAlias(modelRef, alias);
    if (!version) {
      throw new NotFoundError(`alias "${alias}" does not exist on ${modelRef}`);
    }
    res.json(version);
  });

  router.put('/models/:namespace/:name/aliases/:alias', async (req, res) => {
    const alias = req.params.alias;
    const { version, comment } = req.body;
    const result = await frame.mutateModel(
      req,
      'alias.set',
      { alias, version },
      async ({ modelRef, credentials }) => {
        await access.authorize(
          aliasPermission(ctx.protectedAliases, alias),
          modelRef,
          credentials,
        );
        requireAliasName(alias);
        return store.setAlias(modelRef, alias, version, {
          actor: actorOf(credentials),
          comment,
        });
      },
    );
    res.json({ alias, version, previousVersion: result.previousVersion });
  });

  router.delete('/models/:namespace/:name/aliases/:alias', async (req, res) => {
    const alias = req.params.alias;
    await frame.mutateModel(
      req,
      'alias.delete',
      { alias },
      async ({ modelRef, credentials }) => {
        await access.authorize(
          aliasPermission(ctx.protectedAliases, alias),
          modelRef,
          credentials,
        );
        requireAliasName(alias);
        await store.deleteAlias(modelRef, alias, {
          actor: actorOf(credentials),
          comment: req.query.comment,
        });
      },
    );
    res.status(204).end();
  });
}
