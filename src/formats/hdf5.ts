/**
 * Frames from HDF5 / NeXus files (Eiger data and master files, NeXus NXdata stacks, plain 2D/3D
 * datasets), read with h5wasm one frame at a time: a frame is one hyperslab read, so HDF5 only
 * decompresses the chunks that frame lies in and a stack larger than memory can be streamed.
 */
import { InputError } from "../util/errors.js";
import {
  closeQuietly,
  describeFilters,
  type H5File,
  type H5Filter,
  type Metadata as H5Metadata,
  h5Problem,
  h5wasm,
  openH5,
  typeName,
} from "./h5.js";
import { DirectFrames } from "./h5-direct.js";
import type { Dtype, Frame, FrameSource, Metadata, PixelArray } from "./types.js";

export interface Hdf5Filter {
  id: number;
  /** Short name: "deflate", "bitshuffle-lz4", "lz4", … */
  name: string;
  cdValues: number[];
}

export interface Hdf5DatasetInfo {
  /** Absolute path in the file, e.g. "/entry/data/data". */
  path: string;
  shape: number[];
  /** NumPy-style element type: "uint16", "float32", "int64", "string", "compound", … */
  dtype: string;
  chunks: number[] | null;
  filters: Hdf5Filter[];
  /** "file.h5:/entry/data/data" when `path` is an external link. */
  externalLink?: string;
  /** Why the dataset could not be described (e.g. the external file is missing). */
  problem?: string;
}

/** A dataset (or, for Eiger masters, one of several) that holds frames. */
interface Segment {
  path: string;
  frames: number;
  /** Singleton dimensions in front of the frame axis (or in front of rows for a 2D image). */
  lead: number;
  /** Whether the dataset has a frame axis (3D) or is a single 2D image. */
  stacked: boolean;
  /** segmentMetadata(): attributes, hdf5_dataset, hdf5_shape, hdf5_filters, … */
  info: Metadata;
}

interface ElementType {
  /** Type of the frames handed out. */
  dtype: Dtype;
  /** Type in the file, when it differs (int64/uint64 are narrowed to 32 bits, checked per frame). */
  fileType: string;
}

const WIDE_INTS: Record<string, Dtype> = { int64: "int32", uint64: "uint32" };
const NATIVE: Record<string, Dtype> = {
  int8: "int8",
  uint8: "uint8",
  int16: "int16",
  uint16: "uint16",
  int32: "int32",
  uint32: "uint32",
  float32: "float32",
  float64: "float64",
};

/** Scalar datasets copied into the file metadata when present (Eiger master / NeXus NXdetector). */
const DETECTOR_FIELDS = [
  "/entry/instrument/detector/count_time",
  "/entry/instrument/detector/frame_time",
  "/entry/instrument/detector/beam_center_x",
  "/entry/instrument/detector/beam_center_y",
  "/entry/instrument/detector/x_pixel_size",
  "/entry/instrument/detector/y_pixel_size",
  "/entry/instrument/detector/detector_distance",
  "/entry/instrument/detector/sensor_thickness",
  "/entry/instrument/detector/description",
  // the count above which Eiger pixels are saturated (values there mean nothing)
  "/entry/instrument/detector/saturation_value",
  "/entry/instrument/detector/detectorSpecific/saturation_value",
  "/entry/instrument/beam/incident_wavelength",
  "/entry/instrument/monochromator/wavelength",
];

/** Where Eiger masters keep the pixel mask; tried first by readHdf5Mask. */
const MASK_PATHS = [
  "/entry/instrument/detector/detectorSpecific/pixel_mask",
  "/entry/instrument/detector/pixel_mask",
];

/**
 * Open an HDF5 file as a stack of frames. `dataset` picks the dataset; without it the choice is,
 * in order: the NeXus `@default`/`@signal` chain, `/entry/data/data` (Eiger data file), the
 * `/entry/data/data_NNNNNN` links of an Eiger master (chained in order), else the only 2D/3D numeric
 * dataset. A 3D dataset is (frames, rows, cols); a 2D dataset is one frame.
 */
export async function openHdf5(
  path: string,
  opts: { dataset?: string; swmr?: boolean } = {},
): Promise<FrameSource> {
  // swmr: open as a SWMR reader (h5.ts openH5), for a stack a detector is still appending to
  const file = await openH5(path, opts.swmr ? "Sr" : "r");
  try {
    const segments = opts.dataset ? [explicitSegment(file, path, opts.dataset)] : defaultSegments(file, path);
    const first = segments[0]!;
    const meta0 = datasetMetadata(file, path, first.path);
    const shape = imageShape(meta0.shape!, first);
    const type = elementType(path, first.path, meta0);
    for (const seg of segments.slice(1)) {
      const m = datasetMetadata(file, path, seg.path);
      const s = imageShape(m.shape!, seg);
      if (s[0] !== shape[0] || s[1] !== shape[1] || typeName(m) !== type.fileType) {
        throw new InputError(
          path,
          `${seg.path} is ${typeName(m)} ${s.join("x")} but ${first.path} is ${type.fileType} ${shape.join("x")}`,
        );
      }
    }
    for (const seg of segments) seg.info = segmentMetadata(file, path, seg);
    const frameCount = segments.reduce((n, s) => n + s.frames, 0);
    const metadata = fileMetadata(file, segments);
    const direct = directFrames(file, path, segments, type);
    return new Hdf5Source(file, path, segments, shape, type, frameCount, metadata, direct);
  } catch (err) {
    closeQuietly(file);
    throw err;
  }
}

class Hdf5Source implements FrameSource {
  readonly format = "hdf5";
  private closed = false;

  constructor(
    private readonly file: H5File,
    readonly path: string,
    private readonly segments: Segment[],
    readonly shape: [number, number],
    private readonly type: ElementType,
    readonly frameCount: number,
    readonly metadata: Metadata,
    /** Frames read from their chunks without h5wasm, where that is certain to give the same. */
    private readonly direct: DirectFrames | null = null,
  ) {}

  get dtype(): Dtype {
    return this.type.dtype;
  }

  async readFrame(index: number): Promise<Frame> {
    return this.readFrameNow(index);
  }

  /**
   * readFrame, synchronously (every read here is): with `scratch`, frames read from their chunks
   * (DirectFrames) are decoded into its reusable memory (reusedPixels: valid until its next use).
   */
  readFrameNow(index: number, scratch?: { pixels?: ArrayBuffer }): Frame {
    if (this.closed) throw new Error(`${this.path}: readFrame after close`);
    if (!Number.isInteger(index) || index < 0 || index >= this.frameCount) {
      const what = this.segments.length === 1 ? this.segments[0]!.path : `${this.segments.length} datasets`;
      throw new InputError(
        this.path,
        `frame ${index} out of range: ${what} has ${this.frameCount} frame${this.frameCount === 1 ? "" : "s"} (0…${this.frameCount - 1})`,
      );
    }
    let local = index;
    let segIndex = 0;
    for (const s of this.segments) {
      if (local < s.frames) break;
      local -= s.frames;
      segIndex++;
    }
    const seg = this.segments[Math.min(segIndex, this.segments.length - 1)]!;
    // Hyperslab: [0,1) on leading singleton axes, [local, local+1) on the frame axis, all rows/cols.
    const ranges: [number, number][] = Array.from({ length: seg.lead }, () => [0, 1]);
    if (seg.stacked) ranges.push([local, local + 1]);
    let raw: unknown = this.direct?.read(segIndex, local, index, scratch) ?? null;
    try {
      raw ??= new h5wasm.Dataset(this.file.file_id, seg.path).slice(ranges);
    } catch (err) {
      throw new InputError(this.path, `${seg.path}: cannot read frame ${index}: ${h5Problem(err)}`);
    }
    const n = this.shape[0] * this.shape[1];
    const data = toPixels(this.path, seg.path, index, raw, this.type);
    if (data.length !== n) {
      throw new InputError(this.path, `${seg.path}: frame ${index} has ${data.length} values, expected ${n}`);
    }
    const metadata: Metadata = { ...this.metadata, ...seg.info, hdf5_frame: local };
    const low = seg.info["image_nr_low"];
    if (typeof low === "number") metadata["image_nr"] = low + local;
    return { data, shape: [this.shape[0], this.shape[1]], dtype: this.type.dtype, metadata };
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.direct?.close();
    closeQuietly(this.file);
  }
}

/** Every dataset in the file with its shape, type, chunking and filters (for `swaxs inspect`). */
export async function listDatasets(path: string): Promise<Hdf5DatasetInfo[]> {
  const file = await openH5(path);
  try {
    return walk(file).map((p) => describeDataset(file, p));
  } finally {
    closeQuietly(file);
  }
}

/**
 * Read a 2D pixel mask: 1 = invalid (any nonzero value, e.g. Eiger pixel_mask bit flags), 0 = valid,
 * row-major like Frame.data. Without `dataset`: the Eiger master locations, else the only dataset
 * named "pixel_mask" or "mask".
 */
export async function readHdf5Mask(path: string, dataset?: string): Promise<Uint8Array> {
  return (await readHdf5MaskFrame(path, dataset)).mask;
}

/** readHdf5Mask, also giving the mask's [rows, cols] and the dataset it came from. */
export async function readHdf5MaskFrame(
  path: string,
  dataset?: string,
): Promise<{ mask: Uint8Array; shape: [number, number]; dataset: string }> {
  const file = await openH5(path);
  try {
    const dsPath = dataset ? requireDataset(file, path, dataset) : defaultMaskPath(file, path);
    const meta = datasetMetadata(file, path, dsPath);
    const dims = meta.shape ?? [];
    const kept = dims.filter((d, i) => d !== 1 || i >= dims.length - 2);
    if (kept.length !== 2) {
      throw new InputError(path, `mask ${dsPath} has shape ${fmtShape(dims)}; expected a 2D image`);
    }
    const t = typeName(meta);
    if (meta.type !== 0 && meta.type !== 1 && t !== "bool" && t !== "enum") {
      throw new InputError(path, `mask ${dsPath} has type ${t}; expected numbers`);
    }
    let values: unknown;
    try {
      values = new h5wasm.Dataset(file.file_id, dsPath).value;
    } catch (err) {
      throw new InputError(path, `${dsPath}: cannot read mask: ${h5Problem(err)}`);
    }
    if (!ArrayBuffer.isView(values)) throw new InputError(path, `mask ${dsPath} did not read as numbers`);
    const src = values as unknown as ArrayLike<number | bigint>;
    const mask = new Uint8Array(src.length);
    // NaN counts as invalid too (NaN !== 0).
    for (let i = 0; i < src.length; i++) mask[i] = src[i] === 0 || src[i] === 0n ? 0 : 1;
    return { mask, shape: [kept[0]!, kept[1]!], dataset: dsPath };
  } finally {
    closeQuietly(file);
  }
}

/**
 * The direct chunk reader for the segments it can read (h5-direct.ts decides, once), or null.
 * Its InputErrors (a corrupt chunk index) stand; anything it cannot read stays with h5wasm.
 */
function directFrames(
  file: H5File,
  path: string,
  segments: Segment[],
  type: ElementType,
): DirectFrames | null {
  const described = segments.map((seg) => {
    const meta = datasetMetadata(file, path, seg.path);
    return { path: seg.path, stacked: seg.stacked, dims: meta.shape ?? [], chunks: meta.chunks };
  });
  return DirectFrames.open(file, path, described, type.fileType, type.dtype);
}

// ---------------------------------------------------------------------------------------------
// Choosing the dataset

function explicitSegment(file: H5File, path: string, dataset: string): Segment {
  const p = requireDataset(file, path, dataset);
  const seg = segmentFor(file, p);
  if (typeof seg === "string") throw new InputError(path, `dataset ${p} ${seg}`);
  return seg;
}

/** The absolute path of a dataset the user named, or an InputError saying what is there instead. */
function requireDataset(file: H5File, path: string, dataset: string): string {
  const p = dataset.startsWith("/") ? dataset : `/${dataset}`;
  if (isDataset(file, p)) return p;
  const problem = linkProblem(file, p);
  if (problem) throw new InputError(path, `dataset ${p} cannot be opened: ${problem}`);
  throw new InputError(path, `dataset ${p} not found (datasets: ${datasetList(file)})`);
}

function defaultSegments(file: H5File, path: string): Segment[] {
  // 1. NeXus: root @default → NXentry @default → NXdata @signal.
  const signal = nexusSignal(file);
  if (signal) {
    const seg = segmentFor(file, signal);
    if (typeof seg !== "string") return [seg];
  }
  // 2. Eiger data file (and many others).
  if (isDataset(file, "/entry/data/data")) {
    const seg = segmentFor(file, "/entry/data/data");
    if (typeof seg !== "string") return [seg];
  }
  // 3. Eiger master: /entry/data/data_000001, data_000002, … external links, in order.
  const parts = eigerParts(file);
  if (parts.length > 0) {
    return parts.map((p) => {
      const problem = isDataset(file, p) ? null : (linkProblem(file, p) ?? "not a dataset");
      if (problem) throw new InputError(path, `${p} cannot be opened: ${problem}`);
      const seg = segmentFor(file, p);
      if (typeof seg === "string") throw new InputError(path, `${p} ${seg}`);
      return seg;
    });
  }
  // 4. The only image-like numeric dataset.
  const candidates: Segment[] = [];
  for (const p of walk(file)) {
    if (/\/detectorSpecific\/|mask|flatfield/i.test(p)) continue;
    const seg = segmentFor(file, p);
    if (typeof seg !== "string") candidates.push(seg);
  }
  if (candidates.length === 1) return [candidates[0]!];
  if (candidates.length === 0) {
    throw new InputError(path, `no 2D or 3D numeric dataset found (datasets: ${datasetList(file)})`);
  }
  const list = candidates.map((c) => `${c.path} ${fmtShape(safeShape(file, c.path))}`).join(", ");
  throw new InputError(path, `several image datasets, choose one with --dataset: ${list}`);
}

/** The dataset named by the NeXus @default / @signal chain, or null. */
function nexusSignal(file: H5File): string | null {
  let group = "/";
  for (let depth = 0; depth < 8; depth++) {
    const signal = stringAttr(file, group, "signal");
    if (signal) return join(group, signal);
    const next = stringAttr(file, group, "default");
    if (!next) break;
    group = next.startsWith("/") ? next : join(group, next);
    if (getType(file, group) === h5Types().dataset) return group; // @default naming a dataset
  }
  return null;
}

function eigerParts(file: H5File): string[] {
  if (getType(file, "/entry/data") !== h5Types().group) return [];
  let names: string[];
  try {
    names = new h5wasm.Group(file.file_id, "/entry/data").keys();
  } catch {
    return [];
  }
  return names
    .filter((n) => /^data_\d{6}$/.test(n))
    .sort()
    .map((n) => `/entry/data/${n}`);
}

function defaultMaskPath(file: H5File, path: string): string {
  for (const p of MASK_PATHS) if (isDataset(file, p)) return p;
  const named = walk(file).filter((p) => /(^|\/)(pixel_)?mask$/i.test(p));
  if (named.length === 1) return named[0]!;
  if (named.length === 0)
    throw new InputError(path, `no pixel_mask or mask dataset found (datasets: ${datasetList(file)})`);
  throw new InputError(path, `several mask datasets, choose one: ${named.join(", ")}`);
}

/** A Segment for an image-like numeric dataset, or why it is not one. */
function segmentFor(file: H5File, p: string): Segment | string {
  let meta: H5Metadata;
  try {
    meta = new h5wasm.Dataset(file.file_id, p).metadata;
  } catch (err) {
    return `cannot be read: ${h5Problem(err)}`;
  }
  const t = typeName(meta);
  if (meta.type !== 0 && meta.type !== 1) return `has type ${t}; expected numbers`;
  const dims = meta.shape ?? [];
  // Drop leading singleton axes beyond the last three: (1, N, rows, cols) is a stack.
  let lead = 0;
  while (dims.length - lead > 3 && dims[lead] === 1) lead++;
  const rest = dims.slice(lead);
  if (rest.length === 2 || rest.length === 3) {
    const [rows, cols] = rest.slice(-2) as [number, number];
    if (rows >= 2 && cols >= 2 && (rest.length === 2 || rest[0]! >= 1)) {
      const stacked = rest.length === 3;
      return { path: p, frames: stacked ? rest[0]! : 1, lead, stacked, info: {} };
    }
  }
  return `has shape ${fmtShape(dims)}; expected a 2D image (rows, cols) or a 3D stack (frames, rows, cols)`;
}

// ---------------------------------------------------------------------------------------------
// Types, metadata

function elementType(path: string, dsPath: string, meta: H5Metadata): ElementType {
  const t = typeName(meta);
  const native = NATIVE[t];
  if (native) return { dtype: native, fileType: t };
  const narrowed = WIDE_INTS[t];
  if (narrowed) return { dtype: narrowed, fileType: t };
  throw new InputError(path, `dataset ${dsPath} has type ${t}, which is not supported for frames`);
}

/** h5wasm's typed array for one frame, as the frame's PixelArray (int64 → int32 if values fit). */
function toPixels(path: string, dsPath: string, index: number, raw: unknown, type: ElementType): PixelArray {
  if (raw instanceof BigInt64Array || raw instanceof BigUint64Array) {
    const out = type.dtype === "int32" ? new Int32Array(raw.length) : new Uint32Array(raw.length);
    const [lo, hi] = type.dtype === "int32" ? [-(2n ** 31n), 2n ** 31n - 1n] : [0n, 2n ** 32n - 1n];
    const allOnes = 2n ** 64n - 1n;
    for (let i = 0; i < raw.length; i++) {
      let v = raw[i]!;
      // uint64 all-ones is the "invalid pixel" marker (2^bits - 1); keep its meaning at 32 bits.
      if (v === allOnes && raw instanceof BigUint64Array) v = hi;
      if (v < lo || v > hi) {
        throw new InputError(
          path,
          `${dsPath}: frame ${index} value ${v} at pixel ${i} does not fit ${type.dtype} (dataset is ${type.fileType})`,
        );
      }
      out[i] = Number(v);
    }
    return out;
  }
  if (
    raw instanceof Int8Array ||
    raw instanceof Uint8Array ||
    raw instanceof Int16Array ||
    raw instanceof Uint16Array ||
    raw instanceof Int32Array ||
    raw instanceof Uint32Array ||
    raw instanceof Float32Array ||
    raw instanceof Float64Array
  ) {
    return raw;
  }
  throw new InputError(path, `${dsPath}: frame ${index} did not read as a numeric array`);
}

/** Metadata of one dataset: where it is, its layout and filters, and its attributes. */
function segmentMetadata(file: H5File, path: string, seg: Segment): Metadata {
  const meta = datasetMetadata(file, path, seg.path);
  const out: Metadata = { ...attributes(file, seg.path) };
  out["hdf5_dataset"] = seg.path;
  out["hdf5_dtype"] = typeName(meta);
  out["hdf5_shape"] = fmtShape(meta.shape ?? []);
  if (meta.chunks) out["hdf5_chunks"] = fmtShape(meta.chunks);
  try {
    const filters = new h5wasm.Dataset(file.file_id, seg.path).filters as H5Filter[];
    if (filters.length) out["hdf5_filters"] = describeFilters(filters);
  } catch (err) {
    throw new InputError(path, `${seg.path}: cannot read filters: ${h5Problem(err)}`);
  }
  return out;
}

/**
 * File-level metadata: detector/beam scalars of a NeXus/Eiger master, then the dataset's own
 * metadata; for a chained Eiger master only the hdf5_* keys, each listing all datasets.
 */
function fileMetadata(file: H5File, segments: Segment[]): Metadata {
  const out: Metadata = {};
  for (const field of DETECTOR_FIELDS) {
    if (!isDataset(file, field)) continue;
    const name = field.slice(field.lastIndexOf("/") + 1);
    const v = scalarValue(file, field);
    if (v === undefined) continue;
    out[name] = v;
    const units = attributes(file, field)["units"];
    if (typeof units === "string") out[`${name}_units`] = units;
  }
  if (segments.length === 1) return Object.assign(out, segments[0]!.info);
  for (const key of ["hdf5_dataset", "hdf5_dtype", "hdf5_shape", "hdf5_chunks", "hdf5_filters"]) {
    const values = segments.map((s) => s.info[key] ?? "");
    out[key] = values.every((v) => v === values[0])
      ? values[0]!
      : values.join(key === "hdf5_filters" ? " | " : ",");
  }
  return out;
}

/** Attributes of an object as Metadata values (strings, numbers; short arrays as JSON). */
function attributes(file: H5File, p: string): Metadata {
  const out: Metadata = {};
  let attrs: Record<string, { metadata: H5Metadata; value: unknown }>;
  try {
    attrs = new h5wasm.Dataset(file.file_id, p).attrs; // works on any object type
  } catch {
    return out;
  }
  for (const name of Object.keys(attrs)) {
    try {
      const a = attrs[name]!;
      const v = toMetadataValue(a.value, isFloat32(a.metadata));
      if (v !== undefined) out[name] = v;
    } catch {
      // unreadable attribute types (compound, references) are not needed here
    }
  }
  return out;
}

function isFloat32(meta: H5Metadata): boolean {
  return meta.type === 1 && meta.size === 4;
}

/** The shortest decimal that is the same float32 (0.5002, not 0.5001999735832214). */
function shortFloat32(v: number): number {
  for (let p = 1; p < 10; p++) {
    const s = Number(v.toPrecision(p));
    if (Math.fround(s) === v) return s;
  }
  return v;
}

function toMetadataValue(v: unknown, float32 = false): string | number | undefined {
  if (typeof v === "string") return v;
  if (typeof v === "number") return float32 && Number.isFinite(v) ? shortFloat32(v) : v;
  if (typeof v === "bigint") return Number(v);
  if (typeof v === "boolean") return v ? 1 : 0;
  if (ArrayBuffer.isView(v) || Array.isArray(v)) {
    const arr = Array.from(v as ArrayLike<unknown>, (x) => toMetadataValue(x, float32));
    if (arr.length === 1) return arr[0];
    if (arr.length > 64 || arr.some((x) => x === undefined)) return undefined;
    return JSON.stringify(arr);
  }
  return undefined;
}

function scalarValue(file: H5File, p: string): string | number | undefined {
  try {
    const ds = new h5wasm.Dataset(file.file_id, p);
    const meta = ds.metadata;
    if ((meta.shape ?? []).reduce((a, b) => a * b, 1) !== 1) return undefined;
    return toMetadataValue(ds.value, isFloat32(meta));
  } catch {
    return undefined;
  }
}

function stringAttr(file: H5File, p: string, name: string): string | null {
  const v = attributes(file, p)[name];
  return typeof v === "string" && v.length > 0 ? v : null;
}

// ---------------------------------------------------------------------------------------------
// Walking the file

function h5Types(): { group: number; dataset: number } {
  return { group: 0, dataset: 1 }; // H5G_GROUP, H5G_DATASET (h5wasm Module constants)
}

/** HDF5 object type at `p` (0 group, 1 dataset, 2 named type, 3 soft link, 4 external link), or -1. */
function getType(file: H5File, p: string): number {
  try {
    return file.get_type(p);
  } catch {
    return -1;
  }
}

function isDataset(file: H5File, p: string): boolean {
  // get_type follows soft and external links (1 when the target is a dataset).
  return getType(file, p) === h5Types().dataset;
}

/** Why a link at `p` does not lead to a dataset, or null when there is no such link. */
function linkProblem(file: H5File, p: string): string | null {
  let target: { filename: string; obj_path: string } | undefined;
  try {
    target = file.get_external_link(p);
  } catch {
    target = undefined;
  }
  if (target?.filename)
    return `external link to ${target.filename}:${target.obj_path} (file missing or unreadable?)`;
  try {
    const soft = file.get_link(p);
    if (soft) return `soft link to ${soft}, which does not exist`;
  } catch {
    // not a soft link
  }
  return null;
}

/** Absolute paths of all datasets (following links one level, not descending into external files). */
function walk(file: H5File): string[] {
  let names: string[];
  try {
    names = file.paths();
  } catch {
    return [];
  }
  return names
    .map((n) => `/${n}`)
    .filter((p) => {
      const t = getType(file, p);
      return t === h5Types().dataset || t === 4;
    });
}

function describeDataset(file: H5File, p: string): Hdf5DatasetInfo {
  const info: Hdf5DatasetInfo = { path: p, shape: [], dtype: "?", chunks: null, filters: [] };
  try {
    const ext = file.get_external_link(p);
    if (ext?.filename) info.externalLink = `${ext.filename}:${ext.obj_path}`;
  } catch {
    // not an external link
  }
  try {
    const ds = new h5wasm.Dataset(file.file_id, p);
    const meta = ds.metadata;
    info.shape = meta.shape ?? [];
    info.dtype = typeName(meta);
    info.chunks = meta.chunks;
    info.filters = (ds.filters as H5Filter[]).map((f) => ({
      id: f.id,
      name: describeFilters([f]).split(" ")[0]!,
      cdValues: [...f.cd_values],
    }));
  } catch (err) {
    info.problem = h5Problem(err);
  }
  return info;
}

function datasetMetadata(file: H5File, path: string, p: string): H5Metadata {
  try {
    return new h5wasm.Dataset(file.file_id, p).metadata;
  } catch (err) {
    throw new InputError(path, `${p}: ${h5Problem(err)}`);
  }
}

function safeShape(file: H5File, p: string): number[] {
  try {
    return new h5wasm.Dataset(file.file_id, p).metadata.shape ?? [];
  } catch {
    return [];
  }
}

/** "a (3x64x96), b (10)" — at most 12 entries, for error messages. */
function datasetList(file: H5File): string {
  const all = walk(file);
  if (all.length === 0) return "none";
  const shown = all.slice(0, 12).map((p) => `${p} ${fmtShape(safeShape(file, p))}`);
  return all.length > 12 ? `${shown.join(", ")}, … ${all.length - 12} more` : shown.join(", ");
}

function imageShape(dims: number[], seg: Segment): [number, number] {
  const rest = dims.slice(seg.lead);
  return [rest[rest.length - 2]!, rest[rest.length - 1]!];
}

function fmtShape(dims: number[]): string {
  return dims.length === 0 ? "scalar" : dims.join("x");
}

function join(group: string, name: string): string {
  return group === "/" ? `/${name}` : `${group}/${name}`;
}
