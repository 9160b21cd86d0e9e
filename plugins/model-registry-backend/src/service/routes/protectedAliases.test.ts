import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  BadInputCase,
  callers,
  describeRegistry,
  expectBadInput,
} from '../__testUtils__/startRegistry';

describeRegistry(
  'protected aliases',
  registry => {
    async function model(base: string) {
      const m = registry.addModel(base);
      await registry.registerVersion(m);
      await registry.registerVersion(m);
      return m;
    }
    const setAlias = (path: string, alias: string, version: number) =>
      registry.api('put', `${path}/aliases/${alias}`).send({ version });

    it('moves a protected alias only with its own permission, on the native and the MLflow API', async () => {
      const m = await model('protected');
      registry.setDecision(
        'model-registry.alias.protected',
        AuthorizeResult.DENY,
      );
      expect((await setAlias(m.path, 'champion', 1)).status).toBe(403);
      // an ordinary alias needs only alias.manage
      await setAlias(m.path, 'challenger', 2).expect(200);
      const mlflow = await registry
        .api('post', '/mlflow/api/2.0/mlflow/registered-models/alias')
        .send({ name: m.name, alias: 'champion', version: '1' });
      expect([mlflow.status, mlflow.body.error_code]).toEqual([
        403,
        'PERMISSION_DENIED',
      ]);
      registry.reset();
      await setAlias(m.path, 'champion', 1).expect(200);
      registry.setDecision(
        'model-registry.alias.protected',
        AuthorizeResult.DENY,
      );
      const removal = await registry.api(
        'delete',
        `${m.path}/aliases/champion`,
      );
      expect(removal.status).toBe(403);
      // alias.manage alone does not cover it
      registry.setDecision(
        'model-registry.alias.manage',
        AuthorizeResult.ALLOW,
      );
      expect((await setAlias(m.path, 'champion', 2)).status).toBe(403);
      const aliases = await registry.api('get', `${m.path}/aliases`);
      expect(aliases.body.items.map((a: any) => [a.alias, a.version])).toEqual([
        ['challenger', 2],
        ['champion', 1],
      ]);
    });

    it('flags an alias left on an archived version', async () => {
      const m = await model('archived-alias');
      await setAlias(m.path, 'challenger', 1).expect(200);
      await setAlias(m.path, 'canary', 2).expect(200);
      await registry
        .api('post', `${m.path}/versions/1/stage`)
        .send({ stage: 'archived' })
        .expect(200);
      const aliases = await registry.api('get', `${m.path}/aliases`);
      expect(aliases.body.items).toEqual([
        expect.objectContaining({
          alias: 'canary',
          version: 2,
          onArchivedVersion: false,
        }),
        expect.objectContaining({
          alias: 'challenger',
          version: 1,
          onArchivedVersion: true,
        }),
      ]);
    });

    it('moves the alias a request names when its promotion executes, without the protected permission', async () => {
      const m = await model('request-alias');
      const opened = await registry
        .api('post', `${m.path}/versions/2/promotion-requests`)
        .send({ stage: 'production', alias: 'champion' });
      expect(opened.status).toBe(201);
      expect(opened.body.alias).toBe('champion');
      registry.setDecision(
        'model-registry.alias.protected',
        AuthorizeResult.DENY,
      );
      const approved = await registry
        .api(
          'post',
          `${m.path}/promotion-requests/${opened.body.id}/approve`,
          callers.bob,
        )
        .send({});
      expect(approved.status).toBe(200);
      expect(approved.body.executed.version).toMatchObject({
        version: 2,
        stage: 'production',
        aliases: [],
      });
      const champion = await registry.api('get', `${m.path}/aliases/champion`);
      expect(champion.body).toMatchObject({ version: 2, stage: 'production' });
      const history = await registry.api(
        'get',
        `${m.path}/versions/2/history?limit=3`,
      );
      expect(history.body.items.map((h: any) => h.action)).toEqual([
        'alias.set',
        'version.stage',
        'promotion.approve',
      ]);
    });

    it('names the field of a bad alias in a request', async () => {
      const m = await model('request-alias-bad');
      const cases: BadInputCase[] = [
        [
          'post',
          `${m.path}/versions/2/promotion-requests`,
          'reserved alias',
          { stage: 'production', alias: 'latest' },
          'alias',
        ],
        [
          'post',
          `${m.path}/versions/2/promotion-requests`,
          'alias with a space',
          { stage: 'production', alias: 'my alias' },
          'alias',
        ],
        [
          'post',
          `${m.path}/versions/2/promotion-requests`,
          'empty alias',
          { stage: 'production', alias: '' },
          'alias',
        ],
        [
          'post',
          `${m.path}/versions/2/promotion-requests`,
          'alias not a string',
          { stage: 'production', alias: 7 },
          'alias',
        ],
      ];
      await expectBadInput(registry, cases);
      const requests = await registry.api(
        'get',
        `${m.path}/promotion-requests`,
      );
      expect(requests.body.items).toEqual([]);
    });
  },
  {
    config: () => ({
      modelRegistry: {
        aliases: { protected: ['champion'] },
        stages: { approvals: { production: { required: 1 } } },
      },
    }),
  },
);
