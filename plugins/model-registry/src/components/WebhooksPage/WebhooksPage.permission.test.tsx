import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { screen } from '@testing-library/react';
import {
  renderWithRegistry,
  setupRegistryServer,
} from '../../testing/renderWithRegistry';
import { WebhooksPage } from './WebhooksPage';

// A file of its own: usePermission caches a basic permission's decision for the whole
// test file, so a denied user cannot follow an allowed one in WebhooksPage.test.tsx.
setupRegistryServer();

describe('WebhooksPage without model-registry.webhook.manage', () => {
  it('says so and asks the registry nothing', async () => {
    // no webhook handler: a request would surface as an error on the page
    await renderWithRegistry(<WebhooksPage />, {
      permission: name =>
        name === 'model-registry.webhook.manage'
          ? AuthorizeResult.DENY
          : AuthorizeResult.ALLOW,
    });
    expect(
      await screen.findByText(
        'You may not manage webhooks',
        {},
        { timeout: 20_000 },
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/model-registry\.webhook\.manage permission/),
    ).toBeInTheDocument();
    expect(screen.queryByRole('button', { name: 'New webhook' })).toBeNull();
    expect(screen.queryByText(/Could not load/)).toBeNull();
  });
});
