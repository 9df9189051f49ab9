/**
 * Invalid-pixel masks (1 = invalid, 0 = valid, one byte per pixel, row-major like the frame).
 *
 * Detectors mark pixels they cannot measure inside the image itself:
 *  - Pilatus (TIFF/CBF, signed 32-bit): -1 in the gaps between modules, -2 for bad pixels
 *    (Dectris PILATUS manual; also pyFAI's Pilatus detector masks use `data < 0`);
 *  - Eiger (unsigned 16/32-bit): the dtype's largest value (65535, 4294967295) in gaps and dead
 *    pixels (Dectris EIGER manual, "pixel_mask"; pyFAI/fabio treat it the same way);
 *  - float frames (converted or corrected images): NaN.
 */
import { InputError } from "../util/errors.js";
import { arrayConstructor, dtypeMax, dtypeOf, isFloat, isSigned } from "./dtype.js";
import type { Frame, PixelArray } from "./types.js";

/** 1 where the frame's own values mark a pixel invalid (see the module comment). */
export function invalidPixelMask(frame: Frame): Uint8Array {
  const data = frame.data;
  const n = data.length;
  const mask = new Uint8Array(n);
  if (isFloat(frame.dtype)) {
    for (let i = 0; i < n; i++) if (Number.isNaN(data[i])) mask[i] = 1;
  } else if (isSigned(frame.dtype)) {
    for (let i = 0; i < n; i++) if (data[i]! < 0) mask[i] = 1;
  } else {
    const max = dtypeMax(frame.dtype);
    for (let i = 0; i < n; i++) if (data[i] === max) mask[i] = 1;
  }
  return mask;
}

/** A mask read from an image file (EDF/TIFF/… mask files): any nonzero (or NaN) value → 1. */
export function maskFromFrame(frame: Frame): Uint8Array {
  const data = frame.data;
  const mask = new Uint8Array(data.length);
  // `!(x === 0)` is true for NaN too.
  for (let i = 0; i < data.length; i++) if (!(data[i] === 0)) mask[i] = 1;
  return mask;
}

/**
 * Pixel-wise OR of masks of equal length; null/undefined entries are ignored. Returns a new array
 * (all zeros, of length `length`, when no mask is given and `length` is).
 */
export function combineMasks(
  masks: ReadonlyArray<Uint8Array | null | undefined>,
  length?: number,
): Uint8Array {
  const given = masks.filter((m): m is Uint8Array => m != null);
  const n = length ?? given[0]?.length;
  if (n === undefined) throw new RangeError("combineMasks: no mask and no length given");
  const out = new Uint8Array(n);
  for (const m of given) {
    if (m.length !== n) throw new InputError("", `masks differ in size: ${m.length} pixels vs ${n}`);
    for (let i = 0; i < n; i++) if (m[i] !== 0) out[i] = 1;
  }
  return out;
}

/** Rows in reverse order (a copy) for row-major data of the given shape. */
export function flipRows<T extends PixelArray>(data: T, shape: [number, number]): T {
  const [rows, cols] = shape;
  if (data.length !== rows * cols)
    throw new RangeError(`flipRows: ${data.length} values do not make ${rows}×${cols}`);
  const Ctor = arrayConstructor(dtypeOf(data));
  const out = new Ctor(data.length) as T;
  for (let r = 0; r < rows; r++) out.set(data.subarray(r * cols, (r + 1) * cols), (rows - 1 - r) * cols);
  return out;
}

/**
 * The frame upside down (row 0 ↔ last row), as a new frame. Dioptas reads images with
 * `np.array(im)[::-1]`, so its PONI files describe the vertically flipped array.
 */
export function flipUd(frame: Frame): Frame {
  return { ...frame, data: flipRows(frame.data, frame.shape), metadata: { ...frame.metadata } };
}
