import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const fixture = path.resolve(
  __dirname,
  '__fixtures__/backendWithFailingPlugin.ts',
);

/** A TCP port on 127.0.0.1 that nothing listens on (bound by the OS, then released). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise(resolve => server.close(resolve));
  return port;
}

/** Runs the fixture backend with this config until it exits (or 25 s pass). */
async function runFixture(config: string, env: Record<string, string> = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'start-or-exit-'));
  const configPath = path.join(dir, 'app-config.yaml');
  fs.writeFileSync(configPath, config);
  // NODE_ENV=production as in a deployment: under NODE_ENV=test Backstage installs no
  // unhandled-rejection handler, and that handler is what kept a failed backend alive.
  const child = spawn(
    process.execPath,
    [
      '--require',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      fixture,
      '--config',
      configPath,
    ],
    {
      env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout.on('data', chunk => (output += chunk));
  child.stderr.on('data', chunk => (output += chunk));
  const timer = setTimeout(() => child.kill('SIGKILL'), 25_000);
  try {
    const code = await new Promise<number | null>(resolve =>
      child.on('exit', exitCode => resolve(exitCode)),
    );
    return { code, output };
  } finally {
    clearTimeout(timer);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const listenAnywhere = `
backend:
  baseUrl: http://127.0.0.1
  listen:
    host: 127.0.0.1
    port: 0
`;

describe('startBackendOrExit', () => {
  it('exits with code 1 and logs the reason when a plugin init throws', async () => {
    const { code, output } = await runFixture(`${listenAnywhere}
  database:
    client: better-sqlite3
    connection: ':memory:'
`);
    expect(output).toContain('Backend start failed, exiting with code 1');
    expect(output).toContain(
      "Plugin 'failing' startup failed; caused by Error: the failing plugin refused to start",
    );
    expect(code).toBe(1);
  }, 30_000);

  it('exits with code 1 and logs the reason when the database cannot be reached', async () => {
    const port = await closedPort();
    const { code, output } = await runFixture(
      `${listenAnywhere}
  database:
    client: pg
    connection:
      host: 127.0.0.1
      port: ${port}
      user: nobody
      password: nothing
`,
      { FAILING_PLUGIN_REASON: 'database' },
    );
    expect(output).toContain('Backend start failed, exiting with code 1');
    expect(output).toContain(`ECONNREFUSED 127.0.0.1:${port}`);
    expect(code).toBe(1);
  }, 30_000);
});
