export { ModelPagePrefetch, modelOfOverviewPath } from './ModelPagePrefetch';
