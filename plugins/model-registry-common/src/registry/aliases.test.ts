import { ConfigReader } from '@backstage/config';
import { readProtectedAliases } from './aliases';

describe('readProtectedAliases', () => {
  it('reads the protected aliases, none by default', () => {
    expect(readProtectedAliases(new ConfigReader({}))).toEqual([]);
    expect(
      readProtectedAliases(
        new ConfigReader({
          modelRegistry: { aliases: { protected: ['champion', 'prod'] } },
        }),
      ),
    ).toEqual(['champion', 'prod']);
  });

  it('names the key of an invalid alias', () => {
    expect(() =>
      readProtectedAliases(
        new ConfigReader({
          modelRegistry: { aliases: { protected: ['v2'] } },
        }),
      ),
    ).toThrow('modelRegistry.aliases.protected: "v2" "v2" is reserved');
  });
});
