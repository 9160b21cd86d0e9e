export * from './ModelRegistryClient';
export * from './ModelRegistryMonitoringClient';
export * from './ModelRegistryWebhooksClient';
export type {
  ModelRefLike,
  ModelRegistryClientOptions,
  ModelRegistryRequestOptions,
} from './requests';
