import { ConfigReader } from '@backstage/config';
import {
  EXAMPLE_USER_HEADER,
  exampleUserAuthenticator,
} from './exampleUserAuth';

type Request = Parameters<
  typeof exampleUserAuthenticator.authenticate
>[0]['req'];

function request(user?: string): Request {
  return {
    header: (name: string) =>
      name.toLowerCase() === EXAMPLE_USER_HEADER ? user : undefined,
  } as unknown as Request;
}

describe('exampleUserAuthenticator', () => {
  const env = process.env.NODE_ENV;
  afterEach(() => {
    (process.env as Record<string, string | undefined>).NODE_ENV = env;
  });

  const init = (data: object) =>
    exampleUserAuthenticator.initialize({ config: new ConfigReader(data) });

  it('signs in as a listed example user in development', async () => {
    (process.env as Record<string, string | undefined>).NODE_ENV =
      'development';
    const ctx = init({ users: ['alice', 'bob'] });
    await expect(
      exampleUserAuthenticator.authenticate({ req: request('alice') }, ctx),
    ).resolves.toEqual({ result: { userName: 'alice' } });
  });

  it('refuses a user that is not listed, and a missing header', async () => {
    (process.env as Record<string, string | undefined>).NODE_ENV =
      'development';
    const ctx = init({ users: ['alice'] });
    await expect(
      exampleUserAuthenticator.authenticate({ req: request('mallory') }, ctx),
    ).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringContaining('"mallory" is not one of the example'),
    });
    await expect(
      exampleUserAuthenticator.authenticate({ req: request() }, ctx),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: 'The x-example-user header is required',
    });
  });

  it('is disabled outside development unless explicitly allowed', async () => {
    (process.env as Record<string, string | undefined>).NODE_ENV = 'production';
    await expect(
      exampleUserAuthenticator.authenticate(
        { req: request('alice') },
        init({ users: ['alice'] }),
      ),
    ).rejects.toMatchObject({ name: 'NotAllowedError' });
    await expect(
      exampleUserAuthenticator.authenticate(
        { req: request('alice') },
        init({ users: ['alice'], dangerouslyAllowOutsideDevelopment: true }),
      ),
    ).resolves.toEqual({ result: { userName: 'alice' } });
  });
});
