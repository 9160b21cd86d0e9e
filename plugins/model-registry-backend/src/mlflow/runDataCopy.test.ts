import { createServer, Server } from 'http';
import { AddressInfo } from 'net';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  callers,
  describeRegistry,
} from '../service/__testUtils__/startRegistry';

// A tracking server that knows one run; every request is recorded.
const runs = new Map<string, unknown>();
const requested: string[] = [];
let server: Server;
let trackingUrl = '';

beforeAll(async () => {
  server = createServer((req, res) => {
    requested.push(req.url ?? '');
    const runId = new URL(req.url ?? '/', 'http://x').searchParams.get(
      'run_id',
    );
    const run = runId ? runs.get(runId) : undefined;
    res.setHeader('content-type', 'application/json');
    if (!run) {
      res.statusCode = 404;
      res.end('{"error_code":"RESOURCE_DOES_NOT_EXIST","message":"no run"}');
      return;
    }
    res.end(JSON.stringify({ run }));
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  trackingUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise(resolve => server.close(resolve)));

describeRegistry(
  'MLflow model-versions/create with a tracking server',
  registry => {
    const create = (body: Record<string, unknown>, auth = callers.alice) =>
      registry
        .api('post', '/mlflow/api/2.0/mlflow/model-versions/create', auth)
        .send(body);

    it("copies the run's metrics and params into the version, with the run's UI link", async () => {
      const model = registry.addModel('run-data');
      const runId = registry.uniqueName('run');
      runs.set(runId, {
        info: { run_id: runId, experiment_id: '4' },
        data: {
          metrics: [
            { key: 'auc', value: 0.91, step: 2 },
            { key: 'f1', value: 0.8 },
          ],
          params: [{ key: 'max_depth', value: '6' }],
        },
      });
      const res = await create({
        name: model.name,
        source: 's3://models/run-data/1',
        run_id: runId,
      });
      expect(res.status).toBe(200);
      expect(res.body.model_version).toMatchObject({
        run_id: runId,
        run_link: `${trackingUrl}/#/experiments/4/runs/${runId}`,
      });
      const native = await registry.api(
        'get',
        `${model.path}/versions/${res.body.model_version.version}`,
      );
      expect(native.body).toMatchObject({
        runId,
        metrics: { auc: 0.91, f1: 0.8 },
        params: { max_depth: '6' },
      });

      // a run link the client sends is kept
      const linked = await create({
        name: model.name,
        source: 's3://models/run-data/2',
        run_id: runId,
        run_link: 'https://ci.example.com/jobs/1',
      });
      expect(linked.body.model_version.run_link).toBe(
        'https://ci.example.com/jobs/1',
      );
    });

    it('registers without run data when the tracking server does not know the run', async () => {
      const model = registry.addModel('run-missing');
      const res = await create({
        name: model.name,
        source: 's3://models/run-missing/1',
        run_id: 'not-a-run-there',
      });
      expect(res.status).toBe(200);
      const native = await registry.api(
        'get',
        `${model.path}/versions/${res.body.model_version.version}`,
      );
      expect(native.body).toMatchObject({
        runId: 'not-a-run-there',
        metrics: {},
        params: {},
      });
    });

    it('asks the tracking server only for a caller who may register', async () => {
      const model = registry.addModel('run-denied');
      const runId = registry.uniqueName('denied-run');
      registry.setDecision(
        'model-registry.version.register',
        AuthorizeResult.DENY,
      );
      const res = await create({
        name: model.name,
        source: 's3://models/run-denied/1',
        run_id: runId,
      });
      expect(res.status).toBe(403);
      expect(requested.some(url => url.includes(runId))).toBe(false);
      // a bad source is refused before the run is read
      registry.setDecision(
        'model-registry.version.register',
        AuthorizeResult.ALLOW,
      );
      const bad = await create({
        name: model.name,
        source: 'file:///tmp/model',
        run_id: runId,
      });
      expect(bad.status).toBe(400);
      expect(bad.body.error_code).toBe('INVALID_PARAMETER_VALUE');
      expect(requested.some(url => url.includes(runId))).toBe(false);
    });
  },
  {
    config: () => ({
      modelRegistry: {
        mlflow: { trackingServer: { baseUrl: trackingUrl, timeoutSeconds: 2 } },
      },
    }),
  },
);
