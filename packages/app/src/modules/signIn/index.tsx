import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { SignInPageBlueprint } from '@backstage/plugin-app-react';

/** Replaces the app's default sign-in page (guest only) with the example portal's. */
export const signInModule = createFrontendModule({
  pluginId: 'app',
  extensions: [
    SignInPageBlueprint.make({
      params: {
        loader: async () => {
          const { ExampleSignInPage } = await import('./ExampleSignInPage');
          return ExampleSignInPage;
        },
      },
    }),
  ],
});
