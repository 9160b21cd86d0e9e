import { Config } from '@backstage/config';
import { LoggerService } from '@backstage/backend-plugin-api';
import {
  checkTagKey,
  VERSION_LIMITS,
} from '@model-registry/plugin-model-registry-common';

/** What a version copies from its MLflow run: the run's latest metrics, its params, a link. */
export type RunData = {
  metrics: Record<string, number>;
  params: Record<string, string>;
  /** The run's page in the tracking server's UI. */
  runLink?: string;
};

/** Reads a run from the tracking server; undefined when it cannot (logged, never thrown). */
export type RunDataReader = (runId: string) => Promise<RunData | undefined>;

/** `modelRegistry.mlflow.trackingServer` (docs/mlflow.md). */
export type TrackingServerOptions = {
  /** The tracking server's base URL, e.g. http://mlflow.internal:5000. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer …` when set. */
  token?: string;
  /** How long one run read may take before the version registers without it. */
  timeoutMs: number;
};

const DEFAULT_TIMEOUT_SECONDS = 5;

/** The tracking server options, when `modelRegistry.mlflow.trackingServer.baseUrl` is set. */
export function readTrackingServerOptions(
  config: Config,
): TrackingServerOptions | undefined {
  const server = config.getOptionalConfig(
    'modelRegistry.mlflow.trackingServer',
  );
  if (!server) return undefined;
  const baseUrl = server.getString('baseUrl').replace(/\/+$/, '');
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new Error(
      `modelRegistry.mlflow.trackingServer.baseUrl must be an http(s) URL, got "${baseUrl}"`,
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new Error(
      `modelRegistry.mlflow.trackingServer.baseUrl must be an http(s) URL, got "${baseUrl}"`,
    );
  }
  const seconds =
    server.getOptionalNumber('timeoutSeconds') ?? DEFAULT_TIMEOUT_SECONDS;
  if (!(seconds > 0)) {
    throw new Error(
      'modelRegistry.mlflow.trackingServer.timeoutSeconds must be a positive number',
    );
  }
  return {
    baseUrl,
    token: server.getOptionalString('token'),
    timeoutMs: seconds * 1000,
  };
}

type MlflowRun = {
  info?: { run_id?: string; experiment_id?: string };
  data?: {
    metrics?: Array<{ key?: unknown; value?: unknown }>;
    params?: Array<{ key?: unknown; value?: unknown }>;
  };
};

/** The entries the registry can hold, by name, at most `max` (the first names in order). */
function within<T>(
  entries: Array<[string, T]>,
  max: number,
): Record<string, T> {
  return Object.fromEntries(
    entries
      .filter(([key]) => !checkTagKey(key))
      .sort(([a], [b]) => Number(a > b) - Number(a < b))
      .slice(0, max),
  );
}

/** A run's data in the registry's shape and limits; entries the registry cannot hold are left out. */
export function toRunData(run: MlflowRun, baseUrl: string): RunData {
  const metrics = within(
    (run.data?.metrics ?? []).flatMap(({ key, value }) =>
      typeof key === 'string' &&
      typeof value === 'number' &&
      Number.isFinite(value)
        ? [[key, value] as [string, number]]
        : [],
    ),
    VERSION_LIMITS.metricsPerVersion,
  );
  const params = within(
    (run.data?.params ?? []).flatMap(({ key, value }) =>
      typeof key === 'string' &&
      typeof value === 'string' &&
      value.length <= VERSION_LIMITS.paramValueLength
        ? [[key, value] as [string, string]]
        : [],
    ),
    VERSION_LIMITS.paramsPerVersion,
  );
  const { run_id: runId, experiment_id: experimentId } = run.info ?? {};
  const runLink =
    runId && experimentId
      ? `${baseUrl}/#/experiments/${encodeURIComponent(
          experimentId,
        )}/runs/${encodeURIComponent(runId)}`
      : undefined;
  return {
    metrics,
    params,
    ...(runLink && runLink.length <= VERSION_LIMITS.urlLength
      ? { runLink }
      : {}),
  };
}

/**
 * Reads runs from an MLflow tracking server (`GET /api/2.0/mlflow/runs/get`). A version
 * registers whether or not its run can be read: a missing run, an unreachable server or a
 * timeout is logged and the version gets no copied data.
 */
export function createTrackingServerRunReader(
  options: TrackingServerOptions,
  logger: LoggerService,
): RunDataReader {
  return async runId => {
    const url = `${
      options.baseUrl
    }/api/2.0/mlflow/runs/get?run_id=${encodeURIComponent(runId)}`;
    try {
      const response = await fetch(url, {
        headers: options.token
          ? { Authorization: `Bearer ${options.token}` }
          : {},
        signal: AbortSignal.timeout(options.timeoutMs),
      });
      if (!response.ok) {
        logger.warn(
          `MLflow run ${runId}: the tracking server answered ${
            response.status
          } (${(await response.text()).slice(
            0,
            200,
          )}); the version registers without the run's metrics and params`,
        );
        return undefined;
      }
      const body = (await response.json()) as { run?: MlflowRun };
      return toRunData(body.run ?? {}, options.baseUrl);
    } catch (error) {
      logger.warn(
        `MLflow run ${runId}: could not read it from the tracking server (${
          (error as Error).message
        }); the version registers without the run's metrics and params`,
      );
      return undefined;
    }
  };
}
