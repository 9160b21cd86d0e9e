import { resolveSafeChildPath } from '@backstage/backend-plugin-api';
import { ConflictError, InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import fs from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** The id of the action that publishes a project to a local folder. @public */
export const PUBLISH_LOCAL_ACTION_ID = 'model-registry:publish:local';

/** A folder name: no path separators, no dot segments, no hidden names. */
const FOLDER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/**
 * `model-registry:publish:local`: copies the rendered project from the workspace into a new
 * folder under `modelRegistry.scaffolder.localPublish.directory` — the publish step of the
 * example portal, which has no Git host account. It never overwrites: an existing folder
 * is a conflict.
 * @public
 */
export function publishLocalAction(options: { directory?: string }) {
  return createTemplateAction({
    id: PUBLISH_LOCAL_ACTION_ID,
    description:
      'Publishes the workspace to a new folder under modelRegistry.scaffolder.localPublish.directory (for portals without a Git host)',
    supportsDryRun: true,
    examples: [
      {
        description: 'Publish the rendered project to <directory>/fraud-scorer',
        example: `steps:
  - id: publish
    action: ${PUBLISH_LOCAL_ACTION_ID}
    input:
      name: fraud-scorer`,
      },
    ],
    schema: {
      input: {
        name: z =>
          z.string().describe('The new folder, under the configured directory'),
        sourcePath: z =>
          z
            .string()
            .optional()
            .describe(
              'A folder of the workspace to publish (default: all of it)',
            ),
      },
      output: {
        path: z => z.string().describe('The absolute path of the new folder'),
        remoteUrl: z => z.string().describe('Its file: URL'),
      },
    },
    async handler(ctx) {
      if (!options.directory) {
        throw new InputError(
          `${PUBLISH_LOCAL_ACTION_ID} is not configured: set modelRegistry.scaffolder.localPublish.directory`,
        );
      }
      const { name, sourcePath } = ctx.input;
      if (!FOLDER_NAME.test(name)) {
        throw new InputError(
          `name "${name}" is not a plain folder name (letters, digits, ".", "_" and "-", starting with a letter or digit)`,
        );
      }
      const root = path.resolve(options.directory);
      const target = resolveSafeChildPath(root, name);
      let source: string;
      try {
        source = resolveSafeChildPath(ctx.workspacePath, sourcePath ?? '.');
      } catch {
        throw new InputError(
          `sourcePath "${sourcePath}" is outside the workspace`,
        );
      }
      const sourceIsFolder = await fs
        .stat(source)
        .then(stat => stat.isDirectory())
        .catch(() => false);
      if (!sourceIsFolder) {
        throw new InputError(
          `sourcePath "${sourcePath ?? '.'}" is not a folder of the workspace`,
        );
      }
      const exists = await fs
        .stat(target)
        .then(() => true)
        .catch(() => false);
      if (exists) {
        throw new ConflictError(
          `${target} already exists; choose another name (nothing was overwritten)`,
        );
      }
      ctx.output('path', target);
      ctx.output('remoteUrl', pathToFileURL(target).toString());
      if (ctx.isDryRun) {
        ctx.logger.info(`Dry run: would publish ${source} to ${target}`);
        return;
      }
      await fs.mkdir(root, { recursive: true });
      // Copy into a temporary sibling, then rename: the folder appears complete or not at all.
      const partial = `${target}.partial-${ctx.task.id}`;
      await fs.rm(partial, { recursive: true, force: true });
      await fs.cp(source, partial, { recursive: true, errorOnExist: true });
      try {
        await fs.rename(partial, target);
      } catch (error) {
        await fs.rm(partial, { recursive: true, force: true });
        if (
          (error as NodeJS.ErrnoException).code === 'ENOTEMPTY' ||
          (error as NodeJS.ErrnoException).code === 'EEXIST'
        ) {
          throw new ConflictError(
            `${target} already exists (nothing was overwritten)`,
          );
        }
        throw error;
      }
      ctx.logger.info(`Published the project to ${target}`);
    },
  });
}
