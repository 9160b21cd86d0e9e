/*
 * Two registry backends on one PostgreSQL database (each with its own pool), as two replicas
 * behind a load balancer: approvals that arrive at both at the same moment.
 */
import { mockCredentials, TestDatabases } from '@backstage/backend-test-utils';
import knexFactory, { Knex } from 'knex';
import { callers, TestRegistry } from '../__testUtils__/startRegistry';

jest.setTimeout(120_000);

const databases = TestDatabases.create({
  ids: ['POSTGRES_15'],
  disableDocker: true,
});
const config = () => ({
  modelRegistry: { stages: { approvals: { production: { required: 2 } } } },
});

(databases.supports('POSTGRES_15') ? describe : describe.skip)(
  'promotion requests on two backend replicas',
  () => {
    const a = new TestRegistry(databases, 'POSTGRES_15', config);
    const b = new TestRegistry(databases, 'POSTGRES_15', config);
    let secondPool: Knex;

    beforeAll(async () => {
      await a.start();
      const connection = (a.knex.client.config as Knex.Config).connection;
      secondPool = knexFactory({
        client: 'pg',
        connection: connection as Knex.PgConnectionConfig,
      });
      await b.start(secondPool);
    });
    afterAll(async () => {
      await b.stop();
      await a.stop();
      await secondPool.destroy();
    });

    it('executes a promotion once when approvals reach both replicas at once', async () => {
      const name = a.uniqueName('two-replicas');
      const modelA = a.catalog.addModel(name);
      b.catalog.addModel(name);
      const path = `/models/default/${modelA.metadata.name}`;
      for (let i = 0; i < 2; i++) {
        await a
          .api('post', `${path}/versions`)
          .send({ source: `s3://m/${name}/${i}` })
          .expect(201);
      }
      const { body: request } = await b
        .api('post', `${path}/versions/2/promotion-requests`)
        .send({ stage: 'production' })
        .expect(201);
      const approvers = ['bob', 'carol', 'dave', 'erin', 'frank', 'grace'].map(
        n => mockCredentials.user.header(`user:default/${n}`),
      );
      const results = await Promise.all(
        approvers.map((auth, i) =>
          (i % 2 ? b : a)
            .api(
              'post',
              `${path}/promotion-requests/${request.id}/approve`,
              auth,
            )
            .send({}),
        ),
      );
      const statuses = results.map(r => r.status).sort();
      expect(statuses).toEqual([200, 200, 409, 409, 409, 409]);
      expect(results.filter(r => r.body.executed)).toHaveLength(1);
      const production = await a.api(
        'get',
        `${path}/versions?stage=production`,
        callers.alice,
      );
      expect(production.body.items.map((v: any) => v.version)).toEqual([2]);
      const history = await b.api('get', `${path}/versions/2/history?limit=20`);
      expect(
        history.body.items.filter((h: any) => h.action === 'version.stage'),
      ).toHaveLength(1);
    });
  },
);
