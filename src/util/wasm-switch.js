/**
 * SWAXS_KERNEL=js runs the JavaScript reference of every WebAssembly path (the integration kernel,
 * CBF byte-offset decoding): the one place that setting is read. Plain JavaScript typed with
 * JSDoc, so worker threads load it without a TypeScript loader.
 */

/** @returns {boolean} true when the JavaScript references are asked for instead of WebAssembly */
export function referenceWanted() {
  return globalThis.process?.env?.SWAXS_KERNEL === "js";
}
