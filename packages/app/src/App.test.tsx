import { render, screen } from '@testing-library/react';
import App from './App';
import { SIGN_IN_STORAGE_KEY } from './modules/signIn/ExampleSignInPage';

describe('App', () => {
  it('opens on the example sign-in page with the guest and every example user', async () => {
    process.env = {
      NODE_ENV: 'test',
      APP_CONFIG: [
        {
          data: {
            app: { title: 'Test' },
            backend: { baseUrl: 'http://localhost:7007' },
            techdocs: {
              storageUrl: 'http://localhost:7007/api/techdocs/static/docs',
            },
          },
          context: 'test',
        },
      ] as any,
    };
    // No stored choice: nobody is signed in yet, so no request reaches a backend.
    window.localStorage.removeItem(SIGN_IN_STORAGE_KEY);

    render(App.createRoot());

    expect(
      await screen.findByText(
        'Select a sign-in method',
        {},
        { timeout: 20_000 },
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('heading', { name: 'Model Registry for Backstage' }),
    ).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Enter' })).toBeEnabled();
    for (const user of ['Alice Risk', 'Bob Search', 'Carol Platform']) {
      expect(
        screen.getByRole('button', { name: `Sign in as ${user}` }),
      ).toBeEnabled();
    }
  });
});
