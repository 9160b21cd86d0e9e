import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  describeRegistry,
  expectBadInput,
} from '../__testUtils__/startRegistry';

describeRegistry('stage routes', registry => {
  const api = registry.api.bind(registry);

  it('moves versions through stages, archiving the previous production version', async () => {
    const model = registry.addModel('fraud-detector');
    const base = model.path;
    await registry.registerVersion(model);
    await registry.registerVersion(model);
    expect(
      (
        await api('post', `${base}/versions/1/stage`).send({
          stage: 'production',
        })
      ).body,
    ).toMatchObject({
      version: { version: 1, stage: 'production' },
      archived: [],
    });
    const promoted = await api('post', `${base}/versions/2/stage`).send({
      stage: 'production',
      comment: 'better AUC',
    });
    expect(promoted.status).toBe(200);
    expect(promoted.body.archived).toEqual([1]);
    expect((await api('get', `${base}/versions/1`)).body.stage).toBe(
      'archived',
    );
    expect(
      (await api('get', `${base}/versions?stage=production`)).body.items.map(
        (v: any) => v.version,
      ),
    ).toEqual([2]);
    const summary = await api('get', base);
    expect(summary.body).toMatchObject({
      versionCount: 2,
      latestVersion: 2,
      stageOccupants: { production: 2 },
    });
  });

  it('rejects an unknown stage, naming it, and leaves the version alone', async () => {
    const model = registry.addModel('fraud-detector');
    await registry.registerVersion(model);
    await expectBadInput(registry, [
      [
        'post',
        `${model.path}/versions/1/stage`,
        'unknown stage',
        { stage: 'prod' },
        'stage',
      ],
    ]);
    expect((await api('get', `${model.path}/versions/1`)).body.stage).toBe(
      'none',
    );
  });

  it('gates production separately from other stages', async () => {
    registry.setDecision(
      'model-registry.version.promote-production',
      AuthorizeResult.DENY,
    );
    const model = registry.addModel('fraud-detector');
    const base = model.path;
    await registry.registerVersion(model);
    await api('post', `${base}/versions/1/stage`)
      .send({ stage: 'staging' })
      .expect(200);
    await api('post', `${base}/versions/1/stage`)
      .send({ stage: 'production' })
      .expect(403);
    expect((await api('get', `${base}/versions/1`)).body.stage).toBe('staging');
  });
});
