import { DefaultApiClient } from '../schema/openapi/generated/apis';
import type {
  AlertmanagerWebhook,
  MonitoringObservationInput,
  MonitoringThresholdInput,
} from '../schema/openapi/generated/models';
import {
  ModelRefLike,
  ModelRegistryClientOptions,
  ModelRegistryRequestOptions,
  modelPath,
  unwrap,
} from './requests';

/**
 * Production monitoring of model versions: observations, thresholds and the alerts they
 * open. `ModelRegistryClient#monitoring` is one.
 * @public
 */
export class ModelRegistryMonitoringClient {
  private readonly api: DefaultApiClient;

  constructor(options: ModelRegistryClientOptions) {
    this.api = new DefaultApiClient(options);
  }

  /** Reports observations of a version; the answer names the alerts they opened or resolved. */
  report(
    model: ModelRefLike,
    version: number,
    observations: MonitoringObservationInput[],
    options?: ModelRegistryRequestOptions,
  ) {
    return unwrap(
      this.api.reportMonitoring(
        { path: { ...modelPath(model), version }, body: { observations } },
        options,
      ),
    );
  }

  /** A version's series per metric (points oldest first, with the threshold) and its alerts. */
  getVersion(
    model: ModelRefLike,
    version: number,
    query: { metric?: string; limit?: number } = {},
    options?: ModelRegistryRequestOptions,
  ) {
    return unwrap(
      this.api.getVersionMonitoring(
        { path: { ...modelPath(model), version }, query },
        options,
      ),
    );
  }

  /** A model's thresholds and its open alerts across versions. */
  getModel(model: ModelRefLike, options?: ModelRegistryRequestOptions) {
    return unwrap(
      this.api.getModelMonitoring({ path: modelPath(model) }, options),
    );
  }

  /** Replaces the thresholds set through the API (annotation thresholds stay). */
  setThresholds(
    model: ModelRefLike,
    thresholds: MonitoringThresholdInput[],
    options?: ModelRegistryRequestOptions,
  ) {
    return unwrap(
      this.api.setMonitoringThresholds(
        { path: modelPath(model), body: { thresholds } },
        options,
      ),
    );
  }

  /** Forwards an Alertmanager webhook notification (alerts labelled with a model). */
  receiveAlertmanager(
    notification: AlertmanagerWebhook,
    options?: ModelRegistryRequestOptions,
  ) {
    return unwrap(
      this.api.receiveAlertmanagerWebhook({ body: notification }, options),
    );
  }
}
