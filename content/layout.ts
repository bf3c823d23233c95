/**
 * Badge geometry (issue #12, "badges that fit social layouts"): where a badge goes over its image, as pure
 * functions of rectangles so that they are unit-tested without a DOM. All rectangles are viewport CSS px.
 *
 * Rules:
 * - A badge is never drawn outside the *visible* part of its image: the image's border box intersected with
 *   the viewport and with every clipping (`overflow` ≠ visible) ancestor (`visibleRect`), minus the page's
 *   fixed/sticky elements drawn over it (`subtractCover`).
 * - Images whose rendered box is under `COMPACT_BELOW` px on either side (avatars), or whose visible part is
 *   too small for the full pill, get the compact form: a coloured dot of `dotSize` px inside the corner.
 * - The full pill is clamped to the visible width (its text is cut with an ellipsis); below
 *   `MIN_FULL_WIDTH` px it becomes compact; with no room even for the dot the badge is hidden.
 */

/** A rectangle in viewport CSS px (`right` ≥ `left`, `bottom` ≥ `top`). */
export interface Rect { left: number; top: number; right: number; bottom: number }

/** Where in the image a badge sits (`Settings.badgePosition`). */
export type Corner = 'top-left' | 'top-right' | 'bottom-left' | 'bottom-right';
export const CORNERS: readonly Corner[] = ['top-left', 'top-right', 'bottom-left', 'bottom-right'];

/** Images under this many CSS px on either side get the compact form. */
export const COMPACT_BELOW = 120;
/** Gap between the full pill and the visible image edge, px. */
export const FULL_INSET = 4;
/** Gap between the compact dot and the visible image edge, px. */
export const DOT_INSET = 2;
/** Height of the full pill, px (fixed in the badge's style sheet). */
export const FULL_HEIGHT = 20;
/** Narrowest full pill worth showing (a few letters and an ellipsis), px. */
export const MIN_FULL_WIDTH = 56;
/** Widest full pill, px. */
export const MAX_FULL_WIDTH = 340;

/** What `planBadge` decides: hidden, or a form and a rectangle (viewport px). */
export type Plan =
  | { show: false }
  | { show: true; compact: boolean; rect: Rect; maxWidth: number };

export const width = (r: Rect): number => r.right - r.left;
export const height = (r: Rect): number => r.bottom - r.top;

/** Intersection of rectangles; `null` when it is empty (no area). */
export function intersect(a: Rect, ...more: Rect[]): Rect | null {
  let r = { ...a };
  for (const b of more) {
    r = { left: Math.max(r.left, b.left), top: Math.max(r.top, b.top), right: Math.min(r.right, b.right), bottom: Math.min(r.bottom, b.bottom) };
  }
  return r.right > r.left && r.bottom > r.top ? r : null;
}

/**
 * The part of `image` that can be seen: inside the viewport and inside every clipping ancestor's box.
 * @returns `null` when nothing of it is visible
 */
export function visibleRect(image: Rect, viewport: Rect, clips: readonly Rect[] = []): Rect | null {
  return intersect(image, viewport, ...clips);
}

/**
 * `visible` minus the rectangle `cover` (a fixed or sticky header, footer or side bar drawn over it): the
 * largest of the four strips of `visible` left beside `cover`.
 * @returns `visible` unchanged when they do not overlap; `null` when `cover` hides all of it
 */
export function subtractCover(visible: Rect, cover: Rect): Rect | null {
  if (!intersect(visible, cover)) return visible;
  const strips: Rect[] = [
    { ...visible, bottom: Math.min(visible.bottom, cover.top) }, // above the cover
    { ...visible, top: Math.max(visible.top, cover.bottom) }, // below it
    { ...visible, right: Math.min(visible.right, cover.left) }, // left of it
    { ...visible, left: Math.max(visible.left, cover.right) }, // right of it
  ].filter((s) => s.right > s.left && s.bottom > s.top);
  if (!strips.length) return null;
  return strips.reduce((a, b) => (width(b) * height(b) > width(a) * height(a) ? b : a));
}

/** Diameter of the compact dot for an image whose shorter rendered side is `side` px: 28 % of it, 8…14 px. */
export function dotSize(side: number): number {
  return Math.max(8, Math.min(14, Math.round(side * 0.28)));
}

/** Places a `w × h` box in `corner` of `area`, `inset` px from its edges. */
function inCorner(area: Rect, corner: Corner, w: number, h: number, inset: number): Rect {
  const left = corner.endsWith('left') ? area.left + inset : area.right - inset - w;
  const top = corner.startsWith('top') ? area.top + inset : area.bottom - inset - h;
  return { left, top, right: left + w, bottom: top + h };
}

/**
 * Decides a badge's form and rectangle.
 * @param image the image's whole border box (its size picks the form)
 * @param visible the visible part of it (`visibleRect`, `subtractCover`), or `null`
 * @param corner the corner of the visible part the badge sits in
 * @param fullWidth the full pill's natural width in px (its text's width; clamped here)
 * @returns `{ show: false }` when there is no room even for the dot; else the form and rectangle, always
 *   inside `visible`, and `maxWidth`, the pill's width limit (its text is cut to fit)
 */
export function planBadge(image: Rect, visible: Rect | null, corner: Corner, fullWidth: number): Plan {
  if (!visible) return { show: false };
  const side = Math.min(width(image), height(image));
  const vw = width(visible), vh = height(visible);
  const roomW = Math.floor(vw - 2 * FULL_INSET);
  if (side >= COMPACT_BELOW && roomW >= MIN_FULL_WIDTH && vh >= FULL_HEIGHT + 2 * FULL_INSET) {
    const maxWidth = Math.min(MAX_FULL_WIDTH, roomW);
    const w = Math.min(maxWidth, Math.max(1, Math.ceil(fullWidth)));
    return { show: true, compact: false, rect: inCorner(visible, corner, w, FULL_HEIGHT, FULL_INSET), maxWidth };
  }
  const d = dotSize(side);
  if (vw < d + 2 * DOT_INSET || vh < d + 2 * DOT_INSET) return { show: false };
  return { show: true, compact: true, rect: inCorner(visible, corner, d, d, DOT_INSET), maxWidth: d };
}

/**
 * Sample points of a planned badge rectangle to hit-test for covering elements: two opposite corners, 1 px
 * inside. A header, footer or side bar over any edge of the badge covers one of them; two points keep the
 * per-frame hit tests cheap.
 */
export function probePoints(r: Rect): Array<[number, number]> {
  return [[r.left + 1, r.top + 1], [r.right - 1, r.bottom - 1]];
}
