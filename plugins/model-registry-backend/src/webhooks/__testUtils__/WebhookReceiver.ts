import http from 'node:http';
import { AddressInfo } from 'node:net';

/** One request the receiver got. */
export type ReceivedRequest = {
  headers: http.IncomingHttpHeaders;
  body: string;
  receivedAt: number;
};

/** How the receiver answers: 200, a status of choice, a redirect, or after a delay. */
export type ReceiverMode =
  | { kind: 'ok' }
  | { kind: 'status'; status: number }
  | { kind: 'redirect'; location: string }
  | { kind: 'slow'; delayMs: number };

/**
 * A local webhook receiver for the tests, on 127.0.0.1. It can be taken down (the port
 * refuses connections) and brought up again on the same port.
 */
export class WebhookReceiver {
  readonly received: ReceivedRequest[] = [];
  mode: ReceiverMode = { kind: 'ok' };
  private server?: http.Server;
  private port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}/hook`;
  }

  async start(): Promise<this> {
    const server = http.createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', chunk => (body += chunk));
      req.on('end', () => {
        this.received.push({
          headers: req.headers,
          body,
          receivedAt: Date.now(),
        });
        const mode = this.mode;
        if (mode.kind === 'status') {
          res.writeHead(mode.status).end('receiver error');
        } else if (mode.kind === 'redirect') {
          res.writeHead(302, { location: mode.location }).end();
        } else if (mode.kind === 'slow') {
          setTimeout(() => res.writeHead(200).end('ok'), mode.delayMs);
        } else {
          res.writeHead(200).end('ok');
        }
      });
    });
    await new Promise<void>(resolve =>
      server.listen(this.port, '127.0.0.1', resolve),
    );
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
    return this;
  }

  /** Closes the port: attempts fail with a refused connection until `start` again. */
  async stop() {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise(resolve => server.close(resolve));
  }

  /** The requests carrying an event id, by id. */
  byEventId(): Map<string, ReceivedRequest[]> {
    const map = new Map<string, ReceivedRequest[]>();
    for (const r of this.received) {
      const id = String(r.headers['x-model-registry-event-id']);
      map.set(id, [...(map.get(id) ?? []), r]);
    }
    return map;
  }
}
