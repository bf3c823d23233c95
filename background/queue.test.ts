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
