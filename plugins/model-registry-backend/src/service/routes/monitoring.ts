import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import {
  AlertmanagerResult,
  modelMonitoringConfigurePermission,
  modelMonitoringReportPermission,
  MonitoringObservationInput,
} from '@model-registry/plugin-model-registry-common';
import { effectiveThresholds } from '../../monitoring/thresholds';
import { actorOf } from '../actor';
import { ownerOf } from '../promotionNotices';
import { RegistryRouter, RouteContext } from '../RouteContext';

/** Series points a GET answers per metric by default (at most 100 through `limit`). */
const DEFAULT_POINTS = 50;
const VERSION_NUMBER = /^(0|[1-9][0-9]*)$/;

/** A date-time field: ISO 8601 with a time zone. */
function checkTime(value: string | undefined, field: string) {
  if (value === undefined) return undefined;
  const ms = Date.parse(value);
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value) || Number.isNaN(ms)) {
    throw new InputError(`${field}: "${value}" is not an ISO 8601 date-time`);
  }
  return ms;
}

function checkObservations(observations: MonitoringObservationInput[]) {
  observations.forEach((o, i) => {
    const at = `observations[${i}]`;
    if (!Number.isFinite(o.value)) {
      throw new InputError(`${at}.value: must be a finite number`);
    }
    const start = checkTime(o.windowStart, `${at}.windowStart`);
    const end = checkTime(o.windowEnd, `${at}.windowEnd`);
    if (start !== undefined && end !== undefined && start > end) {
      throw new InputError(`${at}.windowEnd: is before windowStart`);
    }
  });
}

/**
 * Monitoring hooks (docs/events.md, Monitoring): observations per version, thresholds per
 * model, alerts, and Prometheus Alertmanager's webhook.
 */
export function addMonitoringRoutes(router: RegistryRouter, ctx: RouteContext) {
  const { store, access, frame } = ctx;

  /** The thresholds in force, from the API and the entity the read check fetched. */
  async function thresholdsOf(modelRef: string, entity: Entity) {
    return effectiveThresholds(
      await store.monitoring.apiThresholds(modelRef),
      entity,
    );
  }

  async function modelMonitoring(modelRef: string, entity: Entity) {
    return {
      modelRef,
      thresholds: await thresholdsOf(modelRef, entity),
      openAlerts: await store.monitoring.alerts(modelRef, { status: 'open' }),
    };
  }

  async function notify(
    modelRef: string,
    change: Parameters<
      NonNullable<RouteContext['monitoringNotices']>['alertsChanged']
    >[0],
  ) {
    if (!ctx.monitoringNotices) return;
    if (change.opened.length === 0 && change.resolved.length === 0) return;
    await ctx.monitoringNotices.alertsChanged(
      change,
      change.opened.length ? await ownerOf(ctx, modelRef) : undefined,
    );
  }

  router.post(
    '/models/:namespace/:name/versions/:version/monitoring',
    async (req, res) => {
      const version = Number(req.params.version);
      const { observations } = req.body;
      const result = await frame.mutateModel(
        req,
        'monitoring.report',
        { version, observations: observations?.length },
        async ({ modelRef, credentials, entity }) => {
          await access.authorize(
            modelMonitoringReportPermission,
            modelRef,
            credentials,
          );
          checkObservations(observations);
          const thresholds = await thresholdsOf(modelRef, entity);
          return {
            modelRef,
            changes: await store.monitoring.report(
              modelRef,
              version,
              observations,
              thresholds,
              actorOf(credentials),
            ),
          };
        },
      );
      await notify(result.modelRef, result.changes);
      res.status(201).json(result.changes);
    },
  );

  router.get(
    '/models/:namespace/:name/versions/:version/monitoring',
    async (req, res) => {
      const { modelRef, entity } = await frame.readableModel(req);
      const version = Number(req.params.version);
      if (!(await store.getVersion(modelRef, version))) {
        throw new NotFoundError(
          `version ${version} of ${modelRef} does not exist`,
        );
      }
      const thresholds = await thresholdsOf(modelRef, entity);
      const series = await store.monitoring.series(modelRef, version, {
        metric: req.query.metric,
        limit:
          req.query.limit === undefined
            ? DEFAULT_POINTS
            : Number(req.query.limit),
      });
      res.json({
        modelRef,
        version,
        series: series.map(s => {
          const threshold = thresholds.find(t => t.metric === s.metric);
          return threshold ? { ...s, threshold } : s;
        }),
        alerts: await store.monitoring.alerts(modelRef, { version, limit: 20 }),
      });
    },
  );

  router.get('/models/:namespace/:name/monitoring', async (req, res) => {
    const { modelRef, entity } = await frame.readableModel(req);
    res.json(await modelMonitoring(modelRef, entity));
  });

  router.put(
    '/models/:namespace/:name/monitoring/thresholds',
    async (req, res) => {
      const { thresholds } = req.body;
      const result = await frame.mutateModel(
        req,
        'monitoring.thresholds',
        { thresholds },
        async ({ modelRef, credentials, entity }) => {
          await access.authorize(
            modelMonitoringConfigurePermission,
            modelRef,
            credentials,
          );
          const seen = new Set<string>();
          thresholds.forEach((t, i) => {
            if (t.min === undefined && t.max === undefined) {
              throw new InputError(`thresholds[${i}]: needs min, max or both`);
            }
            if (t.min !== undefined && t.max !== undefined && t.min > t.max) {
              throw new InputError(`thresholds[${i}].min: is above max`);
            }
            if (seen.has(t.metric)) {
              throw new InputError(
                `thresholds[${i}].metric: ${t.metric} is named twice`,
              );
            }
            seen.add(t.metric);
          });
          await store.monitoring.setThresholds(
            modelRef,
            thresholds,
            actorOf(credentials),
          );
          return modelMonitoring(modelRef, entity);
        },
      );
      res.json(result);
    },
  );

  /** The model ref of an Alertmanager `model` label: `x`, `ns/x` or a full ref. */
  function modelOfLabel(label: string) {
    const ref = parseEntityRef(label, { defaultKind: 'mlmodel' });
    if (ref.kind.toLocaleLowerCase('en-US') !== 'mlmodel') {
      throw new Error(`label model names a ${ref.kind}, not an MLModel`);
    }
    return stringifyEntityRef(ref).toLocaleLowerCase('en-US');
  }

  /** The version of an Alertmanager `version` label: a number, an alias or a stage. */
  async function versionOfLabel(modelRef: string, label: string | undefined) {
    const wanted = label ?? 'production';
    if (VERSION_NUMBER.test(wanted)) return Number(wanted);
    const aliased = await store.getVersionByAlias(modelRef, wanted);
    if (aliased) return aliased.version;
    return store.monitoring.versionInStage(modelRef, wanted);
  }

  router.post('/monitoring/alertmanager', async (req, res) => {
    const { alerts } = req.body;
    const result = await frame.audited(
      req,
      'monitoring.alertmanager',
      { alerts: alerts.length },
      async () => {
        const credentials = await ctx.httpAuth.credentials(req);
        const answer: AlertmanagerResult = { accepted: 0, skipped: [] };
        for (const [index, alert] of alerts.entries()) {
          const skip = (reason: string) =>
            answer.skipped.push({
              index,
              ...(alert.fingerprint ? { fingerprint: alert.fingerprint } : {}),
              reason,
            });
          const labels = alert.labels ?? {};
          const metric = labels.metric ?? labels.alertname;
          if (!labels.model) {
            skip('no model label');
            continue;
          }
          if (!metric || !/^[A-Za-z0-9_.:-]{1,128}$/.test(metric)) {
            skip('no alertname (or metric) label usable as a metric name');
            continue;
          }
          let modelRef: string;
          try {
            modelRef = modelOfLabel(labels.model);
            await access.requireReadable(modelRef, credentials);
            await access.authorize(
              modelMonitoringReportPermission,
              modelRef,
              credentials,
            );
          } catch (error) {
            skip((error as Error).message);
            continue;
          }
          const version = await versionOfLabel(modelRef, labels.version);
          if (
            version === undefined ||
            !(await store.getVersion(modelRef, version))
          ) {
            skip(
              `${modelRef} has no version ${labels.version ?? 'in production'}`,
            );
            continue;
          }
          const value = Number(alert.annotations?.value);
          const at = Date.parse(
            (alert.status === 'resolved' ? alert.endsAt : alert.startsAt) ?? '',
          );
          const changes = await store.monitoring.reportExternal(
            modelRef,
            version,
            {
              metric,
              firing: alert.status !== 'resolved',
              ...(alert.annotations?.value !== undefined &&
              Number.isFinite(value)
                ? { value }
                : {}),
              summary:
                alert.annotations?.summary ?? alert.annotations?.description,
              source: 'alertmanager',
              at: Number.isNaN(at) ? new Date() : new Date(at),
            },
            actorOf(credentials),
          );
          answer.accepted += 1;
          await notify(modelRef, changes);
        }
        return answer;
      },
    );
    res.json(result);
  });
}
