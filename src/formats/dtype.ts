/**
 * Element types (`Dtype`, named as NumPy names them) and the TypedArray that holds each, plus
 * the byte-level conversions every frame reader and writer needs: file bytes in either byte
 * order → a freshly allocated, aligned TypedArray, and back.
 */
import type { Dtype, PixelArray } from "./types.js";

export type PixelArrayConstructor =
  | Int8ArrayConstructor
  | Uint8ArrayConstructor
  | Int16ArrayConstructor
  | Uint16ArrayConstructor
  | Int32ArrayConstructor
  | Uint32ArrayConstructor
  | Float32ArrayConstructor
  | Float64ArrayConstructor;

export const DTYPES: readonly Dtype[] = [
  "int8",
  "uint8",
  "int16",
  "uint16",
  "int32",
  "uint32",
  "float32",
  "float64",
];

const CTORS: Record<Dtype, PixelArrayConstructor> = {
  int8: Int8Array,
  uint8: Uint8Array,
  int16: Int16Array,
  uint16: Uint16Array,
  int32: Int32Array,
  uint32: Uint32Array,
  float32: Float32Array,
  float64: Float64Array,
};

/** True on little-endian hosts (every platform Node supports in practice, but checked, not assumed). */
export const HOST_LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function isDtype(s: string): s is Dtype {
  return (DTYPES as readonly string[]).includes(s);
}

export function arrayConstructor(dtype: Dtype): PixelArrayConstructor {
  return CTORS[dtype];
}

/** A zero-filled array of `length` elements of `dtype`. */
export function allocate(dtype: Dtype, length: number): PixelArray {
  return new CTORS[dtype](length);
}

/**
 * An array of `length` pixels over `scratch.pixels` (grown as needed), for a reader that decodes
 * frame after frame into the same memory: a fresh 4 MB array per Pilatus 1M frame costs ~6 ms of
 * page faults and zeroing, a third of the frame's integration (issue 11). Valid until the next use.
 */
export function reusedPixels(scratch: { pixels?: ArrayBuffer }, dtype: Dtype, length: number): PixelArray {
  const bytes = length * CTORS[dtype].BYTES_PER_ELEMENT;
  if (!scratch.pixels || scratch.pixels.byteLength < bytes) scratch.pixels = new ArrayBuffer(bytes);
  return new CTORS[dtype](scratch.pixels, 0, length);
}

export function bytesPerElement(dtype: Dtype): number {
  return CTORS[dtype].BYTES_PER_ELEMENT;
}

export function isFloat(dtype: Dtype): boolean {
  return dtype === "float32" || dtype === "float64";
}

export function isInteger(dtype: Dtype): boolean {
  return !isFloat(dtype);
}

export function isSigned(dtype: Dtype): boolean {
  return dtype[0] !== "u";
}

/** Largest value the dtype can hold (Infinity-free: the largest finite value for floats). */
export function dtypeMax(dtype: Dtype): number {
  switch (dtype) {
    case "int8":
      return 0x7f;
    case "uint8":
      return 0xff;
    case "int16":
      return 0x7fff;
    case "uint16":
      return 0xffff;
    case "int32":
      return 0x7fffffff;
    case "uint32":
      return 0xffffffff;
    case "float32":
      return 3.4028234663852886e38;
    case "float64":
      return Number.MAX_VALUE;
  }
}

/** Smallest value the dtype can hold. */
export function dtypeMin(dtype: Dtype): number {
  switch (dtype) {
    case "int8":
      return -0x80;
    case "int16":
      return -0x8000;
    case "int32":
      return -0x80000000;
    case "float32":
      return -3.4028234663852886e38;
    case "float64":
      return -Number.MAX_VALUE;
    default:
      return 0;
  }
}

/** The dtype of a TypedArray (by its constructor). */
export function dtypeOf(data: PixelArray): Dtype {
  for (const d of DTYPES) if (data instanceof CTORS[d]) return d;
  throw new TypeError(`not a pixel array: ${Object.prototype.toString.call(data)}`);
}

/** Reverse the byte order of every `size`-byte element of `bytes`, in place. */
export function swapBytesInPlace(bytes: Uint8Array, size: number): void {
  if (size === 1) return;
  const n = bytes.length - (bytes.length % size);
  if (size === 2) {
    for (let i = 0; i < n; i += 2) {
      const a = bytes[i]!;
      bytes[i] = bytes[i + 1]!;
      bytes[i + 1] = a;
    }
  } else if (size === 4) {
    for (let i = 0; i < n; i += 4) {
      const a = bytes[i]!;
      const b = bytes[i + 1]!;
      bytes[i] = bytes[i + 3]!;
      bytes[i + 1] = bytes[i + 2]!;
      bytes[i + 2] = b;
      bytes[i + 3] = a;
    }
  } else {
    for (let i = 0; i < n; i += size) {
      for (let lo = i, hi = i + size - 1; lo < hi; lo++, hi--) {
        const a = bytes[lo]!;
        bytes[lo] = bytes[hi]!;
        bytes[hi] = a;
      }
    }
  }
}

/**
 * Copy `count` elements stored in `bytes` (from `byteOffset`, in the given byte order) into a new
 * TypedArray. Copying (rather than viewing) gives an aligned array that owns its buffer, so frames
 * never pin a whole file's bytes in memory. The caller checks that enough bytes are there.
 */
export function fromBytes(
  bytes: Uint8Array,
  byteOffset: number,
  count: number,
  dtype: Dtype,
  littleEndian: boolean,
): PixelArray {
  const out = allocate(dtype, count);
  const u8 = new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
  u8.set(bytes.subarray(byteOffset, byteOffset + out.byteLength));
  if (littleEndian !== HOST_LITTLE_ENDIAN) swapBytesInPlace(u8, out.BYTES_PER_ELEMENT);
  return out;
}

/** The bytes of `data` in the given byte order (a copy; `data` is not modified). */
export function toBytes(data: PixelArray, littleEndian: boolean): Uint8Array {
  const u8 = new Uint8Array(data.byteLength);
  u8.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  if (littleEndian !== HOST_LITTLE_ENDIAN) swapBytesInPlace(u8, data.BYTES_PER_ELEMENT);
  return u8;
}
