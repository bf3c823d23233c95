import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BatchQueue, QueueError } from './queue';

test('runs higher priority lanes first, in batches of at most maxBatch', async () => {
  const batches: string[][] = [];
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const q = new BatchQueue<string, string>(async (xs) => {
    batches.push(xs);
    if (batches.length === 1) await gate;
    return xs.map((x) => x.toUpperCase());
  }, 2, 10);
  const first = q.push('a', 'normal');
  await new Promise((r) => setTimeout(r, 0)); // 'a' is now running alone
  const rest = [q.push('n1', 'normal'), q.push('e1', 'explain'), q.push('p1', 'profile'), q.push('n2', 'normal'), q.push('p2', 'profile'), q.push('n3', 'normal')];
  release();
  assert.deepEqual(await Promise.all([first, ...rest]), ['A', 'N1', 'E1', 'P1', 'N2', 'P2', 'N3']);
  assert.deepEqual(batches, [['a'], ['p1', 'p2'], ['n1', 'n2'], ['n3'], ['e1']]);
});

test('rejects beyond capacity, cancels by key, and passes batch errors to every item', async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const q = new BatchQueue<number, number>(async (xs) => {
    await gate;
    if (xs.includes(13)) throw new Error('boom');
    return xs.map((x) => x * 2);
  }, 4, 2);
  const running = q.push(1, 'normal');
  await new Promise((r) => setTimeout(r, 0));
  const a = q.push(13, 'normal', 'k');
  const b = q.push(3, 'normal');
  await assert.rejects(q.push(4, 'normal'), (e: unknown) => e instanceof QueueError && e.code === 'queue-full');
  assert.equal(q.cancel('k'), 1);
  await assert.rejects(a, (e: unknown) => e instanceof QueueError && e.code === 'cancelled');
  release();
  assert.equal(await running, 2);
  assert.equal(await b, 6);
  const q2 = new BatchQueue<number, number>(async () => { throw new Error('boom'); });
  await assert.rejects(q2.push(1, 'normal'), /boom/);
});

test('item 11: a burst arriving one item at a time is run in full batches when gathering', async () => {
  const sizes: number[] = [];
  const q = new BatchQueue<number, number>(async (xs) => {
    sizes.push(xs.length);
    await new Promise((r) => setTimeout(r, 5)); // inference time
    return xs.map((x) => x + 1);
  }, 8, 512, 30);
  // 24 items, one every 2 ms (as fetch + decode finish): without gathering every batch would be 1 item.
  const outs: Array<Promise<number>> = [];
  for (let i = 0; i < 24; i++) {
    outs.push(q.push(i, 'normal'));
    await new Promise((r) => setTimeout(r, 2));
  }
  assert.deepEqual(await Promise.all(outs), Array.from({ length: 24 }, (_, i) => i + 1));
  assert.ok(sizes.length <= 6, `batches ${JSON.stringify(sizes)}`);
  assert.ok(Math.max(...sizes) >= 4, `batches ${JSON.stringify(sizes)}`);
  assert.deepEqual(q.batchSizes.reduce((n, c, k) => n + (c ?? 0) * k, 0), 24);
  // A lone item still runs, after at most the gather time.
  const t0 = Date.now();
  assert.equal(await q.push(41, 'profile'), 42);
  assert.ok(Date.now() - t0 < 500);
});

test('item 11: without gathering (gatherMs 0) the same burst runs one item per batch — the behaviour the review measured', async () => {
  const sizes: number[] = [];
  const q = new BatchQueue<number, number>(async (xs) => { sizes.push(xs.length); return xs; }, 8, 512, 0);
  for (let i = 0; i < 10; i++) {
    await q.push(i, 'normal');
  }
  assert.deepEqual(sizes, new Array(10).fill(1));
});
