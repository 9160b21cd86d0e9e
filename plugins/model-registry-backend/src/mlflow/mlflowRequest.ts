import { Request } from 'express';
import { MlflowError } from './mlflowErrors';

/** The largest version number the registry stores. */
const MAX_VERSION = 2147483647;

/** The parameters of an MLflow call: the query of a GET, the JSON body otherwise. */
export function mlflowParams(req: Request): Record<string, unknown> {
  const source = req.method === 'GET' ? req.query : req.body;
  return source && typeof source === 'object' ? source : {};
}

function invalid(message: string): never {
  throw new MlflowError('INVALID_PARAMETER_VALUE', message);
}

/** A required non-empty string parameter. */
export function requiredString(
  params: Record<string, unknown>,
  field: string,
): string {
  const value = params[field];
  if (typeof value !== 'string' || value === '') {
    invalid(`Missing value for required parameter '${field}'`);
  }
  return value;
}

/** An optional string parameter (absent: undefined). */
export function optionalString(
  params: Record<string, unknown>,
  field: string,
): string | undefined {
  const value = params[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') invalid(`${field} must be a string`);
  return value;
}

/** The `version` parameter: MLflow sends a string; the registry numbers 1..2^31-1. */
export function versionParam(
  params: Record<string, unknown>,
  field = 'version',
): number {
  const raw = params[field];
  const text = typeof raw === 'number' ? String(raw) : raw;
  if (typeof text !== 'string' || text === '') {
    invalid(`Missing value for required parameter '${field}'`);
  }
  if (!/^[1-9]\d{0,9}$/.test(text) || Number(text) > MAX_VERSION) {
    invalid(`${field} must be a positive integer, got "${text}"`);
  }
  return Number(text);
}

/** `max_results`: a positive integer up to MLflow's limit, or the default. */
export function maxResultsParam(
  params: Record<string, unknown>,
  defaults: { fallback: number; max: number },
): number {
  const raw = params.max_results;
  if (raw === undefined || raw === null || raw === '') return defaults.fallback;
  const text = String(raw);
  if (!/^\d+$/.test(text) || Number(text) < 1 || Number(text) > defaults.max) {
    invalid(
      `max_results must be an integer from 1 to ${defaults.max}, got "${text}"`,
    );
  }
  return Number(text);
}

/** A boolean parameter (true/false, or their strings in a query). */
export function booleanParam(
  params: Record<string, unknown>,
  field: string,
): boolean {
  const raw = params[field];
  if (raw === undefined || raw === null || raw === false || raw === 'false') {
    return false;
  }
  if (raw === true || raw === 'true') return true;
  return invalid(`${field} must be true or false`);
}

/** A parameter that may come once or repeated (`stages`, `order_by`). */
export function listParam(
  params: Record<string, unknown>,
  field: string,
): string[] {
  const raw = params[field];
  if (raw === undefined || raw === null) return [];
  const list = Array.isArray(raw) ? raw : [raw];
  if (!list.every(v => typeof v === 'string')) {
    invalid(`${field} must be a list of strings`);
  }
  return list as string[];
}
