import {
  modelGateOverridePermission,
  modelPromotionApprovePermission,
  modelPromotionRequestPermission,
  modelProtectedAliasPermission,
  modelRegistryPermissions,
  modelVersionPromoteProductionPermission,
  modelVersionStagePermission,
} from './permissions';

describe('permissions', () => {
  it('gives the governance permissions no action a generic catalog-update branch would match', () => {
    // a policy branch written for ordinary catalog-entity updates
    const grantsUpdates = (p: { attributes: { action?: string } }) =>
      p.attributes.action === 'update';
    expect(grantsUpdates(modelVersionStagePermission)).toBe(true);
    for (const governed of [
      modelVersionPromoteProductionPermission,
      modelPromotionRequestPermission,
      modelPromotionApprovePermission,
      modelGateOverridePermission,
      modelProtectedAliasPermission,
    ]) {
      expect([governed.name, grantsUpdates(governed)]).toEqual([
        governed.name,
        false,
      ]);
      expect(governed.resourceType).toBe('catalog-entity');
    }
  });

  it('lists every permission once', () => {
    const names = modelRegistryPermissions.map(p => p.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(
      expect.arrayContaining([
        'model-registry.promotion.request',
        'model-registry.promotion.approve',
        'model-registry.gate.override',
      ]),
    );
  });
});
