/*
 * The registry's data as the API returns it; the shapes come from the OpenAPI document
 * (plugins/model-registry-backend/src/schema/openapi.yaml) through the generated models.
 */
import type {
  LineageRelation,
  ModelVersionStatus,
} from '../schema/openapi/generated/models';

export type {
  Alias as ModelAlias,
  Code as ModelVersionCode,
  HistoryEntry,
  LineageEdge,
  LineageEdgeInput,
  LineageGraph,
  LineageNode,
  LineageRelation,
  ModelListItem,
  ModelSummary,
  ModelVersion,
  ModelVersionPatch,
  ModelVersionStatus,
  GateCheck,
  GateResult,
  GateResultOverridden,
  PromotionDecision,
  PromotionDecisionDecisionEnum,
  PromotionDecisionResult,
  PromotionRequest,
  PromotionRequestInput,
  PromotionRequestPage,
  PromotionRequestStatus,
  NewModel,
  NewModelVersion,
  RegisteredModel,
  VersionCard as ModelVersionCard,
  AlertmanagerAlert,
  AlertmanagerAlertStatusEnum,
  AlertmanagerResultSkippedInner,
  AlertmanagerWebhook,
  MonitoringAlertStatusEnum,
  MonitoringThresholdOriginEnum,
  AlertmanagerResult,
  ModelMonitoring,
  MonitoringAlert,
  MonitoringObservation,
  MonitoringObservationInput,
  MonitoringReportResult,
  MonitoringSeries,
  MonitoringThreshold,
  MonitoringThresholdInput,
  VersionMonitoring,
  ListWebhooks200Response as WebhookSubscriptionList,
  NewWebhookSubscription,
  WebhookAttempt,
  WebhookDelivery,
  WebhookDeliveryPage,
  WebhookDeliveryStatus,
  WebhookFormat,
  WebhookSubscription,
  WebhookSubscriptionPatch,
} from '../schema/openapi/generated/models';

/** The version statuses. @public */
export const MODEL_VERSION_STATUSES: ModelVersionStatus[] = [
  'pending',
  'ready',
  'failed',
];

/** The lineage relation types. @public */
export const LINEAGE_RELATIONS: LineageRelation[] = [
  'trainedOn',
  'evaluatedOn',
  'fineTunedFrom',
  'builtFromCommit',
  'producedByRun',
  'servedBy',
];

/** Relations whose target is an input of the version (upstream); servedBy points downstream. @public */
export const UPSTREAM_LINEAGE_RELATIONS: ReadonlyArray<LineageRelation> = [
  'trainedOn',
  'evaluatedOn',
  'fineTunedFrom',
  'builtFromCommit',
  'producedByRun',
];

/** A page of results with an opaque cursor for the next one. @public */
export type Page<T> = {
  items: T[];
  nextCursor?: string;
  totalCount?: number;
};
