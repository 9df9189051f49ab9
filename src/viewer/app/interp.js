/**
 * Maps at any time from the frame-level band values: each scan point was measured once per sweep,
 * at its own time, so the value at time t is interpolated linearly between that point's visits
 * before and after t (and held at the first or last visit outside them).
 */

/**
 * @typedef {object} PixelSeries visits grouped by scan point, in time order (CSR layout)
 * @property {Int32Array} start visits of pixel p are [start[p], start[p + 1])
 * @property {Float64Array} time
 * @property {Float32Array} value
 */

/**
 * @param {ArrayLike<number>} time
 * @param {ArrayLike<number>} pixel
 * @param {ArrayLike<number>} value
 * @param {number} nPixels
 * @returns {PixelSeries}
 */
export function groupByPixel(time, pixel, value, nPixels) {
  const count = new Int32Array(nPixels + 1);
  for (let i = 0; i < pixel.length; i++) {
    const p = /** @type {number} */ (pixel[i]);
    if (p >= 0 && p < nPixels && Number.isFinite(value[i])) count[p + 1] = (count[p + 1] ?? 0) + 1;
  }
  for (let p = 0; p < nPixels; p++) count[p + 1] = (count[p + 1] ?? 0) + (count[p] ?? 0);
  const start = Int32Array.from(count);
  const fill = Int32Array.from(count);
  const n = start[nPixels] ?? 0;
  const t = new Float64Array(n);
  const v = new Float32Array(n);
  const order = Array.from({ length: time.length }, (_, i) => i).sort(
    (a, b) => /** @type {number} */ (time[a]) - /** @type {number} */ (time[b]),
  );
  for (const i of order) {
    const p = /** @type {number} */ (pixel[i]);
    if (!(p >= 0 && p < nPixels) || !Number.isFinite(value[i])) continue;
    const k = fill[p] ?? 0;
    fill[p] = k + 1;
    t[k] = /** @type {number} */ (time[i]);
    v[k] = /** @type {number} */ (value[i]);
  }
  return { start, time: t, value: v };
}

/**
 * The map at time t (NaN for a scan point never measured).
 * @param {PixelSeries} s
 * @param {number} t
 * @param {Float32Array} [out]
 */
export function mapAt(s, t, out) {
  const nPix = s.start.length - 1;
  const m = out ?? new Float32Array(nPix);
  for (let p = 0; p < nPix; p++) {
    const a = /** @type {number} */ (s.start[p]);
    const b = /** @type {number} */ (s.start[p + 1]);
    if (b <= a) {
      m[p] = Number.NaN;
      continue;
    }
    if (t <= /** @type {number} */ (s.time[a])) {
      m[p] = /** @type {number} */ (s.value[a]);
      continue;
    }
    if (t >= /** @type {number} */ (s.time[b - 1])) {
      m[p] = /** @type {number} */ (s.value[b - 1]);
      continue;
    }
    let lo = a;
    let hi = b - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (/** @type {number} */ (s.time[mid]) <= t) lo = mid;
      else hi = mid;
    }
    const t0 = /** @type {number} */ (s.time[lo]);
    const t1 = /** @type {number} */ (s.time[hi]);
    const w = t1 > t0 ? (t - t0) / (t1 - t0) : 0;
    m[p] = /** @type {number} */ (s.value[lo]) * (1 - w) + /** @type {number} */ (s.value[hi]) * w;
  }
  return m;
}

/**
 * Index of the last element of an ascending array that is ≤ v (0 when v is before the first).
 * @param {ArrayLike<number>} a
 * @param {number} v
 */
export function floorIndex(a, v) {
  let lo = 0;
  let hi = a.length - 1;
  if (hi < 0 || !(v >= /** @type {number} */ (a[0]))) return 0;
  while (hi > lo) {
    const mid = (lo + hi + 1) >> 1;
    if (/** @type {number} */ (a[mid]) <= v) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/**
 * Index of the element nearest to v in an ascending array.
 * @param {ArrayLike<number>} a
 * @param {number} v
 */
export function nearest(a, v) {
  const i = floorIndex(a, v);
  if (
    i + 1 < a.length &&
    Math.abs(/** @type {number} */ (a[i + 1]) - v) < Math.abs(/** @type {number} */ (a[i]) - v)
  )
    return i + 1;
  return i;
}
