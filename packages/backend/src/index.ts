/*
 * The backend of the Model Registry for Backstage example portal.
 */

import { createBackend } from '@backstage/backend-defaults';
import { startBackendOrExit } from './startup/startBackendOrExit';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));
// events backend: the event bus the registry (model-registry.* topics, docs/events.md), the
// catalog and the scaffolder publish to; without it the events service logs "events backend
// not found" and keeps no events
backend.add(import('@backstage/plugin-events-backend'));
backend.add(import('@backstage/plugin-proxy-backend'));

// scaffolder plugin
backend.add(import('@backstage/plugin-scaffolder-backend'));
backend.add(import('@backstage/plugin-scaffolder-backend-module-github'));
backend.add(
  import('@backstage/plugin-scaffolder-backend-module-notifications'),
);
// model-registry:model:create, model-registry:version:register, model-registry:publish:local
backend.add(
  import('@model-registry/plugin-scaffolder-backend-module-model-registry'),
);

// techdocs plugin
backend.add(import('@backstage/plugin-techdocs-backend'));

// auth plugin
backend.add(import('@backstage/plugin-auth-backend'));
// See https://backstage.io/docs/backend-system/building-backends/migrating#the-auth-plugin
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));
// See https://backstage.io/docs/auth/guest/provider
// Development only: sign in as one of the example users (src/modules/exampleUserAuth.ts)
backend.add(import('./modules/exampleUserAuth'));

// catalog plugin
backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(
  import('@backstage/plugin-catalog-backend-module-scaffolder-entity-model'),
);

// See https://backstage.io/docs/features/software-catalog/configuration#subscribing-to-catalog-errors
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));

// model registry: the MLModel kind (validation, naming rule, relations) and the registry
backend.add(
  import('@model-registry/plugin-catalog-backend-module-model-registry'),
);
backend.add(import('@model-registry/plugin-model-registry-backend'));
// An example custom promotion gate (src/modules/fairnessGate.ts), on the stages of
// modelRegistry.exampleFairnessGate.stages (none in app-config.yaml)
backend.add(import('./modules/fairnessGate'));

// permission plugin
backend.add(import('@backstage/plugin-permission-backend'));
// The example policy: model owners register and stage, the platform group promotes to
// production (see src/modules/modelRegistryPolicy.ts)
backend.add(import('./modules/modelRegistryPolicy'));

// search plugin
backend.add(import('@backstage/plugin-search-backend'));

// search engine
// See https://backstage.io/docs/features/search/search-engines
backend.add(import('@backstage/plugin-search-backend-module-pg'));

// search collators
backend.add(import('@backstage/plugin-search-backend-module-catalog'));
backend.add(import('@backstage/plugin-search-backend-module-techdocs'));

// user settings plugin
backend.add(import('@backstage/plugin-user-settings-backend'));

// notifications and signals plugins
backend.add(import('@backstage/plugin-notifications-backend'));
backend.add(import('@backstage/plugin-signals-backend'));

// mcp actions plugin
backend.add(import('@backstage/plugin-mcp-actions-backend'));

// A failed start exits with code 1 so that an orchestrator restarts the process
// (docs/operations.md).
startBackendOrExit(backend);
