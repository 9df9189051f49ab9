/**
 * One entry point for every frame format: the format is recognised from the file's first bytes
 * (magic numbers), not from its name, so a mis-named file still opens and a non-image is refused
 * with a clear message.
 */
import { open as fsOpen, readFile, stat } from "node:fs/promises";
import { gunzipSync } from "node:zlib";
import { InputError } from "../util/errors.js";
import { readWholeInto, type Scratch } from "./bytes.js";
import { decodeCbf, openCbf, sniffCbf } from "./cbf.js";
import { reusedPixels } from "./dtype.js";
import { decodeEdf, openEdf, sniffEdf } from "./edf.js";
import { looksLikeHdf5 } from "./h5.js";
import { openHdf5, readHdf5Mask } from "./hdf5.js";
import { flipRows, maskFromFrame } from "./invalid.js";
import { decodeTiff, openTiff, sniffTiff } from "./tiff.js";
import type { Frame, FrameSource } from "./types.js";

export interface OpenOptions {
  /** HDF5 dataset path (default: NeXus default/signal, then /entry/data/data, then the only image). */
  dataset?: string;
}

export type FrameFormat = "cbf" | "edf" | "tiff" | "hdf5";

const GZIP_MAGIC = [0x1f, 0x8b];

function sniffBytes(head: Uint8Array): Exclude<FrameFormat, "hdf5"> | null {
  if (sniffCbf(head)) return "cbf";
  if (sniffTiff(head)) return "tiff";
  if (sniffEdf(head)) return "edf";
  return null;
}

/** Recognise a detector image file by content; throws InputError for anything else. */
export async function detectFormat(path: string): Promise<FrameFormat | "gzip"> {
  let size: number;
  try {
    const st = await stat(path);
    if (!st.isFile()) throw new InputError(path, "not a regular file");
    size = st.size;
  } catch (err) {
    if (err instanceof InputError) throw err;
    throw new InputError(path, "no such file");
  }
  if (size === 0) throw new InputError(path, "empty file");
  const fh = await fsOpen(path, "r");
  const head = new Uint8Array(Math.min(size, 4096));
  try {
    await fh.read(head, 0, head.length, 0);
  } finally {
    await fh.close();
  }
  const byContent = sniffBytes(head);
  if (byContent) return byContent;
  if (head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1]) return "gzip";
  if (looksLikeHdf5(path)) return "hdf5";
  throw new InputError(
    path,
    "not a detector image this program reads (CBF, EDF, TIFF, HDF5/NeXus, or gzipped CBF/EDF/TIFF)",
  );
}

export async function openFrames(path: string, opts: OpenOptions = {}): Promise<FrameSource> {
  const format = await detectFormat(path);
  if (opts.dataset && format !== "hdf5")
    throw new InputError(path, `--dataset applies to HDF5 files, this is ${format}`);
  switch (format) {
    case "cbf":
      return openCbf(path);
    case "edf":
      return openEdf(path);
    case "tiff":
      return openTiff(path);
    case "hdf5":
      return openHdf5(path, opts);
    case "gzip":
      return openGzipped(path);
  }
}

/**
 * A gzip-compressed CBF, EDF or TIFF (as fabio reads `.cbf.gz`, `.edf.gz`): decompressed in memory,
 * since a gzip stream has no random access.
 */
async function openGzipped(path: string): Promise<FrameSource> {
  let bytes: Uint8Array;
  try {
    bytes = gunzipSync(await readFile(path));
  } catch (err) {
    throw new InputError(path, `corrupt gzip stream (${(err as Error).message})`);
  }
  const format = sniffBytes(bytes.subarray(0, 4096));
  if (!format) throw new InputError(path, "gzip file does not hold a CBF, EDF or TIFF image");
  const frames =
    format === "cbf"
      ? [decodeCbf(bytes, path)]
      : format === "edf"
        ? decodeEdf(bytes, path)
        : decodeTiff(bytes, path);
  const first = frames[0];
  if (!first) throw new InputError(path, "no frames in file");
  return {
    format: `${format}+gzip`,
    path,
    frameCount: frames.length,
    shape: first.shape,
    dtype: first.dtype,
    metadata: first.metadata,
    readFrame: async (i) => {
      const f = frames[i];
      if (!f) throw new InputError(path, `frame ${i} out of range (file has ${frames.length})`);
      return f;
    },
    close() {},
  };
}

/**
 * The frame of a CBF file read whole into `scratch` and decoded from memory — one open, one
 * synchronous read, no fresh buffer: the frame workers' path (a Pilatus 1M frame's file read so
 * takes ~0.1 ms instead of ~3 ms through the general path's several asynchronous reads) — or null
 * where the file is not a CBF or cannot be read so, for the general path (which names the problem).
 * The frame never shares memory with `scratch.bytes`; with `reusePixels` its 32-bit pixels are
 * decoded into `scratch.pixels` (reusedPixels, valid until the next use of `scratch`: for a caller that is done
 * with the frame before it reads the next one), else into a fresh array.
 */
export function readCbfWhole(
  path: string,
  scratch: Scratch,
  opts: { reusePixels?: boolean } = {},
): Frame | null {
  const bytes = readWholeInto(path, scratch);
  if (!bytes || sniffBytes(bytes.subarray(0, 4096)) !== "cbf") return null;
  const pixels = (n: number) => reusedPixels(scratch, "int32", n) as Int32Array;
  const f = decodeCbf(bytes, path, opts.reusePixels ? { pixels } : {});
  return f.data.buffer === scratch.bytes.buffer ? { ...f, data: f.data.slice() } : f;
}

/** Read one frame (default the first) and close the file. */
export async function readFrame(path: string, index = 0, opts: OpenOptions = {}): Promise<Frame> {
  const src = await openFrames(path, opts);
  try {
    if (!(Number.isInteger(index) && index >= 0 && index < src.frameCount))
      throw new InputError(path, `frame ${index} out of range (file has ${src.frameCount})`);
    return await src.readFrame(index);
  } finally {
    src.close();
  }
}

/**
 * A mask file (EDF, TIFF, CBF or HDF5): nonzero = invalid, pyFAI's convention. `shape` checks it
 * fits the frames; `flipUd` applies the same vertical flip as the frames get.
 */
export async function readMask(
  path: string,
  shape: [number, number],
  opts: OpenOptions & { flipUd?: boolean } = {},
): Promise<Uint8Array> {
  let mask: Uint8Array;
  let mshape: [number, number];
  if ((await detectFormat(path)) === "hdf5") {
    const src = await openHdf5(path, opts);
    mshape = src.shape;
    src.close();
    mask = await readHdf5Mask(path, opts.dataset);
  } else {
    const f = await readFrame(path, 0, opts);
    mshape = f.shape;
    mask = maskFromFrame(f);
  }
  if (mshape[0] !== shape[0] || mshape[1] !== shape[1])
    throw new InputError(path, `mask is ${mshape[0]}×${mshape[1]}, frames are ${shape[0]}×${shape[1]}`);
  return opts.flipUd ? flipRows(mask, shape) : mask;
}
