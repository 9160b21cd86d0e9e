import {
  createPermission,
  Permission,
} from '@backstage/plugin-permission-common';
import { RESOURCE_TYPE_CATALOG_ENTITY } from '@backstage/plugin-catalog-common/alpha';

/*
 * Every mutation of a model's registry data is a catalog-entity resource permission whose
 * resource ref is the model's entity ref, so that policies can use the catalog's own rules
 * (for example is-entity-owner) on the MLModel entity.
 */

/** Register a new version of a model. @public */
export const modelVersionRegisterPermission = createPermission({
  name: 'model-registry.version.register',
  attributes: { action: 'create' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/** Update a version's description, tags, metrics, card, status or links. @public */
export const modelVersionUpdatePermission = createPermission({
  name: 'model-registry.version.update',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/** Move a version into a stage that is not protected (by default: none, staging, archived). @public */
export const modelVersionStagePermission = createPermission({
  name: 'model-registry.version.stage',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/*
 * The governance permissions below carry no `action` attribute: a policy branch written for
 * ordinary catalog-entity updates (`permission.attributes.action === 'update'`) does not
 * grant them by accident. They are still catalog-entity resource permissions on the
 * model's ref, so a policy can answer them with the catalog's rules (is-entity-owner).
 */

/**
 * Move a version into a protected stage (by default: production) directly; where the stage
 * needs approvals, only as a break-glass promotion (docs/governance.md). @public
 */
export const modelVersionPromoteProductionPermission = createPermission({
  name: 'model-registry.version.promote-production',
  attributes: {},
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/** Request the promotion of a version into a stage that needs approvals. @public */
export const modelPromotionRequestPermission = createPermission({
  name: 'model-registry.promotion.request',
  attributes: {},
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/** Approve or reject another user's promotion request. @public */
export const modelPromotionApprovePermission = createPermission({
  name: 'model-registry.promotion.approve',
  attributes: {},
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/** Pass a failing promotion gate, giving a reason (recorded with the gate's result). @public */
export const modelGateOverridePermission = createPermission({
  name: 'model-registry.gate.override',
  attributes: {},
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Set, move or remove a protected alias (`modelRegistry.aliases.protected`), which
 * model-registry.alias.manage does not cover. @public
 */
export const modelProtectedAliasPermission = createPermission({
  name: 'model-registry.alias.protected',
  attributes: {},
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/** Set, move or remove an alias of a model. @public */
export const modelAliasManagePermission = createPermission({
  name: 'model-registry.alias.manage',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/** Delete a version (its number stays reserved and its history kept). @public */
export const modelVersionDeletePermission = createPermission({
  name: 'model-registry.version.delete',
  attributes: { action: 'delete' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/** Register a new model through the API (it has no catalog entity yet). @public */
export const modelCreatePermission = createPermission({
  name: 'model-registry.model.create',
  attributes: { action: 'create' },
});

/** Delete a model that was registered through the API. @public */
export const modelDeletePermission = createPermission({
  name: 'model-registry.model.delete',
  attributes: { action: 'delete' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Create, change, delete and read webhook subscriptions and their delivery logs, and
 * redeliver. A basic permission: subscriptions are the portal's, not one model's. @public
 */
export const modelWebhookManagePermission = createPermission({
  name: 'model-registry.webhook.manage',
  attributes: {},
});

/**
 * Report monitoring observations (and alerts from Alertmanager) against a model's
 * versions. @public
 */
export const modelMonitoringReportPermission = createPermission({
  name: 'model-registry.monitoring.report',
  attributes: {},
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/** Set a model's monitoring thresholds. @public */
export const modelMonitoringConfigurePermission = createPermission({
  name: 'model-registry.monitoring.configure',
  attributes: {},
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/** Every permission of the model registry. @public */
export const modelRegistryPermissions: Permission[] = [
  modelVersionRegisterPermission,
  modelVersionUpdatePermission,
  modelVersionStagePermission,
  modelVersionPromoteProductionPermission,
  modelPromotionRequestPermission,
  modelPromotionApprovePermission,
  modelGateOverridePermission,
  modelProtectedAliasPermission,
  modelAliasManagePermission,
  modelVersionDeletePermission,
  modelCreatePermission,
  modelDeletePermission,
  modelWebhookManagePermission,
  modelMonitoringReportPermission,
  modelMonitoringConfigurePermission,
];
