/**
 * The binary format of the viewer's slices: named typed-array columns behind a small JSON header,
 * so curves and images travel as raw float32 (not as JSON text ten times larger) and the browser
 * reads them without copying (each column is a view on the received buffer).
 *
 *   u32 LE  header length N
 *   N bytes UTF-8 JSON { meta, columns: [{ name, dtype, length }] }, zero-padded to 8 bytes
 *   each column's little-endian values, padded to 8 bytes
 *
 * Shared by the server (encode) and the browser (decode): plain JavaScript with JSDoc types.
 */

/** @typedef {Float64Array | Float32Array | Int32Array} Column */
/** @typedef {{ name: string, dtype: "f64" | "f32" | "i32", length: number }} ColumnInfo */
/** @typedef {{ meta: Record<string, unknown>, columns: Record<string, Column> }} Columns */

/** @param {number} n */
const align8 = (n) => (n + 7) & ~7;

/** @param {Column} a @returns {"f64" | "f32" | "i32"} */
function dtypeOf(a) {
  if (a instanceof Float64Array) return "f64";
  if (a instanceof Float32Array) return "f32";
  return "i32";
}

/**
 * @param {Record<string, Column>} columns
 * @param {Record<string, unknown>} [meta]
 * @returns {Uint8Array}
 */
export function encodeColumns(columns, meta = {}) {
  if (new Uint8Array(new Uint16Array([1]).buffer)[0] !== 1)
    throw new Error("big-endian hosts are not supported");
  const infos = Object.entries(columns).map(([name, a]) => ({ name, dtype: dtypeOf(a), length: a.length }));
  const header = new TextEncoder().encode(JSON.stringify({ meta, columns: infos }));
  let size = align8(4 + header.length);
  for (const a of Object.values(columns)) size += align8(a.byteLength);
  const out = new Uint8Array(size);
  new DataView(out.buffer).setUint32(0, header.length, true);
  out.set(header, 4);
  let off = align8(4 + header.length);
  for (const a of Object.values(columns)) {
    out.set(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), off);
    off += align8(a.byteLength);
  }
  return out;
}

/**
 * @param {ArrayBuffer} buf
 * @returns {Columns}
 */
export function decodeColumns(buf) {
  const n = new DataView(buf).getUint32(0, true);
  /** @type {{ meta: Record<string, unknown>, columns: ColumnInfo[] }} */
  const header = JSON.parse(new TextDecoder().decode(new Uint8Array(buf, 4, n)));
  /** @type {Record<string, Column>} */
  const columns = {};
  let off = align8(4 + n);
  for (const c of header.columns) {
    const Ctor = c.dtype === "f64" ? Float64Array : c.dtype === "f32" ? Float32Array : Int32Array;
    columns[c.name] = new Ctor(buf, off, c.length);
    off += align8(c.length * Ctor.BYTES_PER_ELEMENT);
  }
  return { meta: header.meta, columns };
}
