/**
 * Saving figures and their numbers: SVG as drawn, PNG rendered from the SVG at twice the screen
 * resolution, CSV of the curves.
 */

/**
 * @param {Blob} blob
 * @param {string} name
 */
function save(blob, name) {
  const a = document.createElement("a");
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
}

/**
 * @param {string} text
 * @param {string} name
 * @param {string} type
 */
export function downloadText(text, name, type) {
  save(new Blob([text], { type }), name);
}

/**
 * @param {string} csv
 * @param {string} name
 */
export function downloadCsv(csv, name) {
  downloadText(csv, name, "text/csv");
}

/**
 * PNG bytes of an SVG figure, drawn by the browser at `scale` × its size.
 * @param {string} svg
 * @param {number} [scale]
 * @returns {Promise<Blob>}
 */
export async function svgToPng(svg, scale = 2) {
  const img = new Image();
  const src = URL.createObjectURL(new Blob([svg], { type: "image/svg+xml" }));
  try {
    img.src = src;
    await img.decode();
    const canvas = document.createElement("canvas");
    canvas.width = Math.round(img.naturalWidth * scale);
    canvas.height = Math.round(img.naturalHeight * scale);
    const ctx = canvas.getContext("2d");
    if (!ctx) throw new Error("no 2D canvas");
    ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
    return await new Promise((ok, bad) =>
      canvas.toBlob((b) => (b ? ok(b) : bad(new Error("PNG encoding failed"))), "image/png"),
    );
  } finally {
    URL.revokeObjectURL(src);
  }
}

/**
 * @param {string} svg
 * @param {string} name
 */
export async function downloadPng(svg, name) {
  save(await svgToPng(svg), name);
}

/**
 * CSV text from named columns of equal length.
 * @param {string[]} header
 * @param {ArrayLike<number | string>[]} columns
 */
export function toCsv(header, columns) {
  const n = Math.max(0, ...columns.map((c) => c.length));
  const lines = [header.join(",")];
  for (let i = 0; i < n; i++) lines.push(columns.map((c) => fmt(c[i])).join(","));
  return `${lines.join("\n")}\n`;
}

/** @param {number | string | undefined} v */
function fmt(v) {
  if (v === undefined) return "";
  if (typeof v === "string") return v;
  return Number.isFinite(v) ? String(v) : "";
}

/**
 * The browser's PNG encoder for heatmap images (plot library's `encodePng`).
 * @param {Uint8Array} rgba
 * @param {number} w
 * @param {number} h
 */
export function encodePng(rgba, w, h) {
  const c = document.createElement("canvas");
  c.width = w;
  c.height = h;
  const ctx = c.getContext("2d");
  if (!ctx) throw new Error("no 2D canvas");
  const img = ctx.createImageData(w, h);
  img.data.set(rgba);
  ctx.putImageData(img, 0, 0);
  return c.toDataURL("image/png");
}
