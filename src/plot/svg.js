/**
 * SVG text building: escaping, compact numbers, elements. Figures are built as strings so the same
 * code runs in the browser (innerHTML) and in Node (files, reports) without a DOM.
 */

/** @type {Record<string, string>} */
const ENTITIES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

/**
 * Text safe inside XML content and double-quoted attributes.
 * @param {unknown} s
 */
export function esc(s) {
  return String(s).replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

/**
 * A coordinate with two decimals: finer than any screen pixel, and it keeps paths short.
 * @param {number} v
 */
export function num(v) {
  const r = Math.round(v * 100) / 100;
  return Object.is(r, -0) ? "0" : String(r);
}

/**
 * One element. Attributes with undefined or null values are left out; numbers go through num().
 * @param {string} name
 * @param {Record<string, string | number | undefined | null>} attrs
 * @param {string} [children] already-built SVG text; omitted → a self-closing element
 */
export function el(name, attrs, children) {
  let s = `<${name}`;
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null) continue;
    s += ` ${k}="${typeof v === "number" ? num(v) : esc(v)}"`;
  }
  return children === undefined ? `${s}/>` : `${s}>${children}</${name}>`;
}

/**
 * A text element; `anchor` is start | middle | end.
 * @param {number} x
 * @param {number} y
 * @param {string} text
 * @param {{ anchor?: string, size?: number, color?: string, rotate?: number, weight?: string, baseline?: string }} [o]
 */
export function text(x, y, text, o = {}) {
  return el(
    "text",
    {
      x,
      y,
      "text-anchor": o.anchor ?? "start",
      "font-size": o.size ?? 11,
      fill: o.color ?? "#222",
      "font-weight": o.weight,
      "dominant-baseline": o.baseline,
      transform: o.rotate ? `rotate(${num(o.rotate)} ${num(x)} ${num(y)})` : undefined,
    },
    esc(text),
  );
}

/**
 * The root element. Width and height are in CSS pixels; the viewBox matches, so the figure is
 * drawn at screen resolution when shown at its natural size.
 * @param {number} width
 * @param {number} height
 * @param {string} body
 */
export function svgRoot(width, height, body) {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${num(width)}" height="${num(height)}" ` +
    `viewBox="0 0 ${num(width)} ${num(height)}" font-family="Helvetica, Arial, sans-serif">` +
    `<rect width="100%" height="100%" fill="#fff"/>${body}</svg>`
  );
}

/**
 * Rough text width for layout (no font metrics without a DOM): 0.6 em per character.
 * @param {string} s
 * @param {number} size
 */
export function textWidth(s, size) {
  return s.length * size * 0.6;
}

let idSeq = 0;

/**
 * An id unique within this page or process. Inline SVGs share one id space in an HTML page, so
 * clip paths need distinct ids; a counter (not a random number) keeps the output reproducible.
 * @param {string} prefix
 */
export function nextId(prefix) {
  idSeq += 1;
  return `${prefix}-${idSeq}`;
}
