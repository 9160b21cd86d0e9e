import { InputError } from '@backstage/errors';
import { randomBytes } from 'node:crypto';
import { CursorCodec } from './cursors';

const MESSAGE = 'cursor is not a valid cursor of this list';
const any = () => true;

describe('CursorCodec', () => {
  const codec = new CursorCodec(randomBytes(32));

  it('reads back what it wrote, for the same list only', () => {
    const cursor = codec.encode('versions', { s: 'version', n: 7 });
    expect(cursor).not.toContain('version');
    expect(codec.decode('versions', cursor, any)).toEqual({
      s: 'version',
      n: 7,
    });
    expect(() => codec.decode('history', cursor, any)).toThrow(
      new InputError(MESSAGE),
    );
  });

  it('refuses an edited, truncated, re-signed or garbage cursor', () => {
    const cursor = codec.encode('history', { i: 10 });
    const [body, signature] = cursor.split('.');
    const edited = Buffer.from(
      Buffer.from(body, 'base64url').toString('utf8').replace('10', '99999'),
    ).toString('base64url');
    const otherKey = new CursorCodec(randomBytes(32));
    const bad = [
      `${edited}.${signature}`,
      cursor.slice(0, -1),
      cursor.slice(0, cursor.indexOf('.')),
      `${body}.`,
      `${cursor}.x`,
      otherKey.encode('history', { i: 10 }),
      Buffer.from('{"k":"history","p":{"i":1}}').toString('base64url'),
      'garbage!!',
      '',
    ];
    for (const c of bad) {
      expect(() => codec.decode('history', c, any)).toThrow(
        new InputError(MESSAGE),
      );
    }
  });

  it('refuses a signed cursor whose position fails the check', () => {
    const cursor = codec.encode('history', { i: 'x' });
    expect(() =>
      codec.decode('history', cursor, c => Number.isSafeInteger(c.i)),
    ).toThrow(new InputError(MESSAGE));
  });

  it('needs a key of 32 bytes or more', () => {
    expect(() => new CursorCodec(randomBytes(16))).toThrow(/32 bytes/);
  });
});
