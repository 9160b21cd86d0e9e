import { ConfigReader } from '@backstage/config';
import {
  createModelNamingRule,
  DEFAULT_MODEL_NAME_PATTERN,
  readModelNamingRule,
} from './naming';

describe('model naming rule', () => {
  const rule = createModelNamingRule();

  it.each(['abc', 'fraud-detector', 'gpt2-small', 'a1b', 'a'.repeat(63)])(
    'accepts %j by default',
    name => expect(rule.check(name)).toBeUndefined(),
  );

  it.each([
    'ab',
    'a'.repeat(64),
    'Fraud',
    'fraud_detector',
    'fraud--detector',
    '-fraud',
    'fraud-',
    'fraud.detector',
    'fraud detector',
    '',
  ])('rejects %j by default', name => {
    expect(rule.check(name)).toMatch(/does not follow the model naming rule/);
  });

  it('reads the pattern and description from config', () => {
    const configured = readModelNamingRule(
      new ConfigReader({
        modelRegistry: {
          naming: { pattern: '^team-[a-z]+$', description: 'team-<letters>' },
        },
      }),
    );
    expect(configured.pattern).toBe('^team-[a-z]+$');
    expect(configured.check('team-risk')).toBeUndefined();
    expect(configured.check('risk')).toBe(
      '"risk" does not follow the model naming rule: team-<letters>',
    );
  });

  it('matches the whole name even when the pattern is not anchored', () => {
    const unanchored = createModelNamingRule({ pattern: '[a-z]+' });
    expect(unanchored.check('abc')).toBeUndefined();
    expect(unanchored.check('abc-1')).toMatch(/does not follow/);
  });

  it('defaults to the documented pattern when config is empty', () => {
    expect(readModelNamingRule(new ConfigReader({})).pattern).toBe(
      DEFAULT_MODEL_NAME_PATTERN,
    );
  });

  it('fails clearly on an invalid pattern', () => {
    expect(() => createModelNamingRule({ pattern: '([a-z' })).toThrow(
      /modelRegistry.naming.pattern is not a valid regular expression/,
    );
  });
});
