import { InputError } from "../util/errors.js";
import { CURVE_FILTER, type Dataset, exactFloats, type H5File, h5WriteProblem } from "./h5.js";
import { createTempH5, discardTempH5, TempH5Writer } from "./h5-temp.js";

type FloatArray = Float32Array | Float64Array;

export interface NxIntegratedHeader {
  /** Radial bin centres. */
  radial: Float64Array;
  /** Name of the radial axis dataset: "q" or "2th". */
  radialName: string;
  /** "1/nm", "1/angstrom" or "deg". */
  radialUnits: string;
  /** Number of frames (rows). */
  frames: number;
  sourceFiles: string[];
  program: string;
  version: string;
  /** ISO 8601 date of processing. */
  date: string;
  /** The configuration used, as a JSON string. */
  config: string;
  /** Optional axis along the frames (e.g. time since start); default: no axis ("."). */
  frameAxis?: { name: string; values: Float64Array; units: string; longName?: string };
}

export interface NxIntegratedData extends NxIntegratedHeader {
  /** frames × bins, row-major. */
  intensity: FloatArray;
  /** Standard deviations, same shape as intensity. */
  errors?: FloatArray;
}

export interface NxIntegratedWriter {
  readonly path: string;
  /** Where the file is being written until finish() renames it to `path`. */
  readonly tempPath: string;
  /** Write row `i` (frame i) of I and, when the writer was created with errors, of I_errors. */
  writeRow(i: number, intensity: ArrayLike<number>, sigma?: ArrayLike<number>): void;
  /** Close and rename to `path`; throws (and discards the file) if a row was never written. */
  finish(): void;
  /** Close and delete the temporary file. Safe to call more than once, or after finish(). */
  abort(): void;
}

// NeXus names: the "relaxed" rule of the NeXus validation (letters, digits, _, inner dots).
const NX_NAME = /^[A-Za-z0-9_]([A-Za-z0-9_.]*[A-Za-z0-9_])?$/;

/** Write all frames at once (the data are already in memory). */
export async function writeNxIntegrated(path: string, data: NxIntegratedData): Promise<void> {
  const bins = data.radial.length;
  const n = data.frames * bins;
  if (data.intensity.length !== n) {
    throw new RangeError(`intensity has ${data.intensity.length} values, expected ${data.frames} × ${bins}`);
  }
  if (data.errors && data.errors.length !== n) {
    throw new RangeError(`errors has ${data.errors.length} values, expected ${data.frames} × ${bins}`);
  }
  const writer = await createNxIntegrated(path, data, {
    dtype: data.intensity instanceof Float32Array ? "float32" : "float64",
    errors: data.errors !== undefined,
  });
  try {
    (writer as Writer).writeBlock(0, data.frames, data.intensity, data.errors);
    writer.finish();
  } catch (err) {
    writer.abort();
    throw err;
  }
}

/** Start a file whose rows are written one at a time with writeRow(), then finish(). */
export async function createNxIntegrated(
  path: string,
  header: NxIntegratedHeader,
  opts: { dtype?: "float32" | "float64"; errors?: boolean } = {},
): Promise<NxIntegratedWriter> {
  checkHeader(header);
  const { file, tempPath } = await createTempH5(path);
  try {
    const writer = new Writer(file, path, tempPath, header, opts.dtype ?? "float32", opts.errors ?? false);
    return writer;
  } catch (err) {
    throw discardTempH5(file, tempPath, path, err);
  }
}

function checkHeader(h: NxIntegratedHeader): void {
  if (!Number.isInteger(h.frames) || h.frames < 1)
    throw new RangeError(`frames must be ≥ 1, got ${h.frames}`);
  if (h.radial.length < 1) throw new RangeError("radial axis is empty");
  for (const name of [h.radialName, h.frameAxis?.name]) {
    if (name !== undefined && (!NX_NAME.test(name) || name === "I" || name === "I_errors")) {
      throw new RangeError(`"${name}" cannot be used as a NeXus axis name`);
    }
  }
  if (h.frameAxis && h.frameAxis.values.length !== h.frames) {
    throw new RangeError(`frame axis has ${h.frameAxis.values.length} values, expected ${h.frames}`);
  }
  if (h.frameAxis?.name === h.radialName) throw new RangeError("frame and radial axes need different names");
}

/** Rows gathered per write call (writeRow). */
const ROW_BLOCK = 64;

class Writer extends TempH5Writer implements NxIntegratedWriter {
  private readonly bins: number;
  private block: { start: number; count: number; intensity: FloatArray; sigma: FloatArray | null } | null =
    null;
  private readonly intensity: Dataset;
  private readonly errors: Dataset | null;
  private readonly ctor: Float32ArrayConstructor | Float64ArrayConstructor;

  constructor(
    file: H5File,
    path: string,
    tempPath: string,
    private readonly header: NxIntegratedHeader,
    dtype: "float32" | "float64",
    withErrors: boolean,
  ) {
    super(file, path, tempPath, header.frames, "rows");
    const h = header;
    this.bins = h.radial.length;
    this.ctor = dtype === "float32" ? Float32Array : Float64Array;

    file.create_attribute("NX_class", "NXroot");
    file.create_attribute("default", "entry");
    file.create_attribute("creator", `${h.program} ${h.version}`);
    file.create_attribute("file_time", h.date);

    const entry = file.create_group("entry");
    entry.create_attribute("NX_class", "NXentry");
    entry.create_attribute("default", "data");
    entry.create_dataset({ name: "program_name", data: h.program }).create_attribute("version", h.version);

    const data = entry.create_group("data");
    data.create_attribute("NX_class", "NXdata");
    data.create_attribute("signal", "I");
    data.create_attribute("axes", [h.frameAxis?.name ?? ".", h.radialName]);
    data.create_attribute(`${h.radialName}_indices`, 1, null, "<i");
    if (h.frameAxis) data.create_attribute(`${h.frameAxis.name}_indices`, 0, null, "<i");

    // Created empty with a fixed maximum, then extended: h5wasm wants the full data at creation
    // otherwise. Unwritten rows would read as 0, but finish() refuses to publish those.
    const make = (name: string) => {
      const ds = data.create_dataset({
        name,
        data: dtype === "float32" ? new Float32Array(0) : new Float64Array(0),
        shape: [0, this.bins],
        maxshape: [h.frames, this.bins],
        dtype: dtype === "float32" ? "<f" : "<d",
        chunks: [1, this.bins],
        ...CURVE_FILTER,
      });
      ds.resize([h.frames, this.bins]);
      return ds;
    };
    this.intensity = make("I");
    this.intensity.create_attribute("long_name", "intensity");
    this.intensity.create_attribute("interpretation", "spectrum");
    this.errors = withErrors ? make("I_errors") : null;
    this.errors?.create_attribute("long_name", "standard deviation of intensity");

    const radial = data.create_dataset({
      name: h.radialName,
      data: exactFloats(h.radial, Float64Array),
      dtype: "<d",
    });
    radial.create_attribute("units", h.radialUnits);
    radial.create_attribute(
      "long_name",
      `${h.radialName === "2th" ? "2theta" : h.radialName} (${h.radialUnits})`,
    );
    if (h.frameAxis) {
      const fa = data.create_dataset({
        name: h.frameAxis.name,
        data: exactFloats(h.frameAxis.values, Float64Array),
        dtype: "<d",
      });
      fa.create_attribute("units", h.frameAxis.units);
      fa.create_attribute("long_name", h.frameAxis.longName ?? `${h.frameAxis.name} (${h.frameAxis.units})`);
    }

    const proc = entry.create_group("process");
    proc.create_attribute("NX_class", "NXprocess");
    proc.create_dataset({ name: "program", data: h.program });
    proc.create_dataset({ name: "version", data: h.version });
    proc.create_dataset({ name: "date", data: h.date });
    proc.create_dataset({ name: "sequence_index", data: 1, dtype: "<i" });
    if (h.sourceFiles.length > 0) proc.create_dataset({ name: "source_files", data: h.sourceFiles });
    const note = proc.create_group("configuration");
    note.create_attribute("NX_class", "NXnote");
    note.create_dataset({ name: "type", data: "application/json" });
    note.create_dataset({ name: "description", data: `${h.program} configuration` });
    note.create_dataset({ name: "data", data: h.config });
  }

  /**
   * Consecutive rows are gathered and written ROW_BLOCK at a time (the chunks stay one row each):
   * h5wasm's cost per write call, not the bytes, was most of the time of a row-by-row writer.
   */
  writeRow(i: number, intensity: ArrayLike<number>, sigma?: ArrayLike<number>): void {
    this.checkOpen();
    if (!Number.isInteger(i) || i < 0 || i >= this.header.frames) {
      throw new RangeError(`row ${i} out of range 0…${this.header.frames - 1}`);
    }
    // checked now, not when the block is written, so the error comes from the call that caused it
    this.checkValues(1, intensity, sigma);
    let b = this.block;
    if (b && (i !== b.start + b.count || b.count === ROW_BLOCK)) {
      this.flush();
      b = null;
    }
    if (!b) {
      const n = ROW_BLOCK * this.bins;
      b = { start: i, count: 0, intensity: new this.ctor(n), sigma: this.errors ? new this.ctor(n) : null };
      this.block = b;
    }
    b.intensity.set(intensity, b.count * this.bins);
    if (sigma) b.sigma!.set(sigma, b.count * this.bins);
    b.count++;
  }

  /** Write the gathered rows. */
  private flush(): void {
    const b = this.block;
    this.block = null;
    if (!b || b.count === 0) return;
    const n = b.count * this.bins;
    this.writeBlock(b.start, b.count, b.intensity.subarray(0, n), b.sigma?.subarray(0, n));
  }

  override finish(): void {
    this.checkOpen("finish");
    try {
      this.flush();
    } catch (err) {
      this.abort();
      throw err;
    }
    super.finish();
  }

  /** Rows start … start+count-1 from row-major arrays of count × bins values. */
  writeBlock(start: number, count: number, intensity: ArrayLike<number>, sigma?: ArrayLike<number>): void {
    this.checkOpen();
    this.checkValues(count, intensity, sigma);
    try {
      this.intensity.write_slice([[start, start + count], []], exactFloats(intensity, this.ctor));
      if (sigma) this.errors!.write_slice([[start, start + count], []], exactFloats(sigma, this.ctor));
    } catch (err) {
      throw new InputError(
        this.path,
        `cannot write rows ${start}…${start + count - 1}: ${h5WriteProblem(this.path, err)}`,
      );
    }
    this.written.fill(1, start, start + count);
  }

  /** count rows' worth of values, and σ exactly when the file has I_errors. */
  private checkValues(count: number, intensity: ArrayLike<number>, sigma?: ArrayLike<number>): void {
    const n = count * this.bins;
    if (intensity.length !== n)
      throw new RangeError(`intensity row has ${intensity.length} values, expected ${n}`);
    if ((sigma !== undefined) !== (this.errors !== null)) {
      throw new RangeError(this.errors ? "this file has I_errors: give sigma" : "this file has no I_errors");
    }
    if (sigma && sigma.length !== n)
      throw new RangeError(`sigma row has ${sigma.length} values, expected ${n}`);
  }
}
