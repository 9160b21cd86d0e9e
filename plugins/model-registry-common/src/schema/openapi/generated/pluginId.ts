export const pluginId = 'model-registry';
