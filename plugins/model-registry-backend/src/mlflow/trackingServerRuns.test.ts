import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { createServer, Server } from 'http';
import { AddressInfo } from 'net';
import {
  createTrackingServerRunReader,
  readTrackingServerOptions,
  toRunData,
} from './trackingServerRuns';

const RUN = {
  info: { run_id: 'abc123', experiment_id: '7' },
  data: {
    metrics: [
      { key: 'auc', value: 0.93, timestamp: 1, step: 3 },
      { key: 'loss', value: 'NaN' },
      { key: 'bad<name>', value: 1 },
    ],
    params: [
      { key: 'lr', value: '0.1' },
      { key: 'huge', value: 'x'.repeat(6001) },
    ],
  },
};

describe('toRunData', () => {
  it('keeps what the registry can hold and links the run in the tracking UI', () => {
    expect(toRunData(RUN, 'http://mlflow:5000')).toEqual({
      metrics: { auc: 0.93 },
      params: { lr: '0.1' },
      runLink: 'http://mlflow:5000/#/experiments/7/runs/abc123',
    });
    expect(toRunData({}, 'http://mlflow:5000')).toEqual({
      metrics: {},
      params: {},
    });
  });

  it('keeps the first 500 metrics by name', () => {
    const metrics = Array.from({ length: 600 }, (_, i) => ({
      key: `m${String(i).padStart(3, '0')}`,
      value: i,
    }));
    const data = toRunData({ data: { metrics } }, 'http://mlflow');
    expect(Object.keys(data.metrics)).toHaveLength(500);
    expect(data.metrics.m499).toBe(499);
    expect(data.metrics.m500).toBeUndefined();
  });
});

describe('readTrackingServerOptions', () => {
  const read = (trackingServer: any) =>
    readTrackingServerOptions(
      new ConfigReader({ modelRegistry: { mlflow: { trackingServer } } }),
    );

  it('reads the base URL, token and timeout', () => {
    expect(readTrackingServerOptions(new ConfigReader({}))).toBeUndefined();
    expect(read({ baseUrl: 'http://mlflow:5000/', token: 't' })).toEqual({
      baseUrl: 'http://mlflow:5000',
      token: 't',
      timeoutMs: 5000,
    });
    expect(read({ baseUrl: 'https://m', timeoutSeconds: 0.5 })).toMatchObject({
      timeoutMs: 500,
    });
  });

  it('names the key of a bad value', () => {
    expect(() => read({ baseUrl: 'file:///tmp' })).toThrow(
      'modelRegistry.mlflow.trackingServer.baseUrl must be an http(s) URL',
    );
    expect(() => read({ baseUrl: 'not a url' })).toThrow('baseUrl');
    expect(() => read({ baseUrl: 'http://m', timeoutSeconds: 0 })).toThrow(
      'timeoutSeconds',
    );
  });
});

describe('createTrackingServerRunReader', () => {
  let server: Server;
  let baseUrl: string;
  const requests: Array<{ url?: string; authorization?: string }> = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      requests.push({ url: req.url, authorization: req.headers.authorization });
      if (req.url?.includes('run_id=slow')) {
        setTimeout(() => res.end('{}'), 2000);
        return;
      }
      if (req.url?.includes('run_id=abc123')) {
        res.setHeader('content-type', 'application/json');
        res.end(JSON.stringify({ run: RUN }));
        return;
      }
      res.statusCode = 404;
      res.end('{"error_code":"RESOURCE_DOES_NOT_EXIST"}');
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise(resolve => server.close(resolve)));

  it('reads a run with the configured token', async () => {
    const logger = mockServices.logger.mock();
    const read = createTrackingServerRunReader(
      { baseUrl, token: 'secret', timeoutMs: 1000 },
      logger,
    );
    await expect(read('abc123')).resolves.toMatchObject({
      metrics: { auc: 0.93 },
      params: { lr: '0.1' },
    });
    expect(requests.pop()).toEqual({
      url: '/api/2.0/mlflow/runs/get?run_id=abc123',
      authorization: 'Bearer secret',
    });
    expect(logger.warn).not.toHaveBeenCalled();
  });

  it('gives nothing, and says why in the log, for a missing run, a timeout or no server', async () => {
    const logger = mockServices.logger.mock();
    const read = createTrackingServerRunReader(
      { baseUrl, timeoutMs: 200 },
      logger,
    );
    await expect(read('missing')).resolves.toBeUndefined();
    expect(requests.pop()?.authorization).toBeUndefined();
    await expect(read('slow')).resolves.toBeUndefined();
    const unreachable = createTrackingServerRunReader(
      { baseUrl: 'http://127.0.0.1:1', timeoutMs: 1000 },
      logger,
    );
    await expect(unreachable('abc123')).resolves.toBeUndefined();
    expect(logger.warn).toHaveBeenCalledTimes(3);
    expect(logger.warn.mock.calls[0][0]).toContain('answered 404');
  });
});
