import { InputError } from "../util/errors.js";
import { type Dataset, GZIP_LEVEL, type H5File, h5WriteProblem } from "./h5.js";
import { createTempH5, discardTempH5, TempH5Writer } from "./h5-temp.js";

export type StackCompression = "bslz4" | "lz4" | "gzip" | "none";

export interface EigerStackOptions {
  /** [rows, cols] of one frame. */
  shape: [number, number];
  frames: number;
  dtype: "uint16" | "uint32";
  compression: StackCompression;
  /** gzip level 1–9 (default 4); ignored by the other compressions. */
  gzipLevel?: number;
  /** Extra attributes on /entry (scan point, sample, run id, …). */
  attrs?: Record<string, string | number>;
  /** Nonzero = invalid pixel; written as Dectris' pixel_mask (uint32; the values are kept). */
  pixelMask?: Uint8Array | Uint32Array;
  xPixelSizeM: number;
  yPixelSizeM: number;
  distanceM: number;
  wavelengthM: number;
  countTimeS: number;
  /** Default: countTimeS. */
  frameTimeS?: number;
  /** Beam centre [pixels] along columns (x) and rows (y). */
  beamCenterXPx?: number;
  beamCenterYPx?: number;
  /** Default "Dectris EIGER2 Si 1M". */
  description?: string;
  sensorThicknessM?: number;
  /** Program that wrote the file (root @creator); default "operando-swaxs". */
  creator?: string;
}

export interface EigerStackWriter {
  readonly path: string;
  /** Where the file is being written until finish() renames it to `path`. */
  readonly tempPath: string;
  /** Write frame i (row-major rows × cols, of the stack's dtype or any numbers that fit it). */
  writeFrame(i: number, data: ArrayLike<number>): void;
  /** Close and rename to `path`; throws (and discards the file) if a frame was never written. */
  finish(): void;
  /** Close and delete the temporary file. Safe to call more than once, or after finish(). */
  abort(): void;
}

type UintArray = Uint16Array | Uint32Array;

/** Filter id and cd_values handed to HDF5 (h5wasm's create_dataset `compression`/`compression_opts`). */
export function filterSettings(
  c: StackCompression,
  gzipLevel = 4,
): { id: number | "gzip"; opts: number[] } | null {
  switch (c) {
    // Bitshuffle's set_local puts (major, minor, element size) in front of what it is given:
    // (block size 0 = automatic, 2 = LZ4) becomes the (0, 4, 2|4, 0, 2) Dectris files carry.
    case "bslz4":
      return { id: 32008, opts: [0, 2] };
    // An explicit empty list: without it h5wasm would take the id as a gzip level.
    case "lz4":
      return { id: 32004, opts: [] };
    case "gzip":
      if (!(Number.isInteger(gzipLevel) && gzipLevel >= 1 && gzipLevel <= 9)) {
        throw new RangeError(`gzip level must be 1…9, got ${gzipLevel}`);
      }
      return { id: "gzip", opts: [gzipLevel] };
    case "none":
      return null;
    default:
      throw new RangeError(`unknown compression "${c as string}" (bslz4, lz4, gzip or none)`);
  }
}

/** Start a stack; write every frame with writeFrame(), then finish(). */
export async function createEigerStack(path: string, opts: EigerStackOptions): Promise<EigerStackWriter> {
  checkOptions(opts);
  const { file, tempPath } = await createTempH5(path);
  try {
    return new StackWriter(file, path, tempPath, opts);
  } catch (err) {
    throw discardTempH5(file, tempPath, path, err);
  }
}

function checkOptions(o: EigerStackOptions): void {
  const [rows, cols] = o.shape;
  if (!(Number.isInteger(rows) && Number.isInteger(cols) && rows > 0 && cols > 0)) {
    throw new RangeError(`shape must be two positive integers, got ${o.shape.join("×")}`);
  }
  if (!(Number.isInteger(o.frames) && o.frames >= 1))
    throw new RangeError(`frames must be ≥ 1, got ${o.frames}`);
  if (o.dtype !== "uint16" && o.dtype !== "uint32") {
    throw new RangeError(`dtype must be uint16 or uint32, got ${o.dtype as string}`);
  }
  filterSettings(o.compression, o.gzipLevel);
  if (o.pixelMask && o.pixelMask.length !== rows * cols) {
    throw new RangeError(`pixelMask has ${o.pixelMask.length} values, expected ${rows} × ${cols}`);
  }
  const positive: [string, number | undefined][] = [
    ["xPixelSizeM", o.xPixelSizeM],
    ["yPixelSizeM", o.yPixelSizeM],
    ["distanceM", o.distanceM],
    ["wavelengthM", o.wavelengthM],
    ["countTimeS", o.countTimeS],
    ["frameTimeS", o.frameTimeS],
    ["sensorThicknessM", o.sensorThicknessM],
  ];
  for (const [name, v] of positive) {
    if (v !== undefined && !(Number.isFinite(v) && v > 0))
      throw new RangeError(`${name} must be > 0, got ${v}`);
  }
}

class StackWriter extends TempH5Writer implements EigerStackWriter {
  private readonly data: Dataset;
  private readonly pixels: number;
  private readonly max: number;

  constructor(
    file: H5File,
    path: string,
    tempPath: string,
    private readonly opts: EigerStackOptions,
  ) {
    super(file, path, tempPath, opts.frames, "frames");
    const o = opts;
    const [rows, cols] = o.shape;
    this.pixels = rows * cols;
    this.max = o.dtype === "uint16" ? 0xffff : 0xffffffff;
    const h5type = o.dtype === "uint16" ? "<H" : "<I";

    file.create_attribute("NX_class", "NXroot");
    file.create_attribute("default", "entry");
    file.create_attribute("creator", o.creator ?? "operando-swaxs");

    const entry = file.create_group("entry");
    entry.create_attribute("NX_class", "NXentry");
    entry.create_attribute("default", "data");
    for (const [k, v] of Object.entries(o.attrs ?? {})) {
      if (k === "NX_class" || k === "default") throw new RangeError(`attribute "${k}" is reserved`);
      if (typeof v === "number") entry.create_attribute(k, v, null, Number.isInteger(v) ? "<q" : "<d");
      else entry.create_attribute(k, v);
    }

    const group = entry.create_group("data");
    group.create_attribute("NX_class", "NXdata");
    group.create_attribute("signal", "data");
    const filter = filterSettings(o.compression, o.gzipLevel);
    // Created empty with a fixed maximum and then extended: h5wasm otherwise wants all the data at
    // creation. Unwritten frames would read as 0, but finish() refuses to publish those.
    this.data = group.create_dataset({
      name: "data",
      data: o.dtype === "uint16" ? new Uint16Array(0) : new Uint32Array(0),
      shape: [0, rows, cols],
      maxshape: [o.frames, rows, cols],
      dtype: h5type,
      chunks: [1, rows, cols],
      ...(filter ? { compression: filter.id, compression_opts: filter.opts } : {}),
    });
    this.data.resize([o.frames, rows, cols]);
    this.data.create_attribute("image_nr_low", 1, null, "<i");
    this.data.create_attribute("image_nr_high", o.frames, null, "<i");
    this.data.create_attribute("interpretation", "image");

    const instrument = entry.create_group("instrument");
    instrument.create_attribute("NX_class", "NXinstrument");
    const beam = instrument.create_group("beam");
    beam.create_attribute("NX_class", "NXbeam");
    scalar(beam, "incident_wavelength", o.wavelengthM * 1e10, "angstrom");

    const det = instrument.create_group("detector");
    det.create_attribute("NX_class", "NXdetector");
    det.create_dataset({ name: "description", data: o.description ?? "Dectris EIGER2 Si 1M" });
    scalar(det, "x_pixel_size", o.xPixelSizeM, "m");
    scalar(det, "y_pixel_size", o.yPixelSizeM, "m");
    scalar(det, "detector_distance", o.distanceM, "m");
    scalar(det, "count_time", o.countTimeS, "s");
    scalar(det, "frame_time", o.frameTimeS ?? o.countTimeS, "s");
    if (o.beamCenterXPx !== undefined) scalar(det, "beam_center_x", o.beamCenterXPx, "pixel");
    if (o.beamCenterYPx !== undefined) scalar(det, "beam_center_y", o.beamCenterYPx, "pixel");
    if (o.sensorThicknessM !== undefined) scalar(det, "sensor_thickness", o.sensorThicknessM, "m");
    det.create_dataset({ name: "bit_depth_image", data: o.dtype === "uint16" ? 16 : 32, dtype: "<i" });

    const spec = det.create_group("detectorSpecific");
    spec.create_attribute("NX_class", "NXcollection");
    spec.create_dataset({ name: "x_pixels_in_detector", data: cols, dtype: "<i" });
    spec.create_dataset({ name: "y_pixels_in_detector", data: rows, dtype: "<i" });
    spec.create_dataset({ name: "nimages", data: o.frames, dtype: "<i" });
    spec.create_dataset({ name: "saturation_value", data: this.max - 1, dtype: "<I" });
    if (o.pixelMask) {
      spec.create_dataset({
        name: "pixel_mask",
        data: Uint32Array.from(o.pixelMask),
        shape: [rows, cols],
        dtype: "<I",
        chunks: [rows, cols],
        compression: "gzip",
        compression_opts: GZIP_LEVEL,
      });
    }
  }

  writeFrame(i: number, data: ArrayLike<number>): void {
    this.checkOpen();
    if (!Number.isInteger(i) || i < 0 || i >= this.opts.frames) {
      throw new RangeError(`frame ${i} out of range 0…${this.opts.frames - 1}`);
    }
    if (data.length !== this.pixels) {
      throw new RangeError(`frame has ${data.length} pixels, expected ${this.opts.shape.join(" × ")}`);
    }
    const values = this.exact(data);
    try {
      this.data.write_slice([[i, i + 1], [], []], values);
    } catch (err) {
      throw new InputError(this.path, `cannot write frame ${i}: ${h5WriteProblem(this.path, err)}`);
    }
    this.written[i] = 1;
  }

  /**
   * The frame as a typed array h5wasm writes correctly: of the dataset's type and exactly its whole
   * buffer (h5wasm 0.8.9 writes from `array.buffer`, ignoring byteOffset). Other arrays are copied,
   * refusing values the dtype cannot hold rather than letting them wrap.
   */
  private exact(a: ArrayLike<number>): UintArray {
    const Ctor = this.opts.dtype === "uint16" ? Uint16Array : Uint32Array;
    if (a instanceof Ctor && a.byteOffset === 0 && a.byteLength === a.buffer.byteLength) return a;
    if (!(a instanceof Uint16Array || a instanceof Uint8Array || a instanceof Ctor)) {
      for (let k = 0; k < a.length; k++) {
        const v = a[k]!;
        if (!(Number.isInteger(v) && v >= 0 && v <= this.max)) {
          throw new RangeError(`pixel ${k} = ${v} does not fit ${this.opts.dtype}`);
        }
      }
    }
    return Ctor.from(a);
  }
}

/** A float64 scalar dataset with a `units` attribute. */
function scalar(group: ReturnType<H5File["create_group"]>, name: string, value: number, units: string): void {
  group.create_dataset({ name, data: value, dtype: "<d" }).create_attribute("units", units);
}
