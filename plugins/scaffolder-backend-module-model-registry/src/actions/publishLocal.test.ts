import { createMockDirectory } from '@backstage/backend-test-utils';
import fs from 'node:fs';
import path from 'node:path';
import { publishLocalAction } from './publishLocal';
import { actionContext } from '../__testUtils__/registry';

describe('model-registry:publish:local', () => {
  const target = createMockDirectory();

  function workspaceWith(ctx: { workspacePath: string }) {
    fs.mkdirSync(path.join(ctx.workspacePath, 'tests'), { recursive: true });
    fs.writeFileSync(path.join(ctx.workspacePath, 'train.py'), 'print(1)\n');
    fs.writeFileSync(path.join(ctx.workspacePath, 'tests', 'test_x.py'), '#\n');
  }

  beforeEach(() => target.clear());

  it('copies the workspace into a new folder', async () => {
    const { ctx, outputs } = actionContext({ name: 'fraud-scorer' });
    workspaceWith(ctx);
    await publishLocalAction({ directory: target.path }).handler(ctx);
    const published = path.join(target.path, 'fraud-scorer');
    expect(outputs.path).toBe(published);
    expect(outputs.remoteUrl).toBe(`file://${published}`);
    expect(target.content()).toEqual({
      'fraud-scorer': {
        'train.py': 'print(1)\n',
        tests: { 'test_x.py': '#\n' },
      },
    });
  });

  it('never overwrites an existing folder', async () => {
    target.setContent({ 'fraud-scorer': { 'keep.txt': 'mine' } });
    const { ctx } = actionContext({ name: 'fraud-scorer' });
    workspaceWith(ctx);
    await expect(
      publishLocalAction({ directory: target.path }).handler(ctx),
    ).rejects.toMatchObject({ name: 'ConflictError' });
    expect(target.content()).toEqual({
      'fraud-scorer': { 'keep.txt': 'mine' },
    });
  });

  it.each([
    ['a path instead of a name', { name: '../escape' }, 'name "../escape"'],
    ['a hidden name', { name: '.git' }, 'name ".git"'],
    [
      'a source folder that does not exist',
      { name: 'ok', sourcePath: 'no-such-folder' },
      'sourcePath "no-such-folder" is not a folder',
    ],
    [
      'a source outside the workspace',
      { name: 'ok', sourcePath: '../../etc' },
      'sourcePath',
    ],
  ])('refuses %s and writes nothing', async (_, input, message) => {
    const { ctx } = actionContext(input);
    await expect(
      publishLocalAction({ directory: target.path }).handler(ctx),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringContaining(message),
    });
    expect(target.content()).toEqual({});
  });

  it('says what to configure when no directory is set', async () => {
    const { ctx } = actionContext({ name: 'fraud-scorer' });
    await expect(publishLocalAction({}).handler(ctx)).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringContaining(
        'modelRegistry.scaffolder.localPublish.directory',
      ),
    });
  });

  it('writes nothing in a dry run', async () => {
    const { ctx, outputs } = actionContext(
      { name: 'fraud-scorer' },
      { isDryRun: true },
    );
    workspaceWith(ctx);
    await publishLocalAction({ directory: target.path }).handler(ctx);
    expect(outputs.path).toBe(path.join(target.path, 'fraud-scorer'));
    expect(target.content()).toEqual({});
  });
});
