import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initTf } from './backend';

test('initTf(inference) gives a working backend (wasm here, native where installed)', async () => {
  const h = await initTf({ want: 'inference', quiet: true });
  assert.ok(['wasm', 'tensorflow', 'cpu'].includes(h.backend), h.backend);
  assert.equal(h.tf.getBackend(), h.backend);
  const y = h.tf.tidy(() => h.tf.tensor1d([1, 2, 3]).mul(2).sum());
  assert.equal((await y.data())[0], 12);
  y.dispose();
  assert.equal(await initTf({ want: 'inference', quiet: true }), h);
});

test('initTf(training) without native packages uses cpu; backend: wasm forces wasm', async () => {
  const t = await initTf({ want: 'training', quiet: true, forcePure: true });
  assert.equal(t.backend, 'cpu');
  assert.equal(t.tf.getBackend(), 'cpu');
  const w = await initTf({ want: 'training', quiet: true, backend: 'wasm' });
  assert.equal(w.backend, 'wasm');
  assert.equal(w.tf.getBackend(), 'wasm');
});
