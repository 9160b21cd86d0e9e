import { createModelNamingRule } from '@model-registry/plugin-model-registry-common';
import { createModelAction } from './createModel';
import {
  actionContext,
  MALLORY,
  startRegistry,
} from '../__testUtils__/registry';

jest.setTimeout(60_000);

describe('model-registry:model:create', () => {
  let registry: Awaited<ReturnType<typeof startRegistry>>;
  beforeEach(async () => {
    registry = await startRegistry();
  });
  afterEach(async () => {
    await registry.backend.stop();
  });

  const action = (catalogWaitSeconds = 0) =>
    createModelAction({
      ...registry.services,
      catalog: registry.catalog as any,
      namingRule: createModelNamingRule(),
      catalogWaitSeconds,
    });

  const valid = {
    name: 'fraud-scorer',
    owner: 'risk-ml',
    system: 'payments',
    task: 'classification',
    framework: 'scikit-learn',
    datasets: ['resource:default/card-transactions', 'chargebacks'],
    description: 'Scores card transactions.',
    intendedUse: 'Real-time scoring of card transactions.',
    limitations: '  ',
  };

  it('registers the model as the user running the template', async () => {
    const { ctx, outputs } = actionContext(valid);
    await action().handler(ctx);
    expect(outputs.entityRef).toBe('mlmodel:default/fraud-scorer');
    const models = await registry.apiModels();
    expect(models).toHaveLength(1);
    expect(models[0].entityRef).toBe('mlmodel:default/fraud-scorer');
    expect(models[0].entity).toMatchObject({
      kind: 'MLModel',
      metadata: {
        name: 'fraud-scorer',
        namespace: 'default',
        description: 'Scores card transactions.',
      },
      spec: {
        type: 'classification',
        lifecycle: 'experimental',
        owner: 'group:default/risk-ml',
        system: 'system:default/payments',
        framework: 'scikit-learn',
        dependsOn: [
          'resource:default/card-transactions',
          'resource:default/chargebacks',
        ],
        // blank sections are left out
        card: { intendedUse: 'Real-time scoring of card transactions.' },
      },
    });
  });

  it('waits until the catalog shows the new model', async () => {
    const { ctx } = actionContext(valid);
    // the entity provider's work, a moment after the registration
    setTimeout(
      () =>
        registry.catalog.entities.push({
          apiVersion: 'model-registry.dev/v1alpha1',
          kind: 'MLModel',
          metadata: { name: 'fraud-scorer', namespace: 'default' },
          spec: {},
        }),
      700,
    );
    const started = Date.now();
    await action(10).handler(ctx);
    expect(Date.now() - started).toBeGreaterThanOrEqual(500);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(ctx.logger.warn).not.toHaveBeenCalled();
  });

  it.each([
    [
      'a name that breaks the naming rule',
      { name: 'Fraud_Scorer' },
      'name "Fraud_Scorer" does not follow the model naming rule',
    ],
    ['no owner', { owner: '' }, 'owner is required'],
    ['a malformed owner', { owner: 'group:' }, 'owner:'],
    [
      'a dataset that is not a Resource',
      { datasets: ['component:default/payments-api'] },
      'datasets[0]: "component:default/payments-api" is a component, not a resource entity',
    ],
    [
      'a base model that is not an MLModel',
      { baseModels: ['resource:default/card-transactions'] },
      'baseModels[0]:',
    ],
    ['no task', { task: '' }, 'task'],
    [
      'a system that is not a System',
      { system: 'component:default/payments-api' },
      'system: "component:default/payments-api" is not a System entity ref',
    ],
    ['a malformed namespace', { namespace: 'Bad Namespace!' }, 'namespace'],
  ])('refuses %s and creates nothing', async (_, change, message) => {
    const { ctx } = actionContext({ ...valid, ...change });
    await expect(action().handler(ctx)).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringContaining(message),
    });
    expect(await registry.apiModels()).toEqual([]);
  });

  it('refuses a user the registry does not allow to create models, and creates nothing', async () => {
    const { ctx } = actionContext(valid, { user: MALLORY });
    await expect(action().handler(ctx)).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringContaining(
        'The registry did not register mlmodel:default/fraud-scorer',
      ),
    });
    expect(await registry.apiModels()).toEqual([]);
  });

  it('refuses an owner the user does not belong to, and creates nothing', async () => {
    const { ctx } = actionContext({ ...valid, owner: 'group:default/nlp-ml' });
    await expect(action().handler(ctx)).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringContaining(
        'owner group:default/nlp-ml: you may only register models owned by a group you belong to',
      ),
    });
    expect(await registry.apiModels()).toEqual([]);
  });

  it('refuses a model that is already registered', async () => {
    await action().handler(actionContext(valid).ctx);
    await expect(
      action().handler(actionContext(valid).ctx),
    ).rejects.toMatchObject({ name: 'ConflictError' });
    expect(await registry.apiModels()).toHaveLength(1);
  });

  it('checks with the registry before publishing (checkOnly): permission and conflicts, nothing written', async () => {
    const check = actionContext({ ...valid, checkOnly: true });
    await action().handler(check.ctx);
    expect(check.outputs.entityRef).toBe('mlmodel:default/fraud-scorer');
    expect(await registry.apiModels()).toEqual([]);

    await expect(
      action().handler(
        actionContext({ ...valid, checkOnly: true }, { user: MALLORY }).ctx,
      ),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringContaining(
        'mlmodel:default/fraud-scorer cannot be registered',
      ),
    });

    await action().handler(actionContext(valid).ctx);
    await expect(
      action().handler(actionContext({ ...valid, checkOnly: true }).ctx),
    ).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringContaining('already registered'),
    });
    expect(await registry.apiModels()).toHaveLength(1);
  });

  it('checks the input in a dry run but registers nothing', async () => {
    const { ctx, outputs } = actionContext(valid, { isDryRun: true });
    await action().handler(ctx);
    expect(outputs.entityRef).toBe('mlmodel:default/fraud-scorer');
    expect(await registry.apiModels()).toEqual([]);

    const bad = actionContext({ ...valid, name: 'x' }, { isDryRun: true });
    await expect(action().handler(bad.ctx)).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringContaining('name "x" does not follow'),
    });
    // the dry run asks the registry, so a denied user learns it before the real run
    const denied = actionContext(valid, { isDryRun: true, user: MALLORY });
    await expect(action().handler(denied.ctx)).rejects.toMatchObject({
      name: 'NotAllowedError',
    });
    expect(await registry.apiModels()).toEqual([]);
  });

  it('uses the configured naming rule', async () => {
    const strict = createModelAction({
      ...registry.services,
      catalog: registry.catalog as any,
      namingRule: createModelNamingRule({
        pattern: '^ml-[a-z-]+$',
        description: 'ml- and lower-case words',
      }),
      catalogWaitSeconds: 0,
    });
    await expect(
      strict.handler(actionContext(valid).ctx),
    ).rejects.toMatchObject({
      message: expect.stringContaining('ml- and lower-case words'),
    });
    await strict.handler(actionContext({ ...valid, name: 'ml-fraud' }).ctx);
    expect((await registry.apiModels()).map(m => m.entityRef)).toEqual([
      'mlmodel:default/ml-fraud',
    ]);
  });
});
