import { checkSourceUri } from './sources';
import { validateLineageEdges } from './validateVersionInput';

describe('checkSourceUri', () => {
  it.each([
    's3://bucket/model.pkl',
    'gs://bucket/path/model',
    'hf://org/model',
    'https://models.example.com/fraud/3',
    'models:/fraud-detector/3',
    'runs:/0a1b2c/model',
    'mlflow-artifacts:/1/abc/artifacts/model',
    'mlflow-artifacts://tracking.example.com/1/abc/artifacts/model',
  ])('accepts %s', uri => {
    expect(checkSourceUri(uri)).toBeUndefined();
  });

  it.each([
    ['s3:bucket/key', /authority/],
    ['https:models.example.com/x', /authority/],
    ['s3:///key', /authority/],
    ['https://user:secret@models.example.com/x', /credentials/],
    ['s3://token@bucket/key', /credentials/],
    ['file:///etc/passwd', /not allowed/],
    // eslint-disable-next-line no-script-url -- a URI that must be refused
    ['javascript:alert(1)', /not allowed/],
    ['data:text/html,x', /not allowed/],
    ['s3://bucket/model#frag', /fragment/],
  ])('refuses %s', (uri, reason) => {
    expect(checkSourceUri(uri)).toMatch(reason);
  });

  it('allows a fragment only when asked (lineage links into a page)', () => {
    const link = 'https://tracking.example.com/#/experiments/1/runs/2';
    expect(checkSourceUri(link)).toMatch(/fragment/);
    expect(checkSourceUri(link, undefined, { allowFragment: true })).toBe(
      undefined,
    );
    expect(
      checkSourceUri('https://x.example.com/#a b', undefined, {
        allowFragment: true,
      }),
    ).toMatch(/whitespace/);
  });
});

describe('validateLineageEdges', () => {
  it('applies the source allow-list to uri targets, naming the field', () => {
    expect(
      validateLineageEdges(
        [
          {
            relation: 'producedByRun',
            uri: 'https://tracking.example.com/#/runs/1',
          },
          // eslint-disable-next-line no-script-url -- a URI that must be refused
          { relation: 'builtFromCommit', uri: 'javascript:alert(1)' },
          { relation: 'builtFromCommit', uri: 'file:///etc/passwd' },
          { relation: 'servedBy', uri: 'data:text/html,x' },
          {
            relation: 'producedByRun',
            uri: 'https://u:p@tracking.example.com/r',
          },
        ],
        'edges',
      ).map(issue => issue.field),
    ).toEqual(['edges[1].uri', 'edges[2].uri', 'edges[3].uri', 'edges[4].uri']);
  });

  it('follows a configured allow-list', () => {
    expect(
      validateLineageEdges(
        [{ relation: 'trainedOn', uri: 'gs://bucket/data' }],
        'lineage',
        { allowedSchemes: ['https'] },
      ),
    ).toEqual([expect.objectContaining({ field: 'lineage[0].uri' })]);
  });
});
