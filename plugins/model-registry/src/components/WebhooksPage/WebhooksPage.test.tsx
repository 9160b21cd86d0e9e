import {
  WebhookDelivery,
  WebhookSubscription,
} from '@model-registry/plugin-model-registry-common';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { http, HttpResponse } from 'msw';
import { REGISTRY } from '../../testing/fixtures';
import {
  renderWithRegistry,
  setupRegistryServer,
} from '../../testing/renderWithRegistry';
import { WebhooksPage } from './WebhooksPage';

const server = setupRegistryServer();
const wait = { timeout: 20_000 };

function webhook(
  id: string,
  overrides: Partial<WebhookSubscription> = {},
): WebhookSubscription {
  return {
    id,
    url: `https://hooks.example.com/${id}`,
    events: ['version.*'],
    format: 'registry',
    enabled: true,
    createdBy: 'user:default/carol',
    createdAt: '2026-12-01T10:00:00.000Z',
    updatedAt: '2026-12-01T10:00:00.000Z',
    ...overrides,
  };
}

function delivery(
  id: string,
  overrides: Partial<WebhookDelivery> = {},
): WebhookDelivery {
  return {
    id,
    webhookId: 'w1',
    eventId: `event-${id}`,
    eventType: 'version.stage',
    modelRef: 'mlmodel:default/fraud-detector',
    status: 'failed',
    attempts: 2,
    lastStatusCode: 503,
    lastError: 'Service Unavailable',
    createdAt: '2026-12-01T11:00:00.000Z',
    log: [
      {
        attempt: 1,
        startedAt: '2026-12-01T11:00:00.000Z',
        durationMs: 120,
        statusCode: 500,
        error: 'Internal Server Error',
      },
      {
        attempt: 2,
        startedAt: '2026-12-01T11:01:00.000Z',
        durationMs: 87,
        statusCode: 503,
        error: 'Service Unavailable',
      },
    ],
    ...overrides,
  };
}

describe('WebhooksPage', () => {
  it('creates a webhook and shows its secret once', async () => {
    const items = [webhook('w1')];
    const created: unknown[] = [];
    server.use(
      http.get(`${REGISTRY}/webhooks`, () =>
        // the list never carries secrets
        HttpResponse.json({ items }),
      ),
      http.post(`${REGISTRY}/webhooks`, async ({ request }) => {
        const body = (await request.json()) as Record<string, unknown>;
        created.push(body);
        if (!String(body.url).startsWith('https://hooks.example.com')) {
          return HttpResponse.json(
            {
              error: {
                name: 'InputError',
                message:
                  'url: internal.example.com resolves to 10.0.0.1, a private address',
              },
              response: { statusCode: 400 },
            },
            { status: 400 },
          );
        }
        const hook = webhook('w2', {
          url: String(body.url),
          events: body.events as string[],
          format: body.format as 'registry',
          modelRef: body.modelRef as string,
        });
        items.unshift(hook);
        return HttpResponse.json(
          { ...hook, secret: 'whsec_once_only' },
          { status: 201 },
        );
      }),
    );
    await renderWithRegistry(<WebhooksPage />);
    expect(
      await screen.findByTestId('webhook-w1', {}, wait),
    ).toBeInTheDocument();

    fireEvent.click(screen.getByRole('button', { name: 'New webhook' }));
    const dialog = await screen.findByRole('dialog', {}, wait);
    const create = within(dialog).getByRole('button', { name: 'Create' });
    expect(create).toBeDisabled();
    fireEvent.change(within(dialog).getByLabelText(/URL/), {
      target: { value: 'https://internal.example.com/hook' },
    });
    fireEvent.mouseDown(within(dialog).getByLabelText(/Event types/));
    const menu = await screen.findByRole('listbox', {}, wait);
    fireEvent.click(within(menu).getByText('version.* (every version event)'));
    fireEvent.click(within(menu).getByText('monitoring.alert'));
    fireEvent.keyDown(menu, { key: 'Escape' });
    fireEvent.change(within(dialog).getByLabelText(/Model/), {
      target: { value: 'mlmodel:default/fraud-detector' },
    });
    await waitFor(() => expect(create).toBeEnabled(), wait);

    // the backend's message names the field
    fireEvent.click(create);
    expect(
      await within(dialog).findByText(
        /url: internal.example.com resolves to 10.0.0.1, a private address/,
        {},
        wait,
      ),
    ).toBeInTheDocument();

    fireEvent.change(within(dialog).getByLabelText(/URL/), {
      target: { value: 'https://hooks.example.com/new' },
    });
    fireEvent.click(create);
    const secretDialog = await screen.findByRole(
      'dialog',
      { name: 'Webhook created' },
      wait,
    );
    expect(
      within(secretDialog).getByTestId('webhook-secret'),
    ).toHaveTextContent('whsec_once_only');
    expect(
      within(secretDialog).getByText(/it is not shown again/),
    ).toBeInTheDocument();
    expect(
      within(secretDialog).getByRole('button', { name: 'Copy the secret' }),
    ).toBeInTheDocument();
    expect(created[created.length - 1]).toEqual({
      url: 'https://hooks.example.com/new',
      events: ['version.*', 'monitoring.alert'],
      format: 'registry',
      modelRef: 'mlmodel:default/fraud-detector',
    });

    fireEvent.click(within(secretDialog).getByRole('button', { name: 'Done' }));
    expect(
      await screen.findByTestId('webhook-w2', {}, wait),
    ).toBeInTheDocument();
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull(), wait);
    // once closed, the secret is gone from the page
    expect(screen.queryByText('whsec_once_only')).toBeNull();
  });

  it('shows deliveries with their attempt log and redelivers one', async () => {
    const redelivered: string[] = [];
    server.use(
      http.get(`${REGISTRY}/webhooks`, () =>
        HttpResponse.json({ items: [webhook('w1')] }),
      ),
      http.get(`${REGISTRY}/webhooks/w1/deliveries`, () =>
        HttpResponse.json({
          items: [
            delivery('d2'),
            delivery('d1', {
              status: 'delivered',
              attempts: 1,
              lastStatusCode: 200,
              lastError: undefined,
              deliveredAt: '2026-12-01T10:30:00.000Z',
              log: [
                {
                  attempt: 1,
                  startedAt: '2026-12-01T10:30:00.000Z',
                  durationMs: 42,
                  statusCode: 200,
                },
              ],
            }),
          ],
        }),
      ),
      http.post(
        `${REGISTRY}/webhooks/w1/deliveries/:deliveryId/redeliver`,
        ({ params }) => {
          redelivered.push(String(params.deliveryId));
          return HttpResponse.json(
            delivery(String(params.deliveryId), { status: 'pending' }),
          );
        },
      ),
    );
    await renderWithRegistry(<WebhooksPage />);
    const row = await screen.findByTestId('webhook-w1', {}, wait);
    fireEvent.click(within(row).getByRole('button', { name: 'Deliveries' }));
    const failed = await screen.findByTestId('delivery-d2', {}, wait);
    expect(within(failed).getByText('failed')).toBeInTheDocument();
    expect(within(failed).getByText('version.stage')).toBeInTheDocument();
    expect(within(failed).getByText('event-d2')).toBeInTheDocument();
    expect(
      within(failed).getByText('HTTP 503: Service Unavailable'),
    ).toBeInTheDocument();
    expect(
      within(screen.getByTestId('delivery-d1')).getByText('delivered'),
    ).toBeInTheDocument();

    fireEvent.click(
      within(failed).getByRole('button', { name: 'Attempts of event-d2' }),
    );
    const log = await screen.findByRole(
      'table',
      { name: 'Attempts of delivery d2' },
      wait,
    );
    expect(within(log).getByText('120 ms')).toBeInTheDocument();
    expect(within(log).getByText('Internal Server Error')).toBeInTheDocument();
    expect(within(log).getByText('87 ms')).toBeInTheDocument();

    fireEvent.click(within(failed).getByRole('button', { name: 'Redeliver' }));
    expect(
      await screen.findByText('Delivery of event-d2 queued again.', {}, wait),
    ).toBeInTheDocument();
    expect(redelivered).toEqual(['d2']);
  });

  it('rotates a secret and shows the new one once, and deletes after confirming', async () => {
    let items = [webhook('w1')];
    const deleted: string[] = [];
    server.use(
      http.get(`${REGISTRY}/webhooks`, () => HttpResponse.json({ items })),
      http.post(`${REGISTRY}/webhooks/w1/rotate-secret`, () =>
        HttpResponse.json({ ...webhook('w1'), secret: 'whsec_rotated' }),
      ),
      http.delete(`${REGISTRY}/webhooks/:id`, ({ params }) => {
        deleted.push(String(params.id));
        items = [];
        return new HttpResponse(null, { status: 204 });
      }),
    );
    await renderWithRegistry(<WebhooksPage />);
    const row = await screen.findByTestId('webhook-w1', {}, wait);
    fireEvent.click(within(row).getByRole('button', { name: 'Rotate secret' }));
    const confirm = await screen.findByRole('dialog', {}, wait);
    fireEvent.click(within(confirm).getByRole('button', { name: 'Rotate' }));
    const secretDialog = await screen.findByRole(
      'dialog',
      { name: 'New secret' },
      wait,
    );
    expect(
      within(secretDialog).getByTestId('webhook-secret'),
    ).toHaveTextContent('whsec_rotated');
    fireEvent.click(within(secretDialog).getByRole('button', { name: 'Done' }));
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull(), wait);

    fireEvent.click(within(row).getByRole('button', { name: 'Delete' }));
    const confirmDelete = await screen.findByRole('dialog', {}, wait);
    expect(deleted).toEqual([]);
    fireEvent.click(
      within(confirmDelete).getByRole('button', { name: 'Delete' }),
    );
    expect(
      await screen.findByText('No webhooks yet', {}, wait),
    ).toBeInTheDocument();
    expect(deleted).toEqual(['w1']);
  });
});
