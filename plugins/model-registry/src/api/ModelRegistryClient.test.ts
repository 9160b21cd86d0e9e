/*
 * The webhook and monitoring parts of the typed client (model-registry-common), checked
 * here against msw: the routes, methods, queries and bodies they send and the errors they
 * throw.
 */
import { ResponseError } from '@backstage/errors';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { registerMswTestHooks } from '@backstage/test-utils';
import { REGISTRY } from '../testing/fixtures';
import { registryClient } from '../testing/renderWithRegistry';

const server = setupServer();
registerMswTestHooks(server);

type Seen = { method: string; path: string; search: string; body?: unknown };

/** Answers every registry request with `answer`, recording what was asked. */
function recordAll(answer: (seen: Seen) => Response) {
  const seen: Seen[] = [];
  server.use(
    http.all(`${REGISTRY}/*`, async ({ request }) => {
      const url = new URL(request.url);
      const text = await request.text();
      const entry = {
        method: request.method,
        path: url.pathname.replace('/api/model-registry', ''),
        search: url.search,
        ...(text ? { body: JSON.parse(text) } : {}),
      };
      seen.push(entry);
      return answer(entry);
    }),
  );
  return seen;
}

const ok = () => HttpResponse.json({ items: [] });

describe('ModelRegistryClient webhooks', () => {
  it('calls each webhook route', async () => {
    const seen = recordAll(({ method }) =>
      method === 'DELETE' ? new HttpResponse(null, { status: 204 }) : ok(),
    );
    const client = registryClient();
    await client.webhooks.list();
    await client.webhooks.get('w1');
    await client.webhooks.create({
      url: 'https://hooks.example.com/a',
      events: ['version.*'],
      format: 'mlflow',
    });
    await client.webhooks.update('w1', { enabled: false, modelRef: null });
    await expect(client.webhooks.delete('w1')).resolves.toBeUndefined();
    await client.webhooks.rotateSecret('w1');
    await client.webhooks.listDeliveries('w1', {
      status: 'failed',
      eventId: 'e1',
      limit: 10,
      cursor: 'c2',
    });
    await client.webhooks.redeliver('w1', 'd 1');
    expect(seen).toEqual([
      { method: 'GET', path: '/webhooks', search: '' },
      { method: 'GET', path: '/webhooks/w1', search: '' },
      {
        method: 'POST',
        path: '/webhooks',
        search: '',
        body: {
          url: 'https://hooks.example.com/a',
          events: ['version.*'],
          format: 'mlflow',
        },
      },
      {
        method: 'PATCH',
        path: '/webhooks/w1',
        search: '',
        body: { enabled: false, modelRef: null },
      },
      { method: 'DELETE', path: '/webhooks/w1', search: '' },
      { method: 'POST', path: '/webhooks/w1/rotate-secret', search: '' },
      {
        method: 'GET',
        path: '/webhooks/w1/deliveries',
        search: '?status=failed&eventId=e1&limit=10&cursor=c2',
      },
      {
        method: 'POST',
        path: '/webhooks/w1/deliveries/d%201/redeliver',
        search: '',
      },
    ]);
  });

  it("throws the server's error, naming the field", async () => {
    recordAll(() =>
      HttpResponse.json(
        {
          error: {
            name: 'InputError',
            message: 'url: 10.0.0.1 is a private address',
          },
          response: { statusCode: 400 },
        },
        { status: 400 },
      ),
    );
    const error = await registryClient()
      .webhooks.create({ url: 'https://10.0.0.1/', events: ['*'] })
      .catch(e => e);
    expect(error).toBeInstanceOf(ResponseError);
    expect(error.response.status).toBe(400);
    expect(error.body.error.message).toBe('url: 10.0.0.1 is a private address');
  });
});

describe('ModelRegistryClient monitoring', () => {
  it('calls each monitoring route', async () => {
    const seen = recordAll(ok);
    const client = registryClient();
    await client.monitoring.report('mlmodel:default/fraud-detector', 4, [
      { metric: 'drift', value: 0.3, source: 'evidently' },
    ]);
    await client.monitoring.getVersion('fraud-detector', 4, {
      metric: 'drift',
      limit: 50,
    });
    await client.monitoring.getModel({
      kind: 'mlmodel',
      namespace: 'risk',
      name: 'scorer',
    });
    await client.monitoring.setThresholds('mlmodel:default/fraud-detector', [
      { metric: 'drift', max: 0.2 },
    ]);
    await client.monitoring.receiveAlertmanager({
      version: '4',
      alerts: [{ status: 'firing', labels: { alertname: 'drift' } }],
    });
    const model = '/models/default/fraud-detector';
    expect(seen).toEqual([
      {
        method: 'POST',
        path: `${model}/versions/4/monitoring`,
        search: '',
        body: {
          observations: [{ metric: 'drift', value: 0.3, source: 'evidently' }],
        },
      },
      {
        method: 'GET',
        path: `${model}/versions/4/monitoring`,
        search: '?metric=drift&limit=50',
      },
      { method: 'GET', path: '/models/risk/scorer/monitoring', search: '' },
      {
        method: 'PUT',
        path: `${model}/monitoring/thresholds`,
        search: '',
        body: { thresholds: [{ metric: 'drift', max: 0.2 }] },
      },
      {
        method: 'POST',
        path: '/monitoring/alertmanager',
        search: '',
        body: {
          version: '4',
          alerts: [{ status: 'firing', labels: { alertname: 'drift' } }],
        },
      },
    ]);
  });
});
