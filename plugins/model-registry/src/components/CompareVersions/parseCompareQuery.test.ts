import { parseCompareQuery } from './parseCompareQuery';

describe('parseCompareQuery', () => {
  it('is no comparison without the compare parameter', () => {
    expect(parseCompareQuery(null, null)).toEqual({ kind: 'none' });
  });

  it('reads 2 to 4 versions in their order, once each, and the baseline', () => {
    expect(parseCompareQuery('5,3,4', '4')).toEqual({
      kind: 'ok',
      versions: [5, 3, 4],
      baseline: 4,
    });
    expect(parseCompareQuery('3, 4,3', null)).toEqual({
      kind: 'ok',
      versions: [3, 4],
    });
    expect(parseCompareQuery('3,4', '')).toEqual({
      kind: 'ok',
      versions: [3, 4],
    });
  });

  it.each([
    ['', null, 'The compare parameter is empty'],
    ['3', null, 'the link names only version 3'],
    ['3,3', null, 'the link names only version 3'],
    ['1,2,3,4,5', null, 'the link names 5 (1, 2, 3, 4, 5)'],
    ['3,abc', null, '"abc" is not'],
    ['3,-1,0', null, '"-1", "0" are not'],
    ['3,4.5', null, '"4.5" is not'],
    ['3,4', 'x', 'The baseline parameter takes a version number; "x" is not'],
    [
      '3,4',
      '7',
      'The baseline, version 7, is not one of the compared versions (3, 4)',
    ],
  ])('compare=%p baseline=%p: %s', (compare, baseline, message) => {
    const query = parseCompareQuery(compare, baseline);
    expect(query.kind).toBe('error');
    expect(query.kind === 'error' && query.message).toContain(message);
  });
});
