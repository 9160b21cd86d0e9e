import { createExtensionTester } from '@backstage/frontend-test-utils';
import { EntityCardBlueprint } from '@backstage/plugin-catalog-react/alpha';
import techdocsPlugin from '@backstage/plugin-techdocs/alpha';
import modelRegistryPlugin from '@model-registry/plugin-model-registry/alpha';
// The example app's own config, as the app reads it (jest turns YAML into JSON).
// eslint-disable-next-line @backstage/no-relative-monorepo-imports -- the repo's config, not a package
import appConfigYaml from '../../../app-config.yaml';

type ExtensionEntry = string | Record<string, { config?: any } | boolean>;
const appConfig = appConfigYaml as unknown as {
  app: { extensions: ExtensionEntry[] };
};

/** The config app-config.yaml gives an extension, and its place in `app.extensions`. */
function extensionConfig(id: string) {
  const index = appConfig.app.extensions.findIndex(
    entry => typeof entry === 'object' && id in entry,
  );
  const entry = appConfig.app.extensions[index] as Record<
    string,
    { config?: any }
  >;
  return { index, config: entry?.[id]?.config };
}

function model(annotations: Record<string, string> = {}) {
  return {
    apiVersion: 'model-registry.dev/v1alpha1',
    kind: 'MLModel',
    metadata: { name: 'fraud-detector', namespace: 'default', annotations },
    spec: { type: 'classification', lifecycle: 'production', owner: 'risk' },
  };
}

describe('the example app entity pages (app-config.yaml)', () => {
  it('shows the TechDocs tab only on entities with backstage.io/techdocs-ref', () => {
    const { index, config } = extensionConfig('entity-content:techdocs');
    expect(index).toBeGreaterThanOrEqual(0);
    // A predicate object, not a string filter (string filters log a deprecation warning).
    expect(typeof config.filter).toBe('object');
    const tester = createExtensionTester(
      techdocsPlugin.getExtension('entity-content:techdocs'),
      { config },
    );
    const shows = tester.get(EntityCardBlueprint.dataRefs.filterFunction)!;
    expect(shows).toBeDefined();
    expect(shows(model())).toBe(false);
    expect(shows(model({ 'backstage.io/source-location': 'url:x' }))).toBe(
      false,
    );
    expect(shows(model({ 'backstage.io/techdocs-ref': 'dir:.' }))).toBe(true);
  });

  it('puts the ML models card of a service first among the Overview cards', () => {
    const id = 'entity-card:model-registry/component-models';
    const { index, config } = extensionConfig(id);
    // Extensions named in app.extensions are ordered before all others at their
    // attachment point, so the card comes before the catalog's content cards
    // (Relations, depends-on, has-subcomponents…).
    expect(index).toBeGreaterThanOrEqual(0);
    const tester = createExtensionTester(modelRegistryPlugin.getExtension(id), {
      config,
    });
    // The main column ('content'), beside the About card ('info'); not the removed 'summary'.
    expect(tester.get(EntityCardBlueprint.dataRefs.type)).toBe('content');
    const isComponent = tester.get(
      EntityCardBlueprint.dataRefs.filterFunction,
    )!;
    expect(
      isComponent({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: { name: 'payments-api' },
        spec: {},
      }),
    ).toBe(true);
    expect(isComponent(model())).toBe(false);
  });
});
