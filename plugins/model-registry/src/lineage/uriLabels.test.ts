import { commitLabel, runLabel } from './uriLabels';

describe('commitLabel', () => {
  it.each([
    [
      'https://example.com/acme/fraud/commit/4c123b1612dd',
      'acme/fraud @ 4c123b1',
    ],
    [
      'https://gitlab.com/group/sub/repo/-/commit/abcdef0123',
      'sub/repo @ abcdef0',
    ],
    [
      'https://bitbucket.org/acme/repo/commits/0123456789ab',
      'acme/repo @ 0123456',
    ],
    [
      'git+https://example.com/acme/repo.git#0123456789ab',
      'acme/repo @ 0123456',
    ],
  ])('%s → %s', (uri, label) => {
    expect(commitLabel(uri)).toBe(label);
  });

  it('finds no commit in other URIs', () => {
    expect(commitLabel('https://example.com/acme/repo')).toBeUndefined();
    expect(
      commitLabel('https://example.com/acme/repo/commit/main'),
    ).toBeUndefined();
  });
});

describe('runLabel', () => {
  it.each([
    ['https://tracking.example.com/#/runs/272d1371c17149d4', 'run 272d1371'],
    ['runs:/0a1b2c3d4e5f60718293a4b5c6d7e8f9/model', 'run 0a1b2c3d'],
    ['http://mlflow.local/experiments/1/runs/short-7', 'run short-7'],
  ])('%s → %s', (uri, label) => {
    expect(runLabel(uri)).toBe(label);
  });

  it('finds no run in other URIs', () => {
    expect(runLabel('https://tracking.example.com/')).toBeUndefined();
  });
});
