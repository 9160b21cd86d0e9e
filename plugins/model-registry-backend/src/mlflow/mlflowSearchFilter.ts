import { MlflowError } from './mlflowErrors';

/** One comparison of an MLflow search filter. */
export type MlflowFilterClause = {
  /** `name`, `run_id`, `source_path`, `version_number`, or `tags.<key>`. */
  key: string;
  /** For `tags.<key>`: the tag key. */
  tag?: string;
  op: '=' | '!=' | 'LIKE' | 'ILIKE' | 'IN';
  /** The compared values (one, or several for IN). */
  values: string[];
};

const CLAUSE =
  /^\s*(?:(tags?|attributes?)\.)?(`[^`]+`|"[^"]+"|[A-Za-z_][\w.]*)\s*(!=|=|NOT\s+ILIKE|NOT\s+LIKE|ILIKE|LIKE|IN)\s*/i;
const STRING = /^\s*(?:'((?:[^']|'')*)'|"((?:[^"]|"")*)")\s*/;
const NUMBER = /^\s*(-?\d+)\s*/;
const AND = /^\s*AND\s+/i;

function unquote(key: string): string {
  return /^[`"]/.test(key) ? key.slice(1, -1) : key;
}

function invalid(filter: string, why: string): never {
  throw new MlflowError(
    'INVALID_PARAMETER_VALUE',
    `filter "${filter}": ${why}`,
  );
}

/**
 * Parses the filter MLflow's client sends: comparisons joined by AND, e.g.
 * `name = 'x'`, `name LIKE '%x%'`, `tags.\`k\` = 'v'`, `run_id IN ('a', 'b')`.
 * `allowedKeys` are the attributes the search may filter on (tags are always allowed).
 */
export function parseMlflowFilter(
  filter: unknown,
  allowedKeys: string[],
): MlflowFilterClause[] {
  if (filter === undefined || filter === null || filter === '') return [];
  if (typeof filter !== 'string') {
    throw new MlflowError('INVALID_PARAMETER_VALUE', 'filter must be a string');
  }
  const clauses: MlflowFilterClause[] = [];
  let rest = filter;
  while (rest.trim()) {
    if (clauses.length) {
      const and = AND.exec(rest);
      if (!and) invalid(filter, `expected AND before "${rest.trim()}"`);
      rest = rest.slice(and[0].length);
    }
    const head = CLAUSE.exec(rest);
    if (!head) invalid(filter, `cannot read a comparison at "${rest.trim()}"`);
    rest = rest.slice(head[0].length);
    const op = head[3].toUpperCase().replace(/\s+/g, ' ');
    if (op.startsWith('NOT ')) invalid(filter, `${op} is not supported`);
    const isTag = head[1]?.toLowerCase().startsWith('tag');
    const key = isTag ? 'tags' : unquote(head[2]);
    if (!isTag && !allowedKeys.includes(key)) {
      invalid(
        filter,
        `cannot filter on "${key}"; use ${[...allowedKeys, 'tags.<key>'].join(
          ', ',
        )}`,
      );
    }
    const values: string[] = [];
    if (op === 'IN') {
      const open = /^\s*\(\s*/.exec(rest);
      if (!open) invalid(filter, 'IN needs a parenthesised list');
      rest = rest.slice(open[0].length);
      for (;;) {
        const value = STRING.exec(rest);
        if (!value) invalid(filter, 'IN lists quoted strings');
        values.push(
          (value[1] ?? value[2].replace(/""/g, '"')).replace(/''/g, "'"),
        );
        rest = rest.slice(value[0].length);
        const next = /^\s*([,)])\s*/.exec(rest);
        if (!next) invalid(filter, 'IN list is not closed');
        rest = rest.slice(next[0].length);
        if (next[1] === ')') break;
      }
    } else {
      const value = STRING.exec(rest) ?? NUMBER.exec(rest);
      if (!value) invalid(filter, `the value of ${key} must be quoted`);
      values.push(
        value[2] !== undefined
          ? value[2].replace(/""/g, '"')
          : value[1].replace(/''/g, "'"),
      );
      rest = rest.slice(value[0].length);
    }
    if (key === 'tags' && !['=', '!=', 'LIKE', 'ILIKE'].includes(op)) {
      invalid(filter, `tags compare with =, !=, LIKE or ILIKE`);
    }
    if (key !== 'tags' && op === 'IN' && key !== 'run_id') {
      invalid(filter, `IN is supported for run_id only`);
    }
    clauses.push({
      key,
      ...(isTag ? { tag: unquote(head[2]) } : {}),
      op: op as MlflowFilterClause['op'],
      values,
    });
  }
  return clauses;
}

function likePattern(pattern: string, flags: string): RegExp {
  const source = pattern.replace(/[.*+?^${}()|[\]\\%_]/g, c => {
    if (c === '%') return '.*';
    if (c === '_') return '.';
    return `\\${c}`;
  });
  return new RegExp(`^${source}$`, flags);
}

/** Whether a value satisfies a clause (an absent value satisfies only `!=`). */
export function matchesClause(
  clause: MlflowFilterClause,
  value: string | undefined,
): boolean {
  const [wanted] = clause.values;
  switch (clause.op) {
    case '=':
      return value === wanted;
    case '!=':
      return value !== wanted;
    case 'LIKE':
      return value !== undefined && likePattern(wanted, 's').test(value);
    case 'ILIKE':
      return value !== undefined && likePattern(wanted, 'is').test(value);
    case 'IN':
      return value !== undefined && clause.values.includes(value);
    default:
      return false;
  }
}

/** One `order_by` entry: a field and its direction. */
export type MlflowOrder = { field: string; descending: boolean };

/**
 * Parses `order_by` (a string or a list of them: `name ASC`, `last_updated_timestamp DESC`):
 * only the allowed fields; the first entry decides, later ones break ties in the given order.
 */
export function parseMlflowOrderBy(
  orderBy: unknown,
  allowedFields: string[],
): MlflowOrder[] {
  if (orderBy === undefined || orderBy === null) return [];
  const entries = Array.isArray(orderBy) ? orderBy : [orderBy];
  return entries.map(entry => {
    const match =
      typeof entry === 'string'
        ? /^\s*(?:attributes?\.)?`?(\w+)`?\s*(ASC|DESC)?\s*$/i.exec(entry)
        : null;
    if (!match || !allowedFields.includes(match[1])) {
      throw new MlflowError(
        'INVALID_PARAMETER_VALUE',
        `order_by "${String(entry)}": order by one of ${allowedFields.join(
          ', ',
        )}, optionally followed by ASC or DESC`,
      );
    }
    return {
      field: match[1],
      descending: (match[2] ?? 'ASC').toUpperCase() === 'DESC',
    };
  });
}
