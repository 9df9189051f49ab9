/**
 * Scales (data → pixels) and tick choice. Linear ticks are 1, 2 or 5 × 10^k; log ticks are
 * decades, with 2 and 5 added when the range spans fewer than three decades.
 */

/**
 * @typedef {object} Scale
 * @property {"linear" | "log"} type
 * @property {[number, number]} domain
 * @property {[number, number]} range
 * @property {(v: number) => number} map data → pixel (NaN for values a log scale cannot show)
 * @property {(px: number) => number} invert pixel → data
 * @property {(count?: number) => number[]} ticks
 * @property {(v: number, step?: number) => string} format tick label; `step` is the spacing of the ticks shown
 */

/**
 * The step of about `count` ticks over [lo, hi]: 1, 2 or 5 × 10^k.
 * @param {number} lo
 * @param {number} hi
 * @param {number} count
 */
export function tickStep(lo, hi, count) {
  const raw = Math.abs(hi - lo) / Math.max(1, count);
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const p = 10 ** Math.floor(Math.log10(raw));
  const m = raw / p;
  return (m < 1.5 ? 1 : m < 3.5 ? 2 : m < 7.5 ? 5 : 10) * p;
}

/**
 * Tick values inside [lo, hi] (either order), multiples of tickStep.
 * @param {number} lo
 * @param {number} hi
 * @param {number} [count]
 */
export function linearTicks(lo, hi, count = 5) {
  const a = Math.min(lo, hi);
  const b = Math.max(lo, hi);
  const step = tickStep(a, b, count);
  const out = [];
  // integer multiples of the step rounded to 12 digits, so 3 × 0.1 is 0.3, not 0.30000000000000004
  for (let i = Math.ceil(a / step - 1e-9); i <= Math.floor(b / step + 1e-9); i++)
    out.push(Number((i * step).toPrecision(12)));
  return out;
}

/**
 * Tick values of a log axis inside [lo, hi] (both > 0).
 * @param {number} lo
 * @param {number} hi
 */
export function logTicks(lo, hi) {
  const a = Math.min(lo, hi);
  const b = Math.max(lo, hi);
  const e0 = Math.floor(Math.log10(a));
  const e1 = Math.ceil(Math.log10(b));
  const mantissas = e1 - e0 < 3 ? [1, 2, 5] : [1];
  const every = Math.max(1, Math.ceil((e1 - e0) / 8)); // at most ~8 decade labels
  const out = [];
  for (let e = e0; e <= e1; e += mantissas.length > 1 ? 1 : every)
    for (const m of mantissas) {
      const v = Number(`${m}e${e}`); // exact decimal: 10 ** -4 is 0.00009999…
      if (v >= a * (1 - 1e-9) && v <= b * (1 + 1e-9)) out.push(v);
    }
  return out;
}

/**
 * A tick label with as many decimals as the step needs; exponents for very large or small values.
 * @param {number} v
 * @param {number} step
 */
export function formatTick(v, step) {
  if (v === 0) return "0";
  const a = Math.abs(v);
  // exponents for very large or small values, and for every tick of an axis whose step is that
  // small, so one axis does not mix 0.0010 with 9e-4
  if (a >= 1e5 || a < 1e-3 || (step < 1e-3 && a < 1e-2)) {
    const e = Math.floor(Math.log10(a) + 1e-9);
    const m = v / 10 ** e;
    const need = Math.max(0, Math.min(3, e - Math.floor(Math.log10(step) + 1e-9)));
    const ms =
      Math.abs(m - Math.round(m)) < 1e-6 && need === 0 ? String(Math.round(m)) : m.toFixed(Math.max(1, need));
    return ms === "1" ? `1e${e}` : `${ms}e${e}`;
  }
  const decimals = Math.max(0, Math.min(8, -Math.floor(Math.log10(step) + 1e-9)));
  return v.toFixed(decimals);
}

/**
 * @param {[number, number]} domain
 * @param {[number, number]} range
 * @returns {Scale}
 */
export function linearScale(domain, range) {
  let [d0, d1] = domain;
  if (d0 === d1 || !Number.isFinite(d0) || !Number.isFinite(d1)) {
    // a flat or empty domain still needs an axis: centre it on the one value
    const c = Number.isFinite(d0) ? d0 : 0;
    const h = c === 0 ? 1 : Math.abs(c) * 0.1;
    d0 = c - h;
    d1 = c + h;
  }
  const [r0, r1] = range;
  const k = (r1 - r0) / (d1 - d0);
  return {
    type: "linear",
    domain: [d0, d1],
    range: [r0, r1],
    map: (v) => r0 + (v - d0) * k,
    invert: (px) => d0 + (px - r0) / k,
    ticks: (count = 5) => linearTicks(d0, d1, count),
    format: (v, step) => formatTick(v, step ?? tickStep(d0, d1, 5)),
  };
}

/**
 * @param {[number, number]} domain both > 0
 * @param {[number, number]} range
 * @returns {Scale}
 */
export function logScale(domain, range) {
  let [d0, d1] = domain;
  if (!(d0 > 0) || !(d1 > 0) || d0 === d1) {
    const c = d0 > 0 ? d0 : d1 > 0 ? d1 : 1;
    d0 = c / 10;
    d1 = c * 10;
  }
  const l0 = Math.log10(d0);
  const l1 = Math.log10(d1);
  const [r0, r1] = range;
  const k = (r1 - r0) / (l1 - l0);
  return {
    type: "log",
    domain: [d0, d1],
    range: [r0, r1],
    map: (v) => (v > 0 ? r0 + (Math.log10(v) - l0) * k : Number.NaN),
    invert: (px) => 10 ** (l0 + (px - r0) / k),
    ticks: () => logTicks(d0, d1),
    format: (v) => formatTick(v, v),
  };
}

/**
 * @param {"linear" | "log"} type
 * @param {[number, number]} domain
 * @param {[number, number]} range
 */
export function makeScale(type, domain, range) {
  return type === "log" ? logScale(domain, range) : linearScale(domain, range);
}

/**
 * Finite [min, max] over several arrays; with `positive`, only values > 0 count (log axes).
 * Returns [NaN, NaN] when nothing qualifies.
 * @param {ArrayLike<number>[]} arrays
 * @param {boolean} [positive]
 * @returns {[number, number]}
 */
export function extent(arrays, positive = false) {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const a of arrays)
    for (let i = 0; i < a.length; i++) {
      const v = a[i];
      if (v === undefined || !Number.isFinite(v) || (positive && v <= 0)) continue;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
  return lo <= hi ? [lo, hi] : [Number.NaN, Number.NaN];
}

/**
 * Widen [lo, hi] by a fraction of its span on each side (linear) or a factor (log).
 * @param {[number, number]} d
 * @param {"linear" | "log"} type
 * @param {number} [frac]
 * @returns {[number, number]}
 */
export function pad(d, type, frac = 0.04) {
  if (type === "log") {
    const f = (d[1] / d[0]) ** frac;
    return [d[0] / f, d[1] * f];
  }
  const s = (d[1] - d[0]) * frac;
  return [d[0] - s, d[1] + s];
}

/**
 * [q_lo, q_hi] quantiles of the finite values: a colour range that a few hot pixels or dead
 * frames do not wash out.
 * @param {ArrayLike<number>} values
 * @param {number} [lo]
 * @param {number} [hi]
 * @returns {[number, number]}
 */
export function quantileDomain(values, lo = 0.01, hi = 0.99) {
  const f = [];
  for (let i = 0; i < values.length; i++) {
    const v = /** @type {number} */ (values[i]);
    if (Number.isFinite(v)) f.push(v);
  }
  if (f.length === 0) return [0, 1];
  const s = Float64Array.from(f).sort();
  const at = (/** @type {number} */ p) =>
    /** @type {number} */ (s[Math.min(s.length - 1, Math.floor(p * (s.length - 1) + 0.5))]);
  const a = at(lo);
  const b = at(hi);
  return a < b ? [a, b] : [a - 0.5, a + 0.5];
}

/**
 * The p-th quantile (p ∈ [0, 1]) of ascending values, interpolated linearly between neighbours
 * (numpy's default `percentile`, so a figure's range can be checked against it).
 * @param {ArrayLike<number>} sorted
 * @param {number} p
 */
export function quantileSorted(sorted, p) {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const at = Math.min(n - 1, Math.max(0, p * (n - 1)));
  const i = Math.floor(at);
  const a = /** @type {number} */ (sorted[i]);
  const b = /** @type {number} */ (sorted[Math.min(n - 1, i + 1)]);
  return a + (b - a) * (at - i);
}

/**
 * A colour range from robust percentiles (default 2nd–98th) of the finite values of every array
 * together: one hot pixel does not wash out the rest, and maps shown side by side can share it.
 * A flat set gets a range centred on its one value. [0, 1] when nothing is finite.
 * @param {ArrayLike<number>[]} sets
 * @param {{ lo?: number, hi?: number }} [o] percentiles as fractions
 * @returns {[number, number]}
 */
export function robustDomain(sets, o = {}) {
  /** @type {number[]} */
  const f = [];
  for (const a of sets)
    for (let i = 0; i < a.length; i++) {
      const v = /** @type {number} */ (a[i]);
      if (Number.isFinite(v)) f.push(v);
    }
  if (f.length === 0) return [0, 1];
  const s = Float64Array.from(f).sort();
  const a = quantileSorted(s, o.lo ?? 0.02);
  const b = quantileSorted(s, o.hi ?? 0.98);
  if (a < b) return [a, b];
  const h = a === 0 ? 0.5 : Math.abs(a) * 0.01;
  return [a - h, a + h];
}

/**
 * A colour range centred on 0 for a signed quantity (a difference map, shown with a diverging
 * colour map): ±the robust 98th percentile of |v|, so 0 is the centre colour and the sign reads
 * at a glance. [−1, 1] when nothing is finite or all is 0.
 * @param {ArrayLike<number>} values
 * @param {number} [p] the percentile of |v| as a fraction
 * @returns {[number, number]}
 */
export function symmetricDomain(values, p = 0.98) {
  /** @type {number[]} */
  const f = [];
  for (let i = 0; i < values.length; i++) {
    const v = /** @type {number} */ (values[i]);
    if (Number.isFinite(v)) f.push(Math.abs(v));
  }
  const m = f.length ? quantileSorted(Float64Array.from(f).sort(), p) : 0;
  return m > 0 ? [-m, m] : [-1, 1];
}

/**
 * Colour ranges for several maps of one quantity (a band at several SODs): by default one range
 * for all, the robust percentiles of all their values, so equal colours mean equal values across
 * the maps; `shared: false` gives each map its own (robust) range.
 * @param {ArrayLike<number>[]} sets one array of values per map
 * @param {{ shared?: boolean, lo?: number, hi?: number }} [o]
 * @returns {[number, number][]} one range per map
 */
export function colorDomains(sets, o = {}) {
  if (o.shared === false) return sets.map((v) => robustDomain([v], o));
  const d = robustDomain(sets, o);
  return sets.map(() => /** @type {[number, number]} */ ([d[0], d[1]]));
}

/**
 * Whether some finite values lie below / above a colour range (drawn as end arrows on the colour
 * bar, so a clipped colour is never read as the range's end value).
 * @param {ArrayLike<number>} values
 * @param {[number, number]} domain
 */
export function outside(values, domain) {
  let below = false;
  let above = false;
  for (let i = 0; i < values.length; i++) {
    const v = /** @type {number} */ (values[i]);
    if (v < domain[0]) below = true;
    else if (v > domain[1]) above = true;
  }
  return { below, above };
}
