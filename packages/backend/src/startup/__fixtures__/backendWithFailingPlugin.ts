/*
 * A backend entry for startBackendOrExit.test.ts: one plugin that cannot start, started
 * through the same wrapper as src/index.ts. FAILING_PLUGIN_REASON picks why it fails:
 * `init` (its init throws) or `database` (its database cannot be reached).
 */

import { createBackend } from '@backstage/backend-defaults';
import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { startBackendOrExit } from '../startBackendOrExit';

const failingPlugin = createBackendPlugin({
  pluginId: 'failing',
  register(env) {
    env.registerInit({
      deps: { database: coreServices.database },
      async init({ database }) {
        if (process.env.FAILING_PLUGIN_REASON === 'database') {
          const client = await database.getClient();
          await client.raw('select 1');
          return;
        }
        throw new Error('the failing plugin refused to start');
      },
    });
  },
});

const backend = createBackend();
backend.add(failingPlugin);
startBackendOrExit(backend);
