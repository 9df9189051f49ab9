/**
 * Frames read straight from their chunks, without h5wasm (issue 11: h5wasm's bitshuffle plugin and
 * its copy cost ~12 ms per Pilatus 1M int32 frame; this path ~3 ms, of which ~1.3 ms is decoding
 * and most of the rest the fresh 4 MB frame array: bench/hdf5.ts). It applies only where
 * the result is certain to equal h5wasm's, decided once when the file is opened:
 *
 * - the dataset lives in the opened file (no external link on its path);
 * - it is chunked one frame per chunk (chunk = [1, …, 1, rows, cols]) with a single-chunk,
 *   fixed-array (unpaged) or version-1 B-tree index (h5-chunks.ts);
 * - its filters are none, or exactly bitshuffle with LZ4 (filter 32008, cd_values[4] = 2) for the
 *   type's element size;
 * - its type is an integer or IEEE float the reader hands out as it is (not int64/uint64), and
 *   h5wasm describes the same shape, chunks and type as the header we read.
 *
 * Anything else keeps the h5wasm path, as does a frame whose chunk is unwritten when HDF5 would
 * not fill it (fill time "never"). Corrupt chunks are InputErrors naming the file.
 */
import { referenceWanted } from "../util/wasm-switch.js";
import { decodeBslz4, type ElementArray, wasmInput } from "./bslz4.js";
import { allocate, HOST_LITTLE_ENDIAN, reusedPixels, swapBytesInPlace } from "./dtype.js";
import { type H5File, h5wasm } from "./h5.js";
import { type ChunkedDataset, H5Bytes, readChunkedDataset } from "./h5-chunks.js";
import type { Dtype, PixelArray } from "./types.js";

/** What the reader expects of one dataset (from h5wasm's description of it). */
export interface DirectSegment {
  path: string;
  stacked: boolean;
  /** h5wasm's dimensions and chunk dimensions. */
  dims: number[];
  chunks: number[] | null;
}

/** Readers for the segments that qualify (null where h5wasm stays), sharing one file descriptor. */
export class DirectFrames {
  private constructor(
    private readonly bytes: H5Bytes,
    private readonly datasets: (ChunkedDataset | null)[],
    private readonly segments: DirectSegment[],
    private readonly dtype: Dtype,
    /** Why each segment that does not qualify keeps h5wasm. */
    readonly reasons: (string | null)[],
  ) {}

  /**
   * Decide for every segment; null when none qualifies (or SWAXS_KERNEL=js asks for the
   * reference path). `fileType` is the dataset's type name ("int32", …), `dtype` the frames'.
   */
  static open(h5: H5File, path: string, segments: DirectSegment[], fileType: string, dtype: Dtype) {
    if (referenceWanted() || fileType !== dtype) return null;
    const bytes = H5Bytes.open(path);
    try {
      const found = segments.map((seg) => plan(h5, bytes, seg, dtype));
      const datasets = found.map((f) => (typeof f === "string" ? null : f));
      if (datasets.every((d) => d === null)) {
        bytes.close();
        return null;
      }
      return new DirectFrames(
        bytes,
        datasets,
        segments,
        dtype,
        found.map((f) => (typeof f === "string" ? f : null)),
      );
    } catch (err) {
      bytes.close();
      throw err;
    }
  }

  /**
   * Frame `local` of segment `seg` (`index` for messages), or null to read it with h5wasm; with
   * `scratch`, decoded into its reusable memory (dtype.ts reusedPixels) rather than a fresh array.
   */
  read(seg: number, local: number, index: number, scratch?: { pixels?: ArrayBuffer }): PixelArray | null {
    const ds = this.datasets[seg];
    if (!ds) return null;
    const { path } = this.segments[seg]!;
    const n = ds.chunk.reduce((a, b) => a * b, 1);
    const out = scratch ? reusedPixels(scratch, this.dtype, n) : allocate(this.dtype, n);
    const s = out.BYTES_PER_ELEMENT;
    const fail = (problem: string): never => this.bytes.fail(`${path}: frame ${index}: ${problem}`);
    const entry = ds.chunks.get(this.segments[seg]!.stacked ? local : 0);
    if (!entry) return fillFrame(ds, out);
    const filtered = ds.filters.length > 0 && (entry.mask & 1) === 0;
    if (!filtered) {
      if (entry.size !== n * s) fail(`unfiltered chunk of ${entry.size} bytes, expected ${n * s}`);
      this.bytes.readInto(entry.address, new Uint8Array(out.buffer), `${path} frame ${index}`);
    } else {
      // bitshuffle-LZ4 never grows data by more than LZ4's 1/255 plus 20 bytes a 128-element block
      if (entry.size > 1.2 * n * s + 1024) fail(`chunk of ${entry.size} bytes for a frame of ${n * s} bytes`);
      const chunk = wasmInput(entry.size, n * s);
      this.bytes.readInto(entry.address, chunk, `${path} frame ${index}`);
      decodeBslz4(chunk, out as ElementArray, fail);
    }
    toHostOrder(out, ds.type.bigEndian);
    return out;
  }

  close(): void {
    this.bytes.close();
  }
}

/** The dataset's chunk table if this segment qualifies, else why not. */
function plan(h5: H5File, bytes: H5Bytes, seg: DirectSegment, dtype: Dtype): ChunkedDataset | string {
  const parts = seg.path.split("/").filter(Boolean);
  for (let k = 1; k <= parts.length; k++) {
    const p = `/${parts.slice(0, k).join("/")}`;
    if (externalLink(h5, p)) return `${p} is an external link`;
  }
  let ref: ArrayLike<number>;
  try {
    ref = new h5wasm.Dataset(h5.file_id, seg.path).create_reference().ref_data as ArrayLike<number>;
  } catch {
    return "h5wasm gives no object reference";
  }
  if (ref?.length !== 8) return "object reference of unexpected size";
  let address = 0;
  for (let i = 7; i >= 0; i--) address = address * 256 + ref[i]!;
  const ds = readChunkedDataset(bytes, address);
  if (typeof ds === "string") return ds;
  const same = (a: number[] | null, b: number[]) =>
    a !== null && a.length === b.length && a.every((v, i) => v === b[i]);
  if (!same(seg.dims, ds.dims) || !same(seg.chunks, ds.chunk)) return "header disagrees with h5wasm";
  const typeName =
    ds.type.kind === "float" ? `float${ds.type.size * 8}` : `${ds.type.kind}${ds.type.size * 8}`;
  if (typeName !== dtype) return `type ${typeName} is not the frames' ${dtype}`;
  const r = ds.chunk.length;
  if (
    ds.chunk.slice(0, r - 2).some((c) => c !== 1) ||
    ds.chunk[r - 1] !== ds.dims[r - 1] ||
    ds.chunk[r - 2] !== ds.dims[r - 2]
  ) {
    return `chunks ${ds.chunk.join("x")} are not one frame each`;
  }
  if (ds.filters.length > 1) return "more than one filter";
  const f = ds.filters[0];
  if (
    f &&
    !(f.id === 32008 && f.cdValues.length >= 5 && f.cdValues[4] === 2 && f.cdValues[2] === ds.type.size)
  ) {
    return `filter ${f.id} (${f.cdValues.join(",")}) is not bitshuffle-LZ4`;
  }
  return ds;
}

function externalLink(h5: H5File, p: string): boolean {
  try {
    return Boolean(h5.get_external_link(p)?.filename);
  } catch {
    return false;
  }
}

/** An unwritten chunk reads as the fill value (zeros by default), or null: let h5wasm decide. */
function fillFrame(ds: ChunkedDataset, out: PixelArray): PixelArray | null {
  // no fill value: zeros (written out: `out` may be reused memory holding an earlier frame)
  if (ds.fill === null) return out.fill(0);
  if (ds.fill === "never" || ds.fill.length !== out.BYTES_PER_ELEMENT) return null;
  const one = new (out.constructor as new (n: number) => PixelArray)(1);
  new Uint8Array(one.buffer).set(ds.fill);
  toHostOrder(one, ds.type.bigEndian);
  out.fill(one[0]!);
  return out;
}

/** File-order data to this machine's order, in place (dtype.ts's swap, where the orders differ). */
function toHostOrder(a: PixelArray, bigEndian: boolean): void {
  if (bigEndian === HOST_LITTLE_ENDIAN)
    swapBytesInPlace(new Uint8Array(a.buffer, a.byteOffset, a.byteLength), a.BYTES_PER_ELEMENT);
}
