import { checkWebhookUrl, nonPublicReason, Resolver } from './ssrf';
import { createWebhookSender } from './sendWebhook';
import { WebhookReceiver } from './__testUtils__/WebhookReceiver';

const names: Record<string, string[]> = {
  'hooks.example.com': ['93.184.216.34'],
  'internal.example.test': ['10.20.30.40'],
  'mixed.example.test': ['93.184.216.34', '192.168.0.7'],
  'metadata.example.test': ['169.254.169.254'],
  'v6.example.test': ['fd00::1'],
  'receiver.example.test': ['127.0.0.1'],
};
const resolve: Resolver = async host => {
  const found = names[host];
  if (!found) throw new Error(`ENOTFOUND ${host}`);
  return found.map(address => ({
    address,
    family: address.includes(':') ? 6 : 4,
  }));
};
const strict = { allowHttpHosts: [], allowPrivateHosts: [] };

describe('webhook URL checks (SSRF)', () => {
  it.each([
    ['https://127.0.0.1/x', 'a loopback address'],
    ['https://10.0.0.1/x', 'a private address'],
    ['https://172.20.1.1/x', 'a private address'],
    ['https://169.254.169.254/latest', 'the cloud metadata address'],
    ['https://169.254.10.10/x', 'a link-local or metadata address'],
    ['https://100.64.0.1/x', 'carrier-grade NAT'],
    ['https://[fe80::1]/x', 'a link-local address'],
    [
      'https://internal.example.test/x',
      'resolves to 10.20.30.40, a private address',
    ],
    ['https://mixed.example.test/x', 'resolves to 192.168.0.7'],
    ['https://metadata.example.test/x', 'the cloud metadata address'],
    ['https://v6.example.test/x', 'unique local'],
    ['https://nowhere.example.test/x', 'does not resolve'],
  ])('refuses %s', async (url, why) => {
    await expect(checkWebhookUrl(url, strict, resolve)).rejects.toThrow(why);
    await expect(checkWebhookUrl(url, strict, resolve)).rejects.toThrow(
      /^url: /,
    );
  });

  it('accepts public https URLs, and private ones only when allow-listed', async () => {
    await expect(
      checkWebhookUrl('https://hooks.example.com/x', strict, resolve),
    ).resolves.toBeInstanceOf(URL);
    for (const entry of [
      'internal.example.test',
      '10.20.30.40',
      '10.0.0.0/8',
    ]) {
      await expect(
        checkWebhookUrl(
          'https://internal.example.test/x',
          { allowHttpHosts: [], allowPrivateHosts: [entry] },
          resolve,
        ),
      ).resolves.toBeInstanceOf(URL);
    }
    await expect(
      checkWebhookUrl(
        'https://internal.example.test/x',
        { allowHttpHosts: [], allowPrivateHosts: ['192.168.0.0/16'] },
        resolve,
      ),
    ).rejects.toThrow('a private address');
    await expect(
      checkWebhookUrl(
        'http://hooks.example.com/x',
        { allowHttpHosts: ['hooks.example.com'], allowPrivateHosts: [] },
        resolve,
      ),
    ).resolves.toBeInstanceOf(URL);
  });

  it('classifies addresses', () => {
    expect(nonPublicReason('8.8.8.8')).toBeUndefined();
    expect(nonPublicReason('2001:4860:4860::8888')).toBeUndefined();
    expect(nonPublicReason('::ffff:127.0.0.1')).toBe('a loopback address');
    expect(nonPublicReason('::ffff:a00:1')).toBe('a private address');
    expect(nonPublicReason('0.0.0.0')).toBe('a "this network" address');
  });

  it('refuses at connect time a name that now resolves to a private address, and follows no redirect', async () => {
    const receiver = await new WebhookReceiver().start();
    try {
      const port = new URL(receiver.url).port;
      const request = {
        body: '{}',
        headers: { 'content-type': 'application/json' },
      };
      const refused = createWebhookSender({
        policy: {
          allowHttpHosts: ['receiver.example.test'],
          allowPrivateHosts: [],
        },
        timeoutMs: 2000,
        resolve,
      });
      const outcome = await refused(
        `http://receiver.example.test:${port}/hook`,
        request,
      );
      expect(outcome).toMatchObject({ ok: false });
      expect(outcome.error).toContain(
        'resolves to 127.0.0.1, a loopback address',
      );
      expect(receiver.received).toHaveLength(0);

      const allowed = createWebhookSender({
        policy: {
          allowHttpHosts: ['receiver.example.test'],
          allowPrivateHosts: ['receiver.example.test'],
        },
        timeoutMs: 2000,
        resolve,
      });
      expect(
        await allowed(`http://receiver.example.test:${port}/hook`, request),
      ).toMatchObject({ ok: true, statusCode: 200 });
      receiver.mode = { kind: 'redirect', location: 'http://169.254.169.254/' };
      expect(
        await allowed(`http://receiver.example.test:${port}/hook`, request),
      ).toMatchObject({
        ok: false,
        statusCode: 302,
        error: 'redirect to http://169.254.169.254/ not followed',
      });
      expect(receiver.received).toHaveLength(2);
      receiver.mode = { kind: 'slow', delayMs: 1500 };
      const slow = createWebhookSender({
        policy: {
          allowHttpHosts: ['127.0.0.1'],
          allowPrivateHosts: ['127.0.0.1'],
        },
        timeoutMs: 300,
      });
      const timedOut = await slow(receiver.url, request);
      expect(timedOut).toMatchObject({
        ok: false,
        error: 'timed out after 300 ms',
      });
      expect(timedOut.durationMs).toBeLessThan(1500);
    } finally {
      await receiver.stop();
    }
  });
});
