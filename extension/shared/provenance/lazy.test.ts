import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { configureProvenance, readProvenance } from './index';
import { c2paWasmPath } from './node';
import { allFixtures } from './fixtures/catalogue';

test('the c2pa wasm is loaded only for the first file that carries a C2PA box, and once', async () => {
  let loads = 0;
  configureProvenance({ c2paWasm: async () => { loads++; return readFileSync(c2paWasmPath()); } });
  const fixtures = await allFixtures();
  for (const f of fixtures.filter((x) => !/^(C|CA|XCA|E-sig-CA|C_with_CAWG_data)\.jpg|cabx/.test(x.name))) await readProvenance(f.bytes);
  assert.equal(loads, 0, 'no file without a manifest loaded the verifier');
  const c = fixtures.find((x) => x.name === 'C.jpg')!;
  assert.equal((await readProvenance(c.bytes)).validation, 'untrusted');
  assert.equal((await readProvenance(c.bytes)).validation, 'untrusted');
  assert.equal(loads, 1);
});
