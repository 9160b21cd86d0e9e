import { expect, test } from '@playwright/test';
import { createHmac } from 'node:crypto';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { openTab, screenshot, signInAsGuest } from './helpers';

const backend = `http://localhost:${process.env.E2E_BACKEND_PORT ?? 7307}`;
// The static token of app-config.yaml (a service, as a monitoring tool's token is).
const token = 'local-dev-token-for-curl';
const auth = { Authorization: `Bearer ${token}` };

type Received = { headers: http.IncomingHttpHeaders; body: string };

/** A webhook receiver on 127.0.0.1 (allow-listed in app-config.yaml for this machine). */
async function startReceiver() {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', chunk => (body += chunk));
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return { received, url: `http://127.0.0.1:${port}/hook`, server };
}

// The platform group (the guest's) manages webhooks: a subscription made on the admin page
// shows its secret once; a registry change arrives at the receiver signed with it, and the
// delivery log on the page shows the attempt.
test('webhooks: subscribe on the admin page, receive a signed event, read the delivery log', async ({
  page,
  request,
}) => {
  const receiver = await startReceiver();
  try {
    await signInAsGuest(page);
    await page.goto('/model-registry/webhooks');
    await page.getByRole('button', { name: 'New webhook' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('URL').fill(receiver.url);
    await dialog.locator('#new-webhook-events').click();
    await page
      .getByRole('option', { name: 'version.* (every version event)' })
      .click();
    await page.keyboard.press('Escape');
    await dialog
      .getByLabel('Model (optional)')
      .fill('mlmodel:default/fraud-detector');
    await dialog.getByLabel('Description (optional)').fill('Deploy pipeline');
    await dialog.getByRole('button', { name: 'Create' }).click();
    const secretDialog = page.getByRole('dialog');
    const secret = (await secretDialog
      .getByTestId('webhook-secret')
      .textContent())!;
    expect(secret).toMatch(/^whsec_/);
    await expect(secretDialog.getByText(/it is not shown again/)).toBeVisible();
    await screenshot(page, '11-webhook-secret-shown-once');
    await secretDialog.getByRole('button', { name: 'Done' }).click();
    const table = page.getByRole('table', { name: 'Webhooks' });
    const row = table.getByRole('row').filter({ hasText: receiver.url });
    await expect(row).toBeVisible();
    await expect(page.getByText(secret)).toHaveCount(0);

    // A pipeline registers a version; the event arrives signed with the secret.
    const registered = await request.post(
      `${backend}/api/model-registry/models/default/fraud-detector/versions`,
      {
        headers: auth,
        data: { source: `s3://models/fraud-detector/e2e-${Date.now()}` },
      },
    );
    expect(registered.status()).toBe(201);
    const version = (await registered.json()).version;
    await expect
      .poll(() => receiver.received.length, { timeout: 60_000 })
      .toBeGreaterThan(0);
    const [delivery] = receiver.received;
    const timestamp = String(delivery.headers['x-model-registry-timestamp']);
    expect(delivery.headers['x-model-registry-signature']).toBe(
      `v1=${createHmac('sha256', secret)
        .update(`${timestamp}.${delivery.body}`)
        .digest('hex')}`,
    );
    expect(JSON.parse(delivery.body)).toMatchObject({
      type: 'version.register',
      modelRef: 'mlmodel:default/fraud-detector',
      version,
    });

    await row.getByRole('button', { name: 'Deliveries' }).click();
    const log = page.getByRole('table', { name: 'Deliveries' });
    await expect(log.getByText('version.register')).toBeVisible();
    await expect(log.getByText('delivered')).toBeVisible();
    await screenshot(page, '12-webhook-delivery-log');
    await page.keyboard.press('Escape');

    // clean up: the version and the subscription
    await request.delete(
      `${backend}/api/model-registry/models/default/fraud-detector/versions/${version}`,
      { headers: auth },
    );
    await row.getByRole('button', { name: 'Delete' }).click();
    await page
      .getByRole('dialog')
      .getByRole('button', { name: 'Delete' })
      .click();
    await expect(row).toHaveCount(0);
  } finally {
    receiver.server.close();
  }
});

// A monitoring tool reports drift above the threshold of fraud-detector's annotation
// (drift_score <= 0.3): the card shows the production version's health and the versions
// list marks the version; a value back within resolves the alert.
test('monitoring: an observation over the threshold shows on the card and in the versions list', async ({
  page,
  request,
}) => {
  const base = `${backend}/api/model-registry/models/default/fraud-detector`;
  const versions = await (
    await request.get(`${base}/versions?limit=100`, { headers: auth })
  ).json();
  const production = versions.items.find((v: any) => v.stage === 'production');
  const report = (value: number) =>
    request.post(`${base}/versions/${production.version}/monitoring`, {
      headers: auth,
      data: {
        observations: [
          { metric: 'drift_score', value: 0.12, source: 'evidently' },
          { metric: 'drift_score', value, source: 'evidently' },
          { metric: 'live_auc', value: 0.95, source: 'evidently' },
        ],
      },
    });
  const opened = await report(0.41);
  expect(opened.status()).toBe(201);
  expect((await opened.json()).opened).toHaveLength(1);
  try {
    await signInAsGuest(page);
    await page.goto('/catalog/default/mlmodel/fraud-detector');
    const health = page.getByRole('region', { name: 'Production health' });
    await expect(health.getByTestId('health-drift_score')).toContainText(
      '0.41',
    );
    await expect(health.getByTestId('health-live_auc')).toContainText('0.95');
    await expect(
      health
        .getByRole('list', { name: 'Open alerts' })
        .getByText(/drift_score/),
    ).toBeVisible();
    await screenshot(page, '13-model-card-production-health');
    await openTab(page, 'Versions');
    await expect(
      page
        .getByTestId(`version-row-${production.version}`)
        .getByText('alert: drift_score'),
    ).toBeVisible();
    await screenshot(page, '14-versions-with-open-alert');
  } finally {
    const resolved = await report(0.1);
    expect((await resolved.json()).resolved).toHaveLength(1);
  }
});
