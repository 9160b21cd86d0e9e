import { fieldChangesOf } from './historyChanges';
import { signatureSections } from './signatureSections';
import { commitUrlOf } from './sourceLinks';

describe('commitUrlOf', () => {
  it('links a commit of an http(s) repository, by the host’s URL scheme', () => {
    expect(commitUrlOf('https://github.com/acme/fd.git', 'abc123')).toBe(
      'https://github.com/acme/fd/commit/abc123',
    );
    expect(commitUrlOf('https://gitlab.example.com/ml/fd/', 'abc123')).toBe(
      'https://gitlab.example.com/ml/fd/-/commit/abc123',
    );
    expect(commitUrlOf('https://bitbucket.org/acme/fd', 'abc123')).toBe(
      'https://bitbucket.org/acme/fd/commits/abc123',
    );
  });

  it('links nothing for other schemes or a commit that is not a commit id', () => {
    expect(commitUrlOf('git@github.com:acme/fd.git', 'abc123')).toBeUndefined();
    // eslint-disable-next-line no-script-url -- checks that such a URI is never a link
    expect(commitUrlOf('javascript:alert(1)', 'abc123')).toBeUndefined();
    expect(
      commitUrlOf('https://github.com/acme/fd', '../../x'),
    ).toBeUndefined();
    expect(commitUrlOf(undefined, 'abc123')).toBeUndefined();
  });
});

describe('signatureSections', () => {
  it('reads MLflow column and tensor specs, name→type maps, and keeps the rest', () => {
    const { sections, rest } = signatureSections({
      inputs: '[{"name": "amount", "type": "double"}]',
      outputs: { score: 'float' },
      params: [{ name: 'threshold', type: 'double', default: 0.5 }],
      notes: { nested: { a: 1 } },
      broken: 'not json',
    });
    expect(sections.map(s => s.title)).toEqual([
      'Inputs',
      'Outputs',
      'Inference parameters',
    ]);
    expect(sections[0].fields).toEqual([
      { name: 'amount', type: 'double', details: '' },
    ]);
    expect(sections[1].fields).toEqual([
      { name: 'score', type: 'float', details: '' },
    ]);
    expect(sections[2].fields[0].details).toBe('default 0.5');
    expect(rest).toEqual({ notes: { nested: { a: 1 } }, broken: 'not json' });
  });
});

describe('fieldChangesOf', () => {
  const entry = (before: object | undefined, after: object) => ({
    id: 1,
    modelRef: 'mlmodel:default/fd',
    version: 2,
    action: 'version.update',
    actor: 'user:default/alice',
    createdAt: '2026-11-01T10:00:00.000Z',
    before,
    after,
  });

  it('lists each changed field from → to, leaving out equal ones', () => {
    expect(
      fieldChangesOf(
        entry(
          { stage: 'staging', alias: 'champion', tags: { a: '1' } },
          {
            stage: 'production',
            alias: 'champion',
            tags: { a: '2' },
            archived: [4],
          },
        ),
      ),
    ).toEqual([
      { field: 'stage', from: 'staging', to: 'production' },
      { field: 'tags', from: 'a=1', to: 'a=2' },
      { field: 'archived', from: undefined, to: '4' },
    ]);
  });

  it('has no changes for an entry without a before (a registration)', () => {
    expect(fieldChangesOf(entry(undefined, { version: 2 }))).toEqual([]);
  });
});
