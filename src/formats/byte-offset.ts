/**
 * CBF byte-offset decoding through WebAssembly (byte-offset-wat.ts, compiled into
 * byte-offset-wasm.js), with the JavaScript decoder in cbf.ts as the reference it equals and the
 * fallback (SWAXS_KERNEL=js selects it, as for the integration kernel). One instance per thread;
 * its memory grows to the largest frame seen.
 */
import { BYTE_OFFSET_WASM_BASE64 } from "./byte-offset-wasm.js";

interface Decoder {
  memory: WebAssembly.Memory;
  decode: (src: number, len: number, out: number, n: number, info: number) => number;
}

let decoder: Decoder | null | undefined;

function instance(): Decoder | null {
  if (decoder === undefined) {
    if (typeof WebAssembly === "undefined") decoder = null;
    else {
      const mod = new WebAssembly.Module(Buffer.from(BYTE_OFFSET_WASM_BASE64, "base64"));
      const e = new WebAssembly.Instance(mod).exports as unknown as Decoder;
      decoder = { memory: e.memory, decode: e.decode };
    }
  }
  return decoder;
}

/**
 * decodeByteOffset (cbf.ts) in WebAssembly: the same pixels decoded, the same bytes consumed; null
 * when WebAssembly is unavailable. `src` is copied in and the pixels out (4 bytes a pixel).
 */
export function decodeByteOffsetWasm(
  src: Uint8Array,
  out: Int32Array,
): { decoded: number; consumed: number } | null {
  const d = instance();
  if (!d) return null;
  // layout: [0, 16) the consumed count, then the input, then the pixels (4-byte aligned)
  const at = 16;
  const outAt = at + Math.ceil(src.length / 16) * 16;
  const need = outAt + 4 * out.length;
  const have = d.memory.buffer.byteLength;
  if (need > have) d.memory.grow(Math.ceil((need - have) / 65536));
  const buf = d.memory.buffer;
  new Uint8Array(buf, at, src.length).set(src);
  const decoded = d.decode(at, src.length, outAt, out.length, 0);
  out.set(new Int32Array(buf, outAt, decoded));
  return { decoded, consumed: new Int32Array(buf, 0, 1)[0]! };
}
