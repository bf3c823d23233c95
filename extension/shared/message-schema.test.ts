/**
 * Issue 13, item 8: one shape validator per message type. The forged messages of the reliability
 * review (`security.ts` S3, sent from the content-script world) are refused with a named field, and the
 * messages the extension itself sends pass.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AnyMessage } from './messages';
import { isExplainableImageUrl, validateRequest, validVerdict, MAX_TAB_IMAGES } from './message-schema';

const v = (m: unknown) => validateRequest(m as AnyMessage);
const HASH = 'a'.repeat(64);
const verdict = { url: 'https://cdn.example/a.jpg', logit: 1.5, probability: 0.8, model: 'm@1', backend: 'wasm', width: 10, height: 10, contentHash: HASH, ms: 3, cached: false };

test('item 8: forged messages of the review (security.ts S3) are refused, naming the bad field', () => {
  const forged: Record<string, [unknown, RegExp]> = {
    'classify url=number': [{ type: 'classify', url: 12345, priority: 'normal', pageUrl: '' }, /url/],
    'classify url=object': [{ type: 'classify', url: { toString: 1 }, priority: 'normal', pageUrl: '' }, /url/],
    'classify url missing': [{ type: 'classify' }, /url/],
    'classify url 8 MB': [{ type: 'classify', url: 'http://127.0.0.1/' + 'a'.repeat(8e6), priority: 'normal', pageUrl: '' }, /url/],
    'classify priority bogus': [{ type: 'classify', url: 'http://127.0.0.1/s/5.png', priority: 'bogus', pageUrl: '' }, /priority/],
    'classify priority __proto__': [{ type: 'classify', url: 'http://127.0.0.1/s/5.png', priority: '__proto__', pageUrl: '' }, /priority/],
    'report-images junk': [{ type: 'report-images', images: 'junk' }, /images/],
    'report-images hostile': [{ type: 'report-images', images: [{ url: 'javascript:alert(1)', status: 'done', verdict: { url: 'javascript:alert(1)', probability: 'x', model: '<b>m</b>', backend: 1, contentHash: '../../x' } }, { url: 5 }, null] }, /images/],
    'report-images null entry': [{ type: 'report-images', images: [null] }, /images/],
    'report-images 20000 entries': [{ type: 'report-images', images: Array.from({ length: 20000 }, (_, i) => ({ url: `http://x/${i}.png`, status: 'pending' })) }, /images/],
    'open-explain javascript:': [{ type: 'open-explain', url: 'javascript:alert(1)', contentHash: '', probability: 0.5 }, /url/],
    'open-explain chrome://': [{ type: 'open-explain', url: 'chrome://settings', contentHash: '<script>', probability: 'x' }, /url/],
    'open-grant without url': [{ type: 'open-grant' }, /url/],
    'highlight-image number url': [{ type: 'highlight-image', url: 5 }, /url/],
    'open-explain file:': [{ type: 'open-explain', url: 'file:///etc/passwd' }, /url/],
    'open-explain data: svg': [{ type: 'open-explain', url: 'data:image/svg+xml,<svg/>' }, /url/],
    'open-explain bad hash': [{ type: 'open-explain', url: 'https://a/b.png', contentHash: '../x' }, /contentHash/],
    'classify-bytes +256': [{ type: 'classify-bytes', url: 'blob:http://a/1', bytes: [0xff + 256, 0xd8 + 256], priority: 'normal', pageUrl: '' }, /bytes/],
    'classify-bytes −256': [{ type: 'classify-bytes', url: 'blob:http://a/1', bytes: [0xff - 256], priority: 'normal', pageUrl: '' }, /bytes/],
    'classify-bytes 1.5': [{ type: 'classify-bytes', url: 'blob:http://a/1', bytes: [1.5], priority: 'normal', pageUrl: '' }, /bytes/],
    'classify-bytes number[] (old form)': [{ type: 'classify-bytes', url: 'blob:http://a/1', bytes: [0, 255, 17], priority: 'normal', pageUrl: '' }, /bytes/],
    'classify-bytes not base64': [{ type: 'classify-bytes', url: 'blob:http://a/1', bytes: 'AP8R!', priority: 'normal', pageUrl: '' }, /bytes/],
    'classify-bytes string bytes': [{ type: 'classify-bytes', url: 'blob:http://a/1', bytes: { length: 3 }, priority: 'normal', pageUrl: '' }, /bytes/],
    'get-tab-images tabId string': [{ type: 'get-tab-images', tabId: '1' }, /tabId/],
    'explain method bogus': [{ type: 'explain', url: 'https://a/b.png', method: 'eval', requestId: 'z' }, /method/],
    'explain samples 1e9': [{ type: 'explain', url: 'https://a/b.png', method: 'lime', samples: 1e9, requestId: 'z' }, /samples/],
    'explain both not boolean': [{ type: 'explain', url: 'https://a/b.png', method: 'gradcam', requestId: 'z', both: 'yes' }, /both/],
    'get-image-bytes bad hash': [{ type: 'get-image-bytes', contentHash: 'x' }, /contentHash/],
  };
  for (const [name, [msg, field]] of Object.entries(forged)) {
    const r = v(msg);
    assert.equal(r.ok, false, `${name} must be refused`);
    assert.match((r as { reason: string }).reason, field, name);
  }
});

test('item 8: the messages the extension sends pass their validator', () => {
  const good: unknown[] = [
    { type: 'classify', url: 'https://pbs.twimg.com/media/x.jpg?name=large', priority: 'profile', pageUrl: 'https://x.com/home' },
    { type: 'classify-bytes', url: 'data:image/png;base64,AAAA', bytes: 'AP8R', priority: 'normal', pageUrl: '' },
    { type: 'classify-bytes', url: 'blob:https://x.com/1-2', bytes: new ArrayBuffer(8), priority: 'normal', pageUrl: '' },
    { type: 'report-images', images: [] },
    { type: 'report-images', images: [{ url: 'https://a/1.jpg', status: 'done', verdict, isProfile: false }, { url: 'https://a/2.jpg', status: 'error', error: { code: 'timeout', message: 'x' } }, { url: 'https://a/3.jpg', status: 'pending' }] },
    { type: 'report-images', images: Array.from({ length: MAX_TAB_IMAGES }, (_, i) => ({ url: `http://x/${i}.png`, status: 'pending' })) },
    { type: 'get-status' },
    { type: 'open-explain', url: 'https://a/1.jpg', contentHash: HASH, probability: 0.8 },
    { type: 'open-explain', url: 'blob:https://x.com/1-2', contentHash: HASH },
    { type: 'open-explain', url: 'data:image/jpeg;base64,/9j/', contentHash: HASH },
    { type: 'get-tab-images', tabId: 12 },
    { type: 'explain', url: 'https://a/1.jpg', method: 'lime', samples: 500, requestId: 'r1', contentHash: HASH },
    { type: 'explain', url: 'https://a/1.jpg', method: 'gradcam', requestId: 'r2', both: true },
    { type: 'cancel-explain', requestId: 'r1' },
    { type: 'explain-progress', requestId: 'r1' },
    { type: 'get-image-bytes', contentHash: HASH },
    { type: 'check-image-at', srcUrl: 'https://a/1.jpg', pageUrl: 'https://a/' },
    { type: 'rescan' },
    { type: 'open-grant', url: 'https://a/1.jpg' },
    { type: 'highlight-image', url: 'https://a/1.jpg' },
  ];
  for (const m of good) assert.deepEqual(v(m), { ok: true }, JSON.stringify(m).slice(0, 120));
});

test('item 8: open-explain only for http(s), blob: of an http(s) page, and raster data:image URLs', () => {
  const yes = ['http://a/b.png', 'https://a/b', 'blob:https://x.com/uuid', 'data:image/webp;base64,UklG', 'data:image/png,abc'];
  const no = ['javascript:alert(1)', 'chrome://settings', 'chrome-extension://abc/popup.html', 'file:///etc/passwd', 'blob:chrome-extension://a/b',
    'data:text/html,<script>', 'data:image/svg+xml;base64,PHN2Zz4=', 'about:blank', '', 'not a url', 42];
  for (const u of yes) assert.equal(isExplainableImageUrl(u), true, String(u));
  for (const u of no) assert.equal(isExplainableImageUrl(u), false, String(u));
});

test('verdicts: provenance-only verdicts pass, a verdict with neither pixels nor provenance does not; evidence and provenance shapes are checked', () => {
  const base = { url: 'https://a.example/x.jpg', width: 10, height: 10, contentHash: 'a'.repeat(64), ms: 3, cached: false };
  const prov = { kind: 'c2pa', claim: 'ai-generated', validation: 'valid', signer: 'OpenAI', fields: { 'C2PA action': 'c2pa.created' }, status: 'ok' };
  assert.equal(validVerdict({ ...base, provenance: prov }), true);
  assert.equal(validVerdict(base), false);
  assert.equal(validVerdict({ ...base, provenance: { ...prov, kind: 'forged' } }), false);
  assert.equal(validVerdict({ ...base, provenance: { ...prov, fields: { x: 5 } } }), false);
  const pixel = { ...base, logit: 0.3, probability: 0.57, model: 'm@1', backend: 'wasm' };
  assert.equal(validVerdict(pixel), true);
  assert.equal(validVerdict({ ...pixel, probability: 1.5 }), false);
  const evidence = { kind: 'tiles', mode: 'sample', imageWidth: 10, imageHeight: 10, x0: 0, y0: 0, tileWidth: 5, tileHeight: 5, strideX: 5, strideY: 5, tileCols: 2, tileRows: 2, pool: 1, cols: 2, rows: 2, logits: [0.1, null, -2, 3] };
  assert.equal(validVerdict({ ...pixel, evidence }), true);
  assert.equal(validVerdict({ ...pixel, evidence: { ...evidence, logits: [0, 'x'] } }), false);
  assert.equal(validVerdict({ ...pixel, evidence: { ...evidence, x0: Number.NaN } }), false);
  const pt = { x: 10, y: 12 };
  const face = {
    status: 'face', model: 'blazeface-front@3.0.4', count: 1,
    face: { box: { x: 1, y: 2, width: 30, height: 30 }, score: 0.93, keypoints: { rightEye: pt, leftEye: pt, noseTip: pt, mouth: pt, rightEar: pt, leftEar: pt } },
    alignment: { template: 'FFHQ / StyleGAN', distance: 0.01, threshold: 0.0375, aligned: true, eyes: [{ x: 0.38, y: 0.48 }, { x: 0.63, y: 0.48 }], templateEyes: [{ x: 0.38, y: 0.48 }, { x: 0.63, y: 0.48 }] },
  };
  assert.equal(validVerdict({ ...pixel, face }), true);
  assert.equal(validVerdict({ ...pixel, face: { status: 'no-face', model: 'm', count: 0 } }), true);
  assert.equal(validVerdict({ ...pixel, face: { ...face, status: 'maybe' } }), false);
  assert.equal(validVerdict({ ...pixel, face: { ...face, face: { ...face.face, score: 3 } } }), false);
  assert.equal(validVerdict({ ...pixel, face: { ...face, alignment: { ...face.alignment, eyes: [pt] } } }), false);
  assert.equal(validVerdict({ ...pixel, face: { ...face, face: { ...face.face, keypoints: { ...face.face.keypoints, mouth: { x: Number.NaN, y: 0 } } } } }), false);
});

test('items 1 and 7: confirm-shown, get-tab-integrity and report-images interference shapes', () => {
  const item = { url: 'https://cdn.example/a.jpg', contentHash: HASH, rect: { x: 10, y: 20, width: 300, height: 200 }, region: { x: 0, y: 0.1, width: 1, height: 0.8 } };
  assert.deepEqual(v({ type: 'confirm-shown', viewport: { width: 1280, height: 900 }, items: [item] }), { ok: true });
  const bad: Record<string, [unknown, RegExp]> = {
    'no items': [{ type: 'confirm-shown', viewport: { width: 1280, height: 900 }, items: [] }, /items/],
    '33 items': [{ type: 'confirm-shown', viewport: { width: 1280, height: 900 }, items: Array(33).fill(item) }, /items/],
    'viewport 0': [{ type: 'confirm-shown', viewport: { width: 0, height: 900 }, items: [item] }, /viewport/],
    'region past 1': [{ type: 'confirm-shown', viewport: { width: 1280, height: 900 }, items: [{ ...item, region: { x: 0.5, y: 0, width: 0.8, height: 1 } }] }, /items\[\]/],
    'rect NaN': [{ type: 'confirm-shown', viewport: { width: 1280, height: 900 }, items: [{ ...item, rect: { x: NaN, y: 0, width: 1, height: 1 } }] }, /items\[\]/],
    'bad hash': [{ type: 'confirm-shown', viewport: { width: 1280, height: 900 }, items: [{ ...item, contentHash: 'x' }] }, /items\[\]/],
    'integrity tabId': [{ type: 'get-tab-integrity', tabId: -1 }, /tabId/],
    'interference negative': [{ type: 'report-images', images: [], interference: { removed: -1, hidden: 0 } }, /interference/],
    'shown status bogus': [{ type: 'report-images', images: [{ url: 'https://a/b.png', status: 'done', shown: { status: 'ok' } }] }, /images/],
  };
  for (const [name, [m, field]] of Object.entries(bad)) {
    const r = v(m);
    assert.equal(r.ok, false, name);
    assert.match((r as { reason: string }).reason, field, name);
  }
  assert.deepEqual(v({ type: 'get-tab-integrity', tabId: 3 }), { ok: true });
  assert.deepEqual(v({ type: 'report-images', images: [{ url: 'https://a/b.png', status: 'done', shown: { status: 'mismatch', distance: 33 } }], interference: { removed: 2, hidden: 1 } }), { ok: true });
});
