export * from './ModelRegistryClient';
