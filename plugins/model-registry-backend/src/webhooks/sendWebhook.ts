import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import { checkAddresses, Resolver, systemResolver, UrlPolicy } from './ssrf';
import type { SignedRequest } from './webhookPayload';

/** The outcome of one attempt, as the delivery log keeps it. */
export type AttemptOutcome = {
  ok: boolean;
  statusCode?: number;
  error?: string;
  responseExcerpt?: string;
  durationMs: number;
};

/** Posts one signed request. */
export type WebhookSender = (
  url: string,
  request: SignedRequest,
) => Promise<AttemptOutcome>;

const EXCERPT_CHARS = 500;

/**
 * A lookup that resolves the host and refuses a non-public address unless allow-listed,
 * at connection time: a name that passed the check when the subscription was saved and
 * now resolves to a private address is still refused.
 */
function guardedLookup(policy: UrlPolicy, resolve: Resolver): LookupFunction {
  return (hostname, options, callback) => {
    checkAddresses(hostname, policy, resolve).then(
      addresses => {
        if ((options as { all?: boolean }).all) {
          (callback as any)(null, addresses);
        } else {
          callback(null, addresses[0].address, addresses[0].family);
        }
      },
      error => callback(error, '', 0),
    );
  };
}

/**
 * Posts with a timeout, refusing non-public addresses at connect time and never following
 * a redirect (a 3xx counts as a failed attempt: a redirect could point at an internal
 * address). A 2xx is a success.
 */
export function createWebhookSender(options: {
  policy: UrlPolicy;
  timeoutMs: number;
  resolve?: Resolver;
}): WebhookSender {
  const lookup = guardedLookup(
    options.policy,
    options.resolve ?? systemResolver,
  );
  return (rawUrl, request) =>
    new Promise<AttemptOutcome>(resolveOutcome => {
      const started = Date.now();
      const finish = (outcome: Omit<AttemptOutcome, 'durationMs'>) =>
        resolveOutcome({ ...outcome, durationMs: Date.now() - started });
      let url: URL;
      try {
        url = new URL(rawUrl);
      } catch {
        finish({ ok: false, error: `not a URL: ${rawUrl}` });
        return;
      }
      const transport = url.protocol === 'https:' ? https : http;
      const req = transport.request(
        url,
        {
          method: 'POST',
          headers: {
            ...request.headers,
            'content-length': Buffer.byteLength(request.body),
          },
          lookup,
          timeout: options.timeoutMs,
        },
        res => {
          let excerpt = '';
          res.setEncoding('utf8');
          res.on('data', chunk => {
            if (excerpt.length < EXCERPT_CHARS) excerpt += chunk;
          });
          res.on('end', () => {
            const statusCode = res.statusCode ?? 0;
            const ok = statusCode >= 200 && statusCode < 300;
            const redirect =
              statusCode >= 300 && statusCode < 400
                ? `redirect to ${
                    res.headers.location ?? '(no location)'
                  } not followed`
                : undefined;
            finish({
              ok,
              statusCode,
              ...(ok
                ? {}
                : { error: redirect ?? `receiver answered ${statusCode}` }),
              ...(excerpt
                ? { responseExcerpt: excerpt.slice(0, EXCERPT_CHARS) }
                : {}),
            });
          });
          res.on('error', error =>
            finish({
              ok: false,
              statusCode: res.statusCode,
              error: error.message,
            }),
          );
        },
      );
      req.setTimeout(options.timeoutMs, () =>
        req.destroy(new Error(`timed out after ${options.timeoutMs} ms`)),
      );
      req.on('error', error => finish({ ok: false, error: error.message }));
      req.end(request.body);
    });
}
