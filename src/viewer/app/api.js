/**
 * Fetching from the viewer's server: JSON for small descriptions, binary columns (wire.js) for
 * slices. Slices are cached per URL, so returning to a pixel or region costs no request.
 */
import { decodeColumns } from "./wire.js";

/** @typedef {import("./wire.js").Columns} Columns */

/** @type {Map<string, Promise<Columns>>} */
const cache = new Map();
const MAX_CACHED = 200;

/**
 * @template T
 * @param {string} path
 * @returns {Promise<T>}
 */
export async function getJson(path) {
  const r = await fetch(path);
  if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
  return r.json();
}

/**
 * @param {string} path
 * @returns {Promise<Columns>}
 */
export function getColumns(path) {
  let p = cache.get(path);
  if (!p) {
    p = fetch(path).then(async (r) => {
      if (!r.ok) throw new Error(`${path}: ${r.status} ${await r.text()}`);
      return decodeColumns(await r.arrayBuffer());
    });
    p.catch(() => cache.delete(path));
    if (cache.size >= MAX_CACHED) cache.delete(/** @type {string} */ (cache.keys().next().value));
    cache.set(path, p);
  }
  return p;
}

/** Forget every cached slice (the results changed: a live run). */
export function clearCache() {
  cache.clear();
}

/**
 * A query string from parameters.
 * @param {string} endpoint
 * @param {Record<string, string | number>} params
 */
export function url(endpoint, params) {
  const q = new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)]));
  return `/api/${endpoint}?${q}`;
}

/**
 * A column by name; a missing one is a bug in the server or the client.
 * @param {Columns} c
 * @param {string} name
 */
export function col(c, name) {
  const a = c.columns[name];
  if (!a) throw new Error(`no column ${name}`);
  return a;
}
