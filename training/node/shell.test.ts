import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shellJoin } from './shell';

test('shellJoin quotes only what needs it', () => {
  assert.equal(shellJoin(['--out', 'out/a.json', '--name', "it's a b"]), `--out out/a.json --name 'it'\\''s a b'`);
  assert.equal(shellJoin(['--x', '']), `--x ''`);
});
