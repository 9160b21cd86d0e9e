import { NotFoundError } from '@backstage/errors';
import {
  MonitoringAlert,
  MonitoringObservation,
  MonitoringObservationInput,
  MonitoringSeries,
  MonitoringThreshold,
} from '@model-registry/plugin-model-registry-common';
import { Knex } from 'knex';
import { appendEvent } from './eventOutbox';
import { lockModel } from './models';
import { DbTime, toIso } from './rows';

type ObservationRow = {
  id: number | string;
  metric: string;
  value: number | string;
  window_start: DbTime | null;
  window_end: DbTime | null;
  source: string | null;
  observed_at: DbTime;
  reported_by: string;
};

type AlertRow = {
  id: number | string;
  model_ref: string;
  version: number;
  metric: string;
  status: 'open' | 'resolved';
  value: number | string | null;
  last_value: number | string | null;
  last_observed_at: DbTime;
  min: number | string | null;
  max: number | string | null;
  source: string | null;
  summary: string | null;
  opened_at: DbTime;
  resolved_at: DbTime | null;
};

type ThresholdRow = {
  metric: string;
  min: number | string | null;
  max: number | string | null;
};

const num = (value: number | string | null) =>
  value === null ? undefined : Number(value);

function toObservation(row: ObservationRow): MonitoringObservation {
  return {
    metric: row.metric,
    value: Number(row.value),
    ...(row.window_start ? { windowStart: toIso(row.window_start) } : {}),
    ...(row.window_end ? { windowEnd: toIso(row.window_end) } : {}),
    ...(row.source ? { source: row.source } : {}),
    observedAt: toIso(row.observed_at),
    reportedBy: row.reported_by,
  };
}

function toAlert(row: AlertRow): MonitoringAlert {
  const optional = {
    value: num(row.value),
    lastValue: num(row.last_value),
    min: num(row.min),
    max: num(row.max),
  };
  return {
    id: Number(row.id),
    modelRef: row.model_ref,
    version: Number(row.version),
    metric: row.metric,
    status: row.status,
    ...Object.fromEntries(
      Object.entries(optional).filter(([, v]) => v !== undefined),
    ),
    lastObservedAt: toIso(row.last_observed_at),
    ...(row.source ? { source: row.source } : {}),
    ...(row.summary ? { summary: row.summary } : {}),
    openedAt: toIso(row.opened_at),
    ...(row.resolved_at ? { resolvedAt: toIso(row.resolved_at) } : {}),
  };
}

/** Whether a value breaches a threshold. */
export function breaches(
  threshold: Pick<MonitoringThreshold, 'min' | 'max'>,
  value: number,
) {
  return (
    (threshold.max !== undefined && value > threshold.max) ||
    (threshold.min !== undefined && value < threshold.min)
  );
}

/** What one report changed: stored observations, alerts opened and resolved. */
export type MonitoringChanges = {
  accepted: number;
  opened: MonitoringAlert[];
  resolved: MonitoringAlert[];
};

/** A breach or recovery as a monitoring tool (Alertmanager) reports it, without a value. */
export type ExternalAlert = {
  metric: string;
  firing: boolean;
  value?: number;
  summary?: string;
  source: string;
  at: Date;
};

/**
 * Monitoring observations, thresholds and alerts (docs/events.md, Monitoring). Changes to
 * one model's alerts run under the model's row lock, so replicas reporting at once open
 * one alert; opening and resolving write the event (monitoring.alert, monitoring.resolve)
 * to the outbox in the same transaction.
 */
export class MonitoringStore {
  constructor(
    private readonly db: Knex,
    /** Observations kept per version and metric; older ones are removed. */
    private readonly maxPerSeries = 1000,
  ) {}

  private async requireVersion(trx: Knex, modelRef: string, version: number) {
    const row = await trx('model_versions')
      .where({ model_ref: modelRef, version })
      .whereNull('deleted_at')
      .first('id');
    if (!row) {
      throw new NotFoundError(
        `version ${version} of ${modelRef} does not exist`,
      );
    }
  }

  /** The number of the newest live version in a stage, or undefined. */
  async versionInStage(modelRef: string, stage: string) {
    const row = await this.db('model_versions')
      .where({ model_ref: modelRef, stage })
      .whereNull('deleted_at')
      .orderBy('version', 'desc')
      .first('version');
    return row ? Number(row.version) : undefined;
  }

  /**
   * Stores the observations (trimming each series to its bound) and applies the
   * thresholds in order: a breach opens the metric's alert unless one is open (then it is
   * updated), a value within the threshold resolves an open one.
   */
  async report(
    modelRef: string,
    version: number,
    observations: MonitoringObservationInput[],
    thresholds: MonitoringThreshold[],
    actor: string,
    now = new Date(),
  ): Promise<MonitoringChanges> {
    const changes: MonitoringChanges = {
      accepted: 0,
      opened: [],
      resolved: [],
    };
    await this.db.transaction(async trx => {
      await lockModel(trx, modelRef);
      await this.requireVersion(trx, modelRef, version);
      await trx('registry_monitoring_observations').insert(
        observations.map(o => ({
          model_ref: modelRef,
          version,
          metric: o.metric,
          value: o.value,
          window_start: o.windowStart ? new Date(o.windowStart) : null,
          window_end: o.windowEnd ? new Date(o.windowEnd) : null,
          source: o.source ?? null,
          observed_at: now,
          reported_by: actor,
        })),
      );
      changes.accepted = observations.length;
      const metrics = [...new Set(observations.map(o => o.metric))];
      for (const metric of metrics)
        await this.trim(trx, modelRef, version, metric);
      const byMetric = new Map(thresholds.map(t => [t.metric, t]));
      for (const o of observations) {
        const threshold = byMetric.get(o.metric);
        if (!threshold) continue;
        const at = o.windowEnd ? new Date(o.windowEnd) : now;
        const change = await this.apply(trx, modelRef, version, actor, {
          metric: o.metric,
          firing: breaches(threshold, o.value),
          value: o.value,
          source: o.source ?? 'api',
          at,
          threshold,
        });
        if (change?.opened) changes.opened.push(change.opened);
        if (change?.resolved) changes.resolved.push(change.resolved);
      }
      // the opened alerts as the whole report left them (later observations update them)
      if (changes.opened.length) {
        const rows: AlertRow[] = await trx(
          'registry_monitoring_alerts',
        ).whereIn(
          'id',
          changes.opened.map(a => a.id),
        );
        changes.opened = changes.opened.map(a =>
          toAlert(rows.find(r => Number(r.id) === a.id)!),
        );
      }
    });
    // an alert opened and resolved by the same report counts once, as resolved
    changes.opened = changes.opened.filter(
      a => !changes.resolved.some(r => r.id === a.id),
    );
    return changes;
  }

  /** Applies a breach or recovery reported without observations (Alertmanager). */
  async reportExternal(
    modelRef: string,
    version: number,
    alert: ExternalAlert,
    actor: string,
  ): Promise<MonitoringChanges> {
    return this.db.transaction(async trx => {
      await lockModel(trx, modelRef);
      await this.requireVersion(trx, modelRef, version);
      const change = await this.apply(trx, modelRef, version, actor, alert);
      return {
        accepted: 1,
        opened: change?.opened ? [change.opened] : [],
        resolved: change?.resolved ? [change.resolved] : [],
      };
    });
  }

  private async trim(
    trx: Knex,
    modelRef: string,
    version: number,
    metric: string,
  ) {
    const cutoff = await trx('registry_monitoring_observations')
      .where({ model_ref: modelRef, version, metric })
      .orderBy('id', 'desc')
      .offset(this.maxPerSeries)
      .first('id');
    if (!cutoff) return;
    await trx('registry_monitoring_observations')
      .where({ model_ref: modelRef, version, metric })
      .andWhere('id', '<=', cutoff.id)
      .delete();
  }

  private async apply(
    trx: Knex,
    modelRef: string,
    version: number,
    actor: string,
    alert: ExternalAlert & {
      threshold?: Pick<MonitoringThreshold, 'min' | 'max'>;
    },
  ): Promise<
    { opened?: MonitoringAlert; resolved?: MonitoringAlert } | undefined
  > {
    const openAlert = () =>
      trx<AlertRow>('registry_monitoring_alerts')
        .where({
          model_ref: modelRef,
          version,
          metric: alert.metric,
          status: 'open',
        })
        .first();
    const open = await openAlert();
    const value = alert.value ?? null;
    if (alert.firing && open) {
      await trx('registry_monitoring_alerts')
        .where({ id: open.id })
        .update({
          last_value: value ?? open.last_value,
          last_observed_at: alert.at,
          ...(alert.summary ? { summary: alert.summary } : {}),
        });
      return undefined;
    }
    if (alert.firing) {
      await trx('registry_monitoring_alerts').insert({
        model_ref: modelRef,
        version,
        metric: alert.metric,
        status: 'open',
        value,
        last_value: value,
        last_observed_at: alert.at,
        min: alert.threshold?.min ?? null,
        max: alert.threshold?.max ?? null,
        source: alert.source,
        summary: alert.summary ?? null,
        opened_at: alert.at,
      });
      const opened = toAlert((await openAlert())!);
      await appendEvent(trx, {
        modelRef,
        version,
        action: 'monitoring.alert',
        context: { actor },
        after: opened,
        at: alert.at,
      });
      return { opened };
    }
    if (!open) return undefined;
    await trx('registry_monitoring_alerts')
      .where({ id: open.id })
      .update({
        status: 'resolved',
        resolved_at: alert.at,
        last_value: value ?? open.last_value,
        last_observed_at: alert.at,
      });
    const resolved = toAlert(
      (await trx<AlertRow>('registry_monitoring_alerts')
        .where({ id: open.id })
        .first())!,
    );
    await appendEvent(trx, {
      modelRef,
      version,
      action: 'monitoring.resolve',
      context: { actor },
      before: toAlert(open),
      after: resolved,
      at: alert.at,
    });
    return { resolved };
  }

  /** A version's series: the latest `limit` observations per metric, oldest first. */
  async series(
    modelRef: string,
    version: number,
    options: { metric?: string; limit: number },
  ): Promise<Array<Omit<MonitoringSeries, 'threshold'>>> {
    const metricsQuery = this.db('registry_monitoring_observations')
      .where({ model_ref: modelRef, version })
      .distinct('metric')
      .orderBy('metric');
    if (options.metric) metricsQuery.where({ metric: options.metric });
    const metrics: string[] = (await metricsQuery).map((r: any) => r.metric);
    const result = [];
    for (const metric of metrics) {
      const rows: ObservationRow[] = await this.db(
        'registry_monitoring_observations',
      )
        .where({ model_ref: modelRef, version, metric })
        .orderBy('id', 'desc')
        .limit(options.limit);
      result.push({ metric, points: rows.reverse().map(toObservation) });
    }
    return result;
  }

  /** Alerts of a model (or one version): open first, then the latest resolved ones. */
  async alerts(
    modelRef: string,
    options: { version?: number; status?: 'open'; limit?: number } = {},
  ): Promise<MonitoringAlert[]> {
    const query = this.db<AlertRow>('registry_monitoring_alerts').where({
      model_ref: modelRef,
    });
    if (options.version !== undefined)
      query.where({ version: options.version });
    if (options.status) query.where({ status: options.status });
    const rows = await query
      .orderByRaw("CASE WHEN status = 'open' THEN 0 ELSE 1 END")
      .orderBy('id', 'desc')
      .limit(options.limit ?? 100);
    return rows.map(toAlert);
  }

  /** The thresholds set through the API. */
  async apiThresholds(modelRef: string): Promise<MonitoringThreshold[]> {
    const rows: ThresholdRow[] = await this.db('registry_monitoring_thresholds')
      .where({ model_ref: modelRef })
      .orderBy('metric');
    return rows.map(row => ({
      metric: row.metric,
      ...(row.min !== null ? { min: Number(row.min) } : {}),
      ...(row.max !== null ? { max: Number(row.max) } : {}),
      origin: 'api' as const,
    }));
  }

  /** Replaces the thresholds set through the API. */
  async setThresholds(
    modelRef: string,
    thresholds: Array<{ metric: string; min?: number; max?: number }>,
    actor: string,
    now = new Date(),
  ) {
    await this.db.transaction(async trx => {
      await trx('registry_monitoring_thresholds')
        .where({ model_ref: modelRef })
        .delete();
      if (thresholds.length) {
        await trx('registry_monitoring_thresholds').insert(
          thresholds.map(t => ({
            model_ref: modelRef,
            metric: t.metric,
            min: t.min ?? null,
            max: t.max ?? null,
            updated_by: actor,
            updated_at: now,
          })),
        );
      }
    });
  }
}
