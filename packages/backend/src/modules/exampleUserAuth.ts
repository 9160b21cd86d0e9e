/*
 * A development-only sign-in for the example portal: sign in as one of the example users of
 * examples/org.yaml (for instance alice of risk-ml, who owns fraud-detector but may not promote
 * to production) next to the guest. It exists so that the portal and its browser tests can show
 * what a user who is not allowed to do something sees. Never enable it in production: anyone
 * can pick any listed user.
 *
 *   auth:
 *     providers:
 *       exampleUser:
 *         users: [alice, bob, carol]   # user entity names in the default namespace
 *
 * The frontend sends the chosen name in the `x-example-user` header of the refresh request
 * (see packages/app/src/modules/signIn).
 */
import { createBackendModule } from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError } from '@backstage/errors';
import {
  authProvidersExtensionPoint,
  createProxyAuthenticator,
  createProxyAuthProviderFactory,
} from '@backstage/plugin-auth-node';

export const EXAMPLE_USER_HEADER = 'x-example-user';

type ExampleUserContext = { users: string[]; disabled: boolean };

export const exampleUserAuthenticator = createProxyAuthenticator<
  ExampleUserContext,
  { userName: string },
  undefined
>({
  defaultProfileTransform: async () => ({ profile: {} }),
  initialize({ config }) {
    const allowOutsideDev = config.getOptionalBoolean(
      'dangerouslyAllowOutsideDevelopment',
    );
    return {
      users: config.getOptionalStringArray('users') ?? [],
      disabled: process.env.NODE_ENV !== 'development' && !allowOutsideDev,
    };
  },
  async authenticate({ req }, { users, disabled }) {
    if (disabled) {
      throw new NotAllowedError(
        "The exampleUser provider is for development only (set 'auth.providers.exampleUser.dangerouslyAllowOutsideDevelopment' to use it elsewhere)",
      );
    }
    const userName = req.header(EXAMPLE_USER_HEADER);
    if (!userName) {
      throw new InputError(`The ${EXAMPLE_USER_HEADER} header is required`);
    }
    if (!users.includes(userName)) {
      throw new NotAllowedError(
        `"${userName}" is not one of the example users (auth.providers.exampleUser.users: ${users.join(
          ', ',
        )})`,
      );
    }
    return { result: { userName } };
  },
});

export default createBackendModule({
  pluginId: 'auth',
  moduleId: 'example-user-provider',
  register(reg) {
    reg.registerInit({
      deps: { providers: authProvidersExtensionPoint },
      async init({ providers }) {
        providers.registerProvider({
          providerId: 'exampleUser',
          factory: createProxyAuthProviderFactory({
            authenticator: exampleUserAuthenticator,
            signInResolver: async ({ result }, ctx) =>
              ctx.signInWithCatalogUser({
                entityRef: { kind: 'User', name: result.userName },
              }),
          }),
        });
      },
    });
  },
});
