import { test } from 'node:test';
import assert from 'node:assert/strict';
import { COMPACT_BELOW, dotSize, FULL_HEIGHT, FULL_INSET, planBadge, subtractCover, visibleRect, type Rect } from './layout';

const R = (left: number, top: number, w: number, h: number): Rect => ({ left, top, right: left + w, bottom: top + h });
const inside = (a: Rect, b: Rect) => a.left >= b.left && a.top >= b.top && a.right <= b.right && a.bottom <= b.bottom;
const VIEW = R(0, 0, 1000, 800);

test('avatars under 120 px get a dot inside the image; 24/40/64 px sizes', () => {
  for (const [side, d] of [[24, 8], [40, 11], [64, 14], [119, 14]] as const) {
    const img = R(100, 100, side, side);
    const p = planBadge(img, visibleRect(img, VIEW), 'top-left', 200);
    assert.ok(p.show && p.compact, `${side}px is compact`);
    if (!p.show) continue;
    assert.equal(p.rect.right - p.rect.left, d);
    assert.equal(dotSize(side), d);
    assert.deepEqual([p.rect.left, p.rect.top], [102, 102]);
    assert.ok(inside(p.rect, img));
  }
});

test('large images get the full pill, clamped to the visible width, in the chosen corner', () => {
  const img = R(0, 0, 400, 300);
  const tl = planBadge(img, img, 'top-left', 150);
  assert.deepEqual(tl, { show: true, compact: false, rect: R(FULL_INSET, FULL_INSET, 150, FULL_HEIGHT), maxWidth: 340 });
  const br = planBadge(img, img, 'bottom-right', 150);
  assert.ok(br.show);
  if (br.show) assert.deepEqual(br.rect, R(400 - FULL_INSET - 150, 300 - FULL_INSET - FULL_HEIGHT, 150, FULL_HEIGHT));
  // A 140 px wide image: the pill is cut to 132 px.
  const narrow = R(0, 0, 140, 400);
  const n = planBadge(narrow, narrow, 'top-right', 300);
  assert.ok(n.show && !n.compact);
  if (n.show) assert.deepEqual([n.rect.left, n.rect.right, n.maxWidth], [FULL_INSET, 140 - FULL_INSET, 132]);
  assert.equal(COMPACT_BELOW, 120);
});

test('clipped by a carousel: the badge stays in the visible part; fully clipped images get none', () => {
  const carousel = R(100, 100, 300, 250);
  // Second slide starts at x = 350: only 50 px of it show → a dot at the visible part's corner.
  const slide = R(350, 100, 300, 250);
  const vis = visibleRect(slide, VIEW, [carousel]);
  assert.deepEqual(vis, R(350, 100, 50, 250));
  const p = planBadge(slide, vis, 'top-left', 200);
  assert.ok(p.show && p.compact);
  if (p.show) assert.ok(inside(p.rect, vis!));
  assert.equal(visibleRect(R(700, 100, 300, 250), VIEW, [carousel]), null);
  assert.deepEqual(planBadge(slide, null, 'top-left', 200), { show: false });
  // 6 px visible: no room even for the 8 px dot.
  assert.deepEqual(planBadge(slide, R(350, 100, 6, 250), 'top-left', 200), { show: false });
});

test('a sticky header over the top of an image pushes the badge below it', () => {
  const img = R(0, 20, 400, 300);
  const header = R(0, 0, 1000, 60);
  const vis = subtractCover(visibleRect(img, VIEW)!, header);
  assert.deepEqual(vis, R(0, 60, 400, 260));
  const p = planBadge(img, vis, 'top-left', 100);
  assert.ok(p.show && p.rect.top === 64);
  // Not overlapping: unchanged; covering everything: null.
  assert.deepEqual(subtractCover(R(0, 100, 10, 10), header), R(0, 100, 10, 10));
  assert.equal(subtractCover(R(0, 10, 10, 10), header), null);
  // A side bar on the left keeps the larger right strip.
  assert.deepEqual(subtractCover(R(0, 100, 400, 100), R(0, 0, 100, 800)), R(100, 100, 300, 100));
});
