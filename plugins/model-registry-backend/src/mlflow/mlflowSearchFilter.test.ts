import {
  matchesClause,
  parseMlflowFilter,
  parseMlflowOrderBy,
} from './mlflowSearchFilter';

const KEYS = ['name', 'run_id', 'source_path', 'version_number'];

describe('parseMlflowFilter', () => {
  it('reads the comparisons the MLflow client sends, joined by AND', () => {
    expect(
      parseMlflowFilter(
        "name='it''s' AND tag.`mlflow.prompt.is_prompt` != 'true' and run_id IN ('a', \"b\") AND version_number = 3 AND tags.team ILIKE '%ml%'",
        KEYS,
      ),
    ).toEqual([
      { key: 'name', op: '=', values: ["it's"] },
      {
        key: 'tags',
        tag: 'mlflow.prompt.is_prompt',
        op: '!=',
        values: ['true'],
      },
      { key: 'run_id', op: 'IN', values: ['a', 'b'] },
      { key: 'version_number', op: '=', values: ['3'] },
      { key: 'tags', tag: 'team', op: 'ILIKE', values: ['%ml%'] },
    ]);
    expect(parseMlflowFilter(undefined, KEYS)).toEqual([]);
    expect(parseMlflowFilter('', KEYS)).toEqual([]);
  });

  it.each([
    ["owner = 'me'", 'cannot filter on "owner"'],
    ['name = x', 'must be quoted'],
    ["name = 'a' OR name = 'b'", 'expected AND'],
    ["name NOT LIKE 'a%'", 'NOT LIKE is not supported'],
    ["name IN ('a')", 'IN is supported for run_id only'],
    ["run_id IN ('a'", 'IN list is not closed'],
  ])('refuses %s, saying why', (filter, why) => {
    expect(() => parseMlflowFilter(filter, KEYS)).toThrow(
      expect.objectContaining({
        errorCode: 'INVALID_PARAMETER_VALUE',
        message: expect.stringContaining(why),
      }),
    );
  });
});

describe('matchesClause', () => {
  it('matches LIKE and ILIKE patterns with % and _, literally otherwise', () => {
    const like = (pattern: string, value: string, op: 'LIKE' | 'ILIKE') =>
      matchesClause({ key: 'name', op, values: [pattern] }, value);
    expect(like('fraud-%', 'fraud-detector', 'LIKE')).toBe(true);
    expect(like('FRAUD-%', 'fraud-detector', 'LIKE')).toBe(false);
    expect(like('FRAUD-%', 'fraud-detector', 'ILIKE')).toBe(true);
    expect(like('a_c', 'abc', 'LIKE')).toBe(true);
    expect(like('a.c', 'abc', 'LIKE')).toBe(false);
    expect(
      matchesClause(
        { key: 'tags', tag: 'k', op: '!=', values: ['v'] },
        undefined,
      ),
    ).toBe(true);
    expect(
      matchesClause(
        { key: 'tags', tag: 'k', op: '=', values: ['v'] },
        undefined,
      ),
    ).toBe(false);
  });
});

describe('parseMlflowOrderBy', () => {
  it('reads fields with an optional direction, refusing others', () => {
    expect(
      parseMlflowOrderBy(
        ['name ASC', 'version_number desc'],
        ['name', 'version_number'],
      ),
    ).toEqual([
      { field: 'name', descending: false },
      { field: 'version_number', descending: true },
    ]);
    expect(() => parseMlflowOrderBy('owner DESC', ['name'])).toThrow(
      expect.objectContaining({ message: expect.stringContaining('owner') }),
    );
  });
});
