import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseLooseArgs } from './args';

test('unknown options pass through with their values', () => {
  const v = parseLooseArgs(['--out', 'x', '--arch', 'npr-patch-cnn', '--steps=1200', '--frozen', '--cache', 'c.bin', '--quiet'], {
    out: { type: 'string' }, quiet: { type: 'boolean', default: false }, degrade: { type: 'string', default: 'clean' },
  });
  assert.deepEqual({ ...v }, { out: 'x', arch: 'npr-patch-cnn', steps: '1200', frozen: true, cache: 'c.bin', quiet: true, degrade: 'clean' });
  assert.throws(() => parseLooseArgs(['stray'], {}), /unexpected argument "stray"/);
  assert.throws(() => parseLooseArgs(['--out'], { out: { type: 'string' } }), /--out needs a value/);
});
