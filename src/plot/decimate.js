/**
 * Polyline path data at screen resolution. Consecutive points that fall in the same pixel column
 * are reduced to first, min, max and last (the "M4" rule), which draws exactly the same pixels as
 * all of them; a curve of 100 000 points becomes at most 4 × width vertices.
 */
import { num } from "./svg.js";

/**
 * SVG path data for y(x) through the scales; the line breaks at values a scale cannot place
 * (NaN, or ≤ 0 on a log axis).
 * @param {ArrayLike<number>} xs
 * @param {ArrayLike<number>} ys
 * @param {(v: number) => number} sx
 * @param {(v: number) => number} sy
 * @param {number} [yOffset] added to y in data units before mapping (waterfall offsets)
 * @param {number} [yFactor] multiplied into y before mapping (log-axis waterfall offsets)
 */
export function pathData(xs, ys, sx, sy, yOffset = 0, yFactor = 1) {
  const n = Math.min(xs.length, ys.length);
  /** @type {string[]} */
  const parts = [];
  let pen = false;
  /** @type {number[]} pixel column bucket: [col, firstY, minY, maxY, lastY] */
  let bucket = [];
  let bx = 0;
  const flush = () => {
    if (bucket.length === 0) return;
    const [, first, lo, hi, last] = /** @type {[number, number, number, number, number]} */ (bucket);
    const pts = [first];
    if (lo !== first && lo !== last) pts.push(lo);
    if (hi !== first && hi !== last && hi !== lo) pts.push(hi);
    if (last !== first) pts.push(last);
    for (const y of pts) {
      parts.push(`${pen ? "L" : "M"}${num(bx)} ${num(y)}`);
      pen = true;
    }
    bucket = [];
  };
  for (let i = 0; i < n; i++) {
    const x = sx(/** @type {number} */ (xs[i]));
    const y = sy(/** @type {number} */ (ys[i]) * yFactor + yOffset);
    if (!Number.isFinite(x) || !Number.isFinite(y)) {
      flush();
      pen = false;
      continue;
    }
    const col = Math.round(x);
    if (bucket.length && bucket[0] === col) {
      bucket[2] = Math.min(/** @type {number} */ (bucket[2]), y);
      bucket[3] = Math.max(/** @type {number} */ (bucket[3]), y);
      bucket[4] = y;
    } else {
      flush();
      bucket = [col, y, y, y, y];
      bx = x;
    }
  }
  flush();
  return parts.join("");
}
