import {
  createModelNamingRule,
  DEFAULT_SOURCE_SCHEMES,
} from '@model-registry/plugin-model-registry-common';
import { createModelAction } from './createModel';
import { registerVersionAction } from './registerVersion';
import {
  actionContext,
  ALICE,
  entity,
  MALLORY,
  startRegistry,
} from '../__testUtils__/registry';

jest.setTimeout(60_000);

describe('model-registry:version:register', () => {
  let registry: Awaited<ReturnType<typeof startRegistry>>;
  beforeEach(async () => {
    registry = await startRegistry();
    // a model registered by the template's first step, now in the catalog
    await createModelAction({
      ...registry.services,
      catalog: registry.catalog as any,
      namingRule: createModelNamingRule(),
      catalogWaitSeconds: 0,
    }).handler(
      actionContext({
        name: 'fraud-scorer',
        owner: 'group:default/risk-ml',
        task: 'classification',
      }).ctx,
    );
    registry.catalog.entities.push(
      entity('MLModel', 'fraud-scorer', {
        type: 'classification',
        lifecycle: 'experimental',
        owner: 'group:default/risk-ml',
      }),
    );
  });
  afterEach(async () => {
    await registry.backend.stop();
  });

  const action = () =>
    registerVersionAction({
      ...registry.services,
      allowedSourceSchemes: DEFAULT_SOURCE_SCHEMES,
    });

  const valid = {
    model: 'fraud-scorer',
    source: 's3://models/fraud-scorer/1/model.json',
    metrics: { accuracy: 0.93, f1: 0.9 },
    params: { epochs: '200' },
    card: { evaluation: 'accuracy 0.93 on the bundled test set' },
    lineage: [
      {
        relation: 'trainedOn',
        entityRef: 'resource:default/card-transactions',
      },
    ],
    comment: 'first version from the template',
  };

  it('registers a version as the user running the template', async () => {
    const { ctx, outputs } = actionContext(valid);
    await action().handler(ctx);
    expect(outputs).toEqual({
      modelRef: 'mlmodel:default/fraud-scorer',
      version: 1,
    });
    const versions = await registry.versions('fraud-scorer');
    expect(versions).toHaveLength(1);
    expect(versions[0]).toMatchObject({
      version: 1,
      source: 's3://models/fraud-scorer/1/model.json',
      metrics: { accuracy: 0.93, f1: 0.9 },
      createdBy: ALICE,
    });
  });

  it('registers one version when the step is retried (same idempotency key)', async () => {
    const first = actionContext(valid);
    await action().handler(first.ctx);
    // a retry of the same task step, with a fresh context (no checkpoint)
    const retry = actionContext(valid);
    await action().handler(retry.ctx);
    expect(retry.outputs.version).toBe(1);
    expect(await registry.versions('fraud-scorer')).toHaveLength(1);
    // another task gets its own version
    const other = actionContext(valid, { task: { id: 'task-2' } } as any);
    await action().handler(other.ctx);
    expect(other.outputs.version).toBe(2);
  });

  it.each([
    ['a local source path', { source: '/tmp/model.pkl' }, 'source'],
    ['a file: source', { source: 'file:///tmp/model.pkl' }, 'source'],
    [
      'an unknown lineage relation',
      {
        lineage: [{ relation: 'stolenFrom', entityRef: 'resource:default/x' }],
      },
      'lineage[0].relation',
    ],
    ['an empty idempotency key', { idempotencyKey: ' ' }, 'idempotencyKey'],
    [
      'a model that is not an MLModel ref',
      { model: 'resource:default/x' },
      'model:',
    ],
  ])('refuses %s and creates nothing', async (_, change, field) => {
    const { ctx } = actionContext({ ...valid, ...change });
    await expect(action().handler(ctx)).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringContaining(field),
    });
    expect(await registry.versions('fraud-scorer')).toEqual([]);
  });

  it('refuses a user the registry does not allow to register versions, and creates nothing', async () => {
    const { ctx } = actionContext(valid, { user: MALLORY });
    await expect(action().handler(ctx)).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringContaining(
        'The registry did not register a version of mlmodel:default/fraud-scorer',
      ),
    });
    expect(await registry.versions('fraud-scorer')).toEqual([]);
  });

  it('names a model that does not exist', async () => {
    const { ctx } = actionContext({ ...valid, model: 'no-such-model' });
    await expect(action().handler(ctx)).rejects.toMatchObject({
      name: 'NotFoundError',
      message: expect.stringContaining(
        'The registry did not register a version of mlmodel:default/no-such-model',
      ),
    });
  });

  it('checks the input in a dry run but registers nothing', async () => {
    const { ctx, outputs } = actionContext(valid, { isDryRun: true });
    await action().handler(ctx);
    expect(outputs).toEqual({
      modelRef: 'mlmodel:default/fraud-scorer',
      version: 0,
    });
    expect(await registry.versions('fraud-scorer')).toEqual([]);
    const bad = actionContext(
      { ...valid, source: 'file:///etc/passwd' },
      { isDryRun: true },
    );
    await expect(action().handler(bad.ctx)).rejects.toMatchObject({
      name: 'InputError',
    });
  });
});
