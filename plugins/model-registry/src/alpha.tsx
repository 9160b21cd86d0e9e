import {
  ApiBlueprint,
  AppRootElementBlueprint,
  createFrontendPlugin,
  createRouteRef,
  PageBlueprint,
} from '@backstage/frontend-plugin-api';
import { discoveryApiRef, fetchApiRef } from '@backstage/core-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import {
  createFormField,
  FormFieldBlueprint,
} from '@backstage/plugin-scaffolder-react/alpha';
import { ReactRouterV6PageRouter } from '@backstage/frontend-adapter-react-router-v6';
import ModelTrainingIcon from '@material-ui/icons/Memory';
import PromotionRequestsIcon from '@material-ui/icons/HowToVote';
import WebhooksIcon from '@material-ui/icons/Http';
import { modelRegistryApiRef } from './api';
import { PrefetchingModelRegistryClient } from './api/PrefetchingModelRegistryClient';
import { ModelPagePrefetch } from './components/ModelPagePrefetch';

const isModel = { kind: 'mlmodel' };

/** The route of the Models page in the new frontend system. @alpha */
export const modelsPageRouteRef = createRouteRef();

const api = ApiBlueprint.make({
  params: defineParams =>
    defineParams({
      api: modelRegistryApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef },
      factory: ({ discoveryApi, fetchApi }) =>
        new PrefetchingModelRegistryClient({ discoveryApi, fetchApi }),
    }),
});

/**
 * Starts a model overview's registry requests from the URL, in parallel with the catalog's
 * entity request (see ModelPagePrefetch).
 */
const modelPagePrefetch = AppRootElementBlueprint.make({
  name: 'model-page-prefetch',
  params: { element: <ModelPagePrefetch /> },
});

const modelsPage = PageBlueprint.make({
  params: {
    path: '/models',
    title: 'Models',
    icon: <ModelTrainingIcon />,
    routeRef: modelsPageRouteRef,
    loader: () =>
      import('./components/ModelsPage').then(m => (
        <ReactRouterV6PageRouter>
          <m.ModelsPage />
        </ReactRouterV6PageRouter>
      )),
  },
});

/** The route of the Promotion requests page in the new frontend system. @alpha */
export const promotionRequestsRouteRef = createRouteRef();

const promotionRequestsPage = PageBlueprint.make({
  name: 'promotion-requests',
  params: {
    path: '/model-registry/promotion-requests',
    title: 'Promotion requests',
    icon: <PromotionRequestsIcon />,
    routeRef: promotionRequestsRouteRef,
    loader: () =>
      import('./components/PromotionRequests').then(m => (
        <ReactRouterV6PageRouter>
          <m.PromotionRequestsPage />
        </ReactRouterV6PageRouter>
      )),
  },
});

/** The route of the Webhooks admin page in the new frontend system. @alpha */
export const webhooksRouteRef = createRouteRef();

const webhooksPage = PageBlueprint.make({
  name: 'webhooks',
  params: {
    path: '/model-registry/webhooks',
    title: 'Webhooks',
    icon: <WebhooksIcon />,
    routeRef: webhooksRouteRef,
    loader: () =>
      import('./components/WebhooksPage').then(m => (
        <ReactRouterV6PageRouter>
          <m.WebhooksPage />
        </ReactRouterV6PageRouter>
      )),
  },
});

const modelCard = EntityCardBlueprint.make({
  name: 'model-card',
  params: {
    filter: isModel,
    loader: () => import('./components/ModelCard').then(m => <m.ModelCard />),
  },
});

const versionsContent = EntityContentBlueprint.make({
  name: 'versions',
  params: {
    path: 'versions',
    title: 'Versions',
    filter: isModel,
    loader: () =>
      import('./components/VersionsTab').then(m => (
        <ReactRouterV6PageRouter>
          <m.VersionsTab />
        </ReactRouterV6PageRouter>
      )),
  },
});

const lineageContent = EntityContentBlueprint.make({
  name: 'lineage',
  params: {
    path: 'lineage',
    title: 'Lineage',
    filter: isModel,
    loader: () =>
      import('./components/LineageContent').then(m => (
        <ReactRouterV6PageRouter>
          <m.LineageContent />
        </ReactRouterV6PageRouter>
      )),
  },
});

const metricsContent = EntityContentBlueprint.make({
  name: 'metrics',
  params: {
    path: 'metrics',
    title: 'Metrics',
    filter: isModel,
    loader: () =>
      import('./components/MetricsContent').then(m => (
        <ReactRouterV6PageRouter>
          <m.MetricsContent />
        </ReactRouterV6PageRouter>
      )),
  },
});

const historyContent = EntityContentBlueprint.make({
  name: 'history',
  params: {
    path: 'history',
    title: 'History',
    filter: isModel,
    loader: () =>
      import('./components/HistoryContent').then(m => (
        <ReactRouterV6PageRouter>
          <m.HistoryContent />
        </ReactRouterV6PageRouter>
      )),
  },
});

const componentModelsCard = EntityCardBlueprint.make({
  name: 'component-models',
  params: {
    filter: { kind: 'component' },
    loader: () =>
      import('./components/ComponentModelsCard').then(m => (
        <m.ComponentModelsCard />
      )),
  },
});

/**
 * The model registry frontend plugin for the new frontend system: the model card,
 * versions, lineage, metrics and history on MLModel pages, an "ML models" card on
 * Component pages, the Models page, the Promotion requests page and the Webhooks page.
 * @alpha
 */
/** The "New ML model" template's name field: checks the naming rule as you type. */
const modelNamePicker = FormFieldBlueprint.make({
  name: 'model-name-picker',
  params: {
    field: () =>
      import('./components/ModelNamePicker').then(m =>
        createFormField({
          name: 'ModelNamePicker',
          component: m.ModelNamePicker,
          validation: m.validateModelName,
        }),
      ),
  },
});

export default createFrontendPlugin({
  pluginId: 'model-registry',
  info: { packageJson: () => import('../package.json') },
  extensions: [
    api,
    modelPagePrefetch,
    modelsPage,
    promotionRequestsPage,
    webhooksPage,
    modelCard,
    versionsContent,
    lineageContent,
    metricsContent,
    historyContent,
    componentModelsCard,
    modelNamePicker,
  ],
  routes: {
    models: modelsPageRouteRef,
    promotionRequests: promotionRequestsRouteRef,
    webhooks: webhooksRouteRef,
  },
});
