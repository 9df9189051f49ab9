/**
 * Colour maps as 256-entry RGB tables. Viridis is rebuilt from nine published samples of
 * matplotlib's viridis (at 0, 1/8, …, 1) by linear interpolation in sRGB: between samples the
 * difference from the real map is below 3/255 per channel, far under what a figure shows.
 */

/** @typedef {{ name: string, table: Uint8Array }} Colormap 256 × RGB */

/** @type {[number, number, number][]} */
const VIRIDIS_SAMPLES = [
  [68, 1, 84],
  [71, 45, 123],
  [59, 82, 139],
  [44, 114, 142],
  [33, 145, 140],
  [40, 174, 128],
  [94, 201, 98],
  [173, 220, 48],
  [253, 231, 37],
];

/** @type {[number, number, number][]} */
const GRAY_SAMPLES = [
  [250, 250, 250],
  [20, 20, 20],
];

/**
 * A table of 256 colours by linear interpolation between evenly spaced samples.
 * @param {[number, number, number][]} samples
 */
function fromSamples(samples) {
  const t = new Uint8Array(256 * 3);
  const segs = samples.length - 1;
  for (let i = 0; i < 256; i++) {
    const f = (i / 255) * segs;
    const k = Math.min(segs - 1, Math.floor(f));
    const w = f - k;
    const a = /** @type {[number, number, number]} */ (samples[k]);
    const b = /** @type {[number, number, number]} */ (samples[k + 1]);
    for (let c = 0; c < 3; c++) t[i * 3 + c] = Math.round(a[c] + (b[c] - a[c]) * w);
  }
  return t;
}

/** @type {Record<string, Colormap>} */
export const COLORMAPS = {
  viridis: { name: "viridis", table: fromSamples(VIRIDIS_SAMPLES) },
  gray: { name: "gray", table: fromSamples(GRAY_SAMPLES) },
};

/**
 * ColorBrewer's 11-class RdBu (Cynthia Brewer, colorbrewer2.org), blue for negative, white at the
 * centre, red for positive: for signed quantities on a range centred on 0 (difference maps). Kept
 * apart from COLORMAPS, whose members are sequential (monotonic in lightness); this one is not.
 * @type {[number, number, number][]}
 */
const RDBU_SAMPLES = [
  [5, 48, 97],
  [33, 102, 172],
  [67, 147, 195],
  [146, 197, 222],
  [209, 229, 240],
  [247, 247, 247],
  [253, 219, 199],
  [244, 165, 130],
  [214, 96, 77],
  [178, 24, 43],
  [103, 0, 31],
];

/** @type {Record<string, Colormap>} */
export const DIVERGING = {
  rdbu: { name: "rdbu", table: fromSamples(RDBU_SAMPLES) },
};

/**
 * @param {string} name
 * @returns {Colormap}
 */
export function colormap(name) {
  const c = COLORMAPS[name] ?? DIVERGING[name];
  if (!c) throw new Error(`unknown colour map ${name}`);
  return c;
}

/**
 * Table index for t in [0, 1] (clamped).
 * @param {number} t
 */
function index(t) {
  return Math.round(Math.min(1, Math.max(0, t)) * 255);
}

/**
 * CSS colour of t ∈ [0, 1].
 * @param {Colormap} cmap
 * @param {number} t
 */
export function colorAt(cmap, t) {
  const i = index(t) * 3;
  const hex = (/** @type {number} */ v) => v.toString(16).padStart(2, "0");
  return `#${hex(cmap.table[i] ?? 0)}${hex(cmap.table[i + 1] ?? 0)}${hex(cmap.table[i + 2] ?? 0)}`;
}

/**
 * Write one RGBA pixel for value v on [lo, hi]; non-finite values become `nan` (default light grey).
 * @param {Uint8Array | Uint8ClampedArray} out
 * @param {number} offset byte offset of the pixel
 * @param {Colormap} cmap
 * @param {number} v
 * @param {number} lo
 * @param {number} hi
 * @param {[number, number, number, number]} [nan]
 */
export function putColor(out, offset, cmap, v, lo, hi, nan = [230, 230, 230, 255]) {
  if (!Number.isFinite(v)) {
    out.set(nan, offset);
    return;
  }
  const i = index(hi === lo ? 0.5 : (v - lo) / (hi - lo)) * 3;
  out[offset] = cmap.table[i] ?? 0;
  out[offset + 1] = cmap.table[i + 1] ?? 0;
  out[offset + 2] = cmap.table[i + 2] ?? 0;
  out[offset + 3] = 255;
}

/**
 * Distinct colours for categories (regions, phases, half-cycles); chosen to stay apart from each
 * other and readable on white.
 */
export const CATEGORICAL = [
  "#1f6fb4",
  "#e8731a",
  "#2a9d3c",
  "#c9262b",
  "#7d55b5",
  "#8a5a44",
  "#d4549f",
  "#6f7378",
];

/**
 * @param {number} i
 */
export function categorical(i) {
  return CATEGORICAL[((i % CATEGORICAL.length) + CATEGORICAL.length) % CATEGORICAL.length] ?? "#000";
}
