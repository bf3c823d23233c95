/**
 * The same explanations on the wasm backend as on cpu (the extension's fallback backend; Node runs it
 * single-threaded). Gradient methods need the filter gradient of tfjs' fused conv in the head, which wasm
 * 4.22 lacks; `extension/shared/tf/wasm-grads.ts` (registered by `useWasmBackend`) provides it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { buildNprPatch } from '../models/npr-patch';
import { useWasmBackend } from './wasm-backend';
import { explain, EXPLAIN_METHODS, type ExplainResult } from '../../extension/shared/explain/index';

test('wasm and cpu give the same maps for all five methods (1e-4)', async () => {
  await tf.setBackend('cpu');
  const model = buildNprPatch({ widths: [8, 8, 8, 8], seed: 5 });
  const S = 48;
  const input = Float32Array.from({ length: S * S * 3 }, (_, i) => 0.5 + 0.45 * Math.sin(i * 0.61) * Math.cos(i * 0.013));
  const run = async () => {
    const out: ExplainResult[] = [];
    for (const method of EXPLAIN_METHODS) out.push(await explain(tf, model, input, { method, targetLayer: 'b4_relu', samples: 40, topK: 6, segments: 12 }));
    return out;
  };
  const cpu = await run();
  await useWasmBackend();
  assert.equal(tf.getBackend(), 'wasm');
  const start = tf.memory().numTensors;
  const wasm = await run();
  assert.equal(tf.memory().numTensors, start);
  cpu.forEach((c, i) => {
    const w = wasm[i]!;
    assert.ok(Math.abs(c.logit - w.logit) < 1e-4, `${c.method} logit`);
    assert.equal(c.empty, w.empty, c.method);
    c.map.forEach((v, j) => assert.ok(Math.abs(v - w.map[j]!) < 1e-4, `${c.method} cell ${j}: cpu ${v} wasm ${w.map[j]}`));
  });
  model.dispose();
});
