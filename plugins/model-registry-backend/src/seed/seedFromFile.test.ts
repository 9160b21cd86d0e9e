import { mockServices } from '@backstage/backend-test-utils';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  describeOnEachDatabase,
  rules,
} from '../database/__testUtils__/storeTestHarness';
import { seedFromFile } from './seedFromFile';

const MODEL = 'mlmodel:default/seeded-model';

async function writeSeed(dir: string, sources: string[]) {
  const file = path.join(dir, 'versions.yaml');
  const versions = sources
    .map(s => `      - source: ${s}\n        stage: staging`)
    .join('\n');
  await fs.writeFile(
    file,
    `models:\n  - ref: ${MODEL}\n    versions:\n${versions}\n`,
  );
  return file;
}

describeOnEachDatabase('seedFromFile', createStore => {
  it('seeds once, adds new entries, and keeps what it seeded when an entry changes', async () => {
    const { store } = await createStore();
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'seed-'));
    const logger = mockServices.logger.mock();
    const seed = (file: string) =>
      seedFromFile({
        file,
        store,
        stageRules: rules,
        allowedSourceSchemes: ['s3'],
        logger,
      });
    try {
      expect(await seed(await writeSeed(dir, ['s3://m/1']))).toBe(1);
      // a restart seeds nothing twice
      expect(await seed(await writeSeed(dir, ['s3://m/1']))).toBe(0);
      // entry 1 edited, entry 2 new: the first stays as seeded, the second is added
      expect(
        await seed(await writeSeed(dir, ['s3://m/1-edited', 's3://m/2'])),
      ).toBe(1);
      const page = await store.listVersions(MODEL, { limit: 10 });
      expect(page.items.map(v => [v.version, v.source, v.stage])).toEqual(
        expect.arrayContaining([
          [1, 's3://m/1', 'staging'],
          [2, 's3://m/2', 'staging'],
        ]),
      );
      expect(page.items).toHaveLength(2);
      expect(logger.warn).toHaveBeenCalledWith(
        expect.stringContaining('differs from the one seeded earlier'),
      );
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });
});
