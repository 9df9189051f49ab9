/**
 * Decoding one bitshuffle-LZ4 chunk (HDF5 filter 32008 with cd_values[4] = 2, as Eiger detectors
 * and h5py/hdf5plugin write it). The format, from bitshuffle's README and bshuf_h5filter.c:
 *
 *   uint64 big-endian  uncompressed size in bytes
 *   uint32 big-endian  block size in bytes (0: bitshuffle's default, 8192 bytes rounded to 8 elements)
 *   blocks             uint32 big-endian compressed size + an LZ4 raw block, each a bit-transposed
 *                      block (see bslz4-wat.ts); the last holds the leftover elements rounded
 *                      down to a multiple of 8
 *   tail               the final (n mod 8) elements as they are
 *
 * The WebAssembly decoder (bslz4-wat.ts, compiled into bslz4-wasm.js) is what runs; the JavaScript
 * below is the reference it equals, used with SWAXS_KERNEL=js. Both check every length against the
 * input and the output: a malformed chunk is an InputError, never a write outside the output.
 */
import { referenceWanted } from "../util/wasm-switch.js";
import { BSLZ4_WASM_BASE64 } from "./bslz4-wasm.js";
import type { PixelArray } from "./types.js";

/** What went wrong, by the decoders' status code. */
const STATUS: Record<number, string> = {
  1: "a block's size field runs past the end of the chunk (truncated?)",
  2: "LZ4 data is malformed or runs past its block (truncated or corrupt)",
  3: "LZ4 data decodes to the wrong number of bytes (corrupt)",
  4: "an LZ4 match points before the start of its block (corrupt)",
  5: "the chunk ends before its last elements (truncated)",
};

/** bshuf_default_block_size: 8192 bytes of elements, a multiple of 8 elements, at least 128. */
function defaultBlock(elemSize: number): number {
  return Math.max(128, Math.floor(8192 / elemSize / 8) * 8);
}

/** The header's block size in elements (checked), or a problem. */
export function readHeader(
  chunk: Uint8Array,
  bytes: number,
  elemSize: number,
): { block: number } | { problem: string } {
  if (chunk.length < 12)
    return { problem: `bitshuffle chunk of ${chunk.length} bytes has no 12-byte header` };
  const view = new DataView(chunk.buffer, chunk.byteOffset, 12);
  const total = view.getUint32(0) * 2 ** 32 + view.getUint32(4);
  if (total !== bytes) return { problem: `bitshuffle chunk holds ${total} bytes, expected ${bytes}` };
  const blockBytes = view.getUint32(8);
  const block = blockBytes === 0 ? defaultBlock(elemSize) : blockBytes / elemSize;
  if (!Number.isInteger(block) || block % 8 !== 0 || block === 0) {
    return { problem: `bitshuffle block size ${blockBytes} bytes is not a multiple of 8 elements` };
  }
  return { block };
}

/** A typed array of the frame's element type (its constructor views wasm memory for the copy). */
export type ElementArray = PixelArray | BigInt64Array | BigUint64Array;

/**
 * Decode a bitshuffle-LZ4 chunk into `out` (its element size is the chunk's; its length the
 * element count), or throw `fail(problem)`. The bytes land as stored (file byte order).
 */
export function decodeBslz4(chunk: Uint8Array, out: ElementArray, fail: (problem: string) => never): void {
  const s = out.BYTES_PER_ELEMENT;
  const n = out.length;
  const head = readHeader(chunk, n * s, s);
  if ("problem" in head) fail(head.problem);
  const r = (referenceWanted() ? decodeJs : decodeWasm)(chunk, out, Math.min(head.block, n), head.block);
  if (r !== 0) fail(`bitshuffle-LZ4: ${STATUS[r] ?? `status ${r}`}`);
}

/** Decode into out; `scratch` elements of room a block; 0 or a status. */
type Decode = (chunk: Uint8Array, out: ElementArray, scratch: number, block: number) => number;

// ---------------------------------------------------------------------------------------------
// WebAssembly

interface Module {
  memory: WebAssembly.Memory;
  decode: (...args: number[]) => number;
}

let wasm: Module | undefined;

/** The module's memory, grown to at least `bytes`. One instance per thread. */
function memoryFor(bytes: number): Module {
  wasm ??= (() => {
    const mod = new WebAssembly.Module(Buffer.from(BSLZ4_WASM_BASE64, "base64"));
    return new WebAssembly.Instance(mod).exports as unknown as Module;
  })();
  const have = wasm.memory.buffer.byteLength;
  if (bytes > have) wasm.memory.grow(Math.ceil((bytes - have) / 65536));
  return wasm;
}

const SLACK = 64;
const up = (x: number) => Math.ceil(x / 16) * 16;

/**
 * The chunk's layout in wasm memory: input at 512 (below it the module's tables), then scratch A (LZ4 output), scratch B (byte
 * planes), then the output, each followed by 64 bytes of slack for the 32-byte wild copies.
 */
export function wasmLayout(chunkBytes: number, scratchBytes: number, outBytes: number) {
  const src = 512;
  const a = src + up(chunkBytes) + SLACK;
  const b = a + up(scratchBytes) + SLACK;
  const out = b + up(scratchBytes) + SLACK;
  return { src, a, b, out, end: out + up(outBytes) + SLACK };
}

/** Where the next chunk should be read to, so that decodeWasmInPlace needs no copy. */
export function wasmInput(chunkBytes: number, bytes: number): Uint8Array {
  const at = wasmLayout(chunkBytes, bytes, bytes);
  const m = memoryFor(at.end);
  return new Uint8Array(m.memory.buffer, at.src, chunkBytes);
}

const decodeWasm: Decode = (chunk, out, scratch, block) => {
  const [n, s] = [out.length, out.BYTES_PER_ELEMENT];
  const at = wasmLayout(chunk.length, scratch * s, n * s);
  const m = memoryFor(at.end);
  const mem = new Uint8Array(m.memory.buffer);
  if (chunk.buffer !== m.memory.buffer || chunk.byteOffset !== at.src) mem.set(chunk, at.src);
  const r = m.decode(at.src + 12, chunk.length - 12, at.out, n, s, block, at.a, at.b);
  // a same-type set is a memcpy; ArrayBuffer.slice measured 3× slower for 4 MB
  const Ctor = out.constructor as new (b: ArrayBufferLike, at: number, n: number) => typeof out;
  if (r === 0) (out as Uint8Array).set(new Ctor(m.memory.buffer, at.out, n) as Uint8Array);
  return r;
};

// ---------------------------------------------------------------------------------------------
// JavaScript reference

const decodeJs: Decode = (chunk, target, scratch, block) => {
  const [n, s] = [target.length, target.BYTES_PER_ELEMENT];
  const out = new Uint8Array(target.buffer, target.byteOffset, n * s);
  out.fill(0);
  const tmp = new Uint8Array(scratch * s);
  let p = 12;
  let start = 0;
  const step = (m: number): number => {
    if (chunk.length - p < 4) return 1;
    const size = new DataView(chunk.buffer, chunk.byteOffset + p, 4).getUint32(0);
    p += 4;
    if (size > chunk.length - p) return 2;
    const r = lz4Js(chunk, p, p + size, tmp, m * s);
    if (r !== 0) return r;
    untransposeJs(tmp, m, s, out, start * s);
    p += size;
    start += m;
    return 0;
  };
  while (start + block <= n) {
    const r = step(block);
    if (r !== 0) return r;
  }
  const last = (n - start) & ~7;
  if (last > 0) {
    const r = step(last);
    if (r !== 0) return r;
  }
  const tail = (n - start) * s;
  if (tail > chunk.length - p) return 5;
  out.set(chunk.subarray(p, p + tail), start * s);
  return 0;
};

/** LZ4 raw block src[p, end) into exactly out[0, want); 0 or a status (see STATUS). */
export function lz4Js(src: Uint8Array, p: number, end: number, out: Uint8Array, want: number): number {
  let o = 0;
  const more = (len: number): number => {
    for (;;) {
      if (p >= end) return -1;
      const b = src[p++]!;
      len += b;
      if (b !== 255) return len;
    }
  };
  for (;;) {
    if (p >= end) return 2;
    const token = src[p++]!;
    let len = token >> 4;
    if (len === 15) len = more(len);
    if (len < 0) return 2;
    if (len > end - p) return 2;
    if (len > want - o) return 3;
    for (let i = 0; i < len; i++) out[o++] = src[p++]!;
    if (p === end) break;
    if (end - p < 2) return 2;
    const off = src[p]! | (src[p + 1]! << 8);
    p += 2;
    if (off === 0 || off > o) return 4;
    len = token & 15;
    if (len === 15) len = more(len);
    if (len < 0) return 2;
    len += 4;
    if (len > want - o) return 3;
    for (let i = 0; i < len; i++, o++) out[o] = out[o - off]!;
  }
  return o === want ? 0 : 3;
}

/** Undo the bit transpose of m elements of s bytes: bit i of row (8j + b) byte k → element 8k + i. */
export function untransposeJs(src: Uint8Array, m: number, s: number, out: Uint8Array, at: number): void {
  const rb = m / 8;
  for (let j = 0; j < s; j++) {
    for (let b = 0; b < 8; b++) {
      const row = (8 * j + b) * rb;
      for (let k = 0; k < rb; k++) {
        const v = src[row + k]!;
        if (v === 0) continue;
        for (let i = 0; i < 8; i++) if ((v >> i) & 1) out[at + (8 * k + i) * s + j]! |= 1 << b;
      }
    }
  }
}
