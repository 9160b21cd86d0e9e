import { LoggerService } from '@backstage/backend-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { SignalsService } from '@backstage/plugin-signals-node';
import { MonitoringAlert } from '@model-registry/plugin-model-registry-common';
import { modelSignalChannel } from '../service/promotionNotices';

/** The notifications topic of monitoring alerts. */
export const MONITORING_TOPIC = 'model-registry.monitoring';

/** Notices of monitoring alerts: best effort, a failure is logged. */
export type MonitoringNotices = {
  /** To the model's owner: an alert opened (one per alert, not per observation). */
  alertsChanged(
    change: { opened: MonitoringAlert[]; resolved: MonitoringAlert[] },
    owner: string | undefined,
  ): Promise<void>;
};

/** How an alert reads in a notification title. */
export function describeAlert(alert: MonitoringAlert) {
  let bound = 'firing';
  if (alert.max !== undefined && (alert.value ?? -Infinity) > alert.max) {
    bound = `above ${alert.max}`;
  } else if (alert.min !== undefined) {
    bound = `below ${alert.min}`;
  }
  const value = alert.value !== undefined ? ` ${alert.value}` : '';
  return `${alert.metric}${value} ${bound}`;
}

export function createMonitoringNotices(deps: {
  notifications?: NotificationService;
  signals?: SignalsService;
  logger: LoggerService;
}): MonitoringNotices {
  const { notifications, signals, logger } = deps;
  return {
    async alertsChanged({ opened, resolved }, owner) {
      try {
        for (const alert of opened) {
          if (!notifications || !owner) break;
          const { namespace, name } = parseEntityRef(alert.modelRef);
          await notifications.send({
            recipients: { type: 'entity', entityRef: owner },
            payload: {
              title: `${alert.modelRef} v${alert.version}: ${describeAlert(
                alert,
              )}`,
              description: `${alert.summary ?? 'Reported'}${
                alert.source ? ` by ${alert.source}` : ''
              }; the alert stays open until the metric is back within its threshold.`,
              link: `/catalog/${namespace}/mlmodel/${name}`,
              topic: MONITORING_TOPIC,
              severity: 'high',
              scope: `monitoring-alert:${alert.id}`,
            },
          });
        }
        const changed = [...opened, ...resolved];
        if (signals && changed.length) {
          await signals.publish({
            recipients: { type: 'broadcast' },
            channel: modelSignalChannel(changed[0].modelRef),
            message: {
              modelRef: changed[0].modelRef,
              type: 'monitoring',
            } as any,
          });
        }
      } catch (error) {
        logger.warn(
          'model registry: could not send a monitoring notice',
          error as Error,
        );
      }
    },
  };
}
