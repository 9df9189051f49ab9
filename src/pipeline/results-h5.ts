/**
 * `results.h5`: everything `swaxs run` found, in one NeXus file that h5web and silx open.
 *
 *   /entry                    NXentry, default → the first detector
 *   /entry/<det>              NXdata  I [pixel, sweep, q] (+ I_errors), NaN where a pixel has no
 *                             frame in a sweep; time, sod_pct [pixel, sweep]; row, col [pixel];
 *                             ocv_mean [pixel, q] (the curve it was normalised by, where it was)
 *   /entry/maps/<band>_sod<N> NXdata  value [row, col] with y_mm, x_mm axes
 *   /entry/regions            NXdata  code [row, col] (index into its `labels` attribute)
 *   /entry/timeseries/<region>_<det>  NXdata  normalised mean curve [sweep, q], time, sod_pct
 *   /entry/echem              NXdata  ewe_v vs time (Unix s), with current, charge, SODC
 *   /entry/frames             NXcollection: the per-frame table of frames.csv as columns
 *   /entry/crystallite/<peak> NXdata  size_nm vs time, with errors
 *
 * The curves are written sweep by sweep while they stream past; the rest at the end. Written
 * under a temporary name and renamed when complete (see h5-temp.ts).
 */
import {
  CURVE_FILTER,
  createTempH5,
  type Dataset,
  discardTempH5,
  type H5File,
  h5WriteProblem,
  publishTempH5,
} from "../formats/index.js";
import { InputError } from "../util/errors.js";

type Group = ReturnType<H5File["create_group"]>;
type Num = Float64Array | Float32Array | Int32Array | Int8Array;

export interface CubeHeader {
  name: string;
  radial: Float64Array;
  radialUnits: string;
  pixels: number;
  sweeps: number;
  rowOfPixel: Int32Array;
  colOfPixel: Int32Array;
}

export class ResultsH5 {
  private readonly cubes = new Map<string, { I: Dataset; E: Dataset; npt: number; pixels: number }>();
  private readonly entry: Group;
  private done = false;

  private constructor(
    private readonly file: H5File,
    private readonly path: string,
    private readonly tempPath: string,
    meta: { program: string; version: string; date: string; config: string },
  ) {
    file.create_attribute("NX_class", "NXroot");
    file.create_attribute("default", "entry");
    file.create_attribute("creator", `${meta.program} ${meta.version}`);
    file.create_attribute("file_time", meta.date);
    this.entry = file.create_group("entry");
    this.entry.create_attribute("NX_class", "NXentry");
    this.entry
      .create_dataset({ name: "program_name", data: meta.program })
      .create_attribute("version", meta.version);
    this.entry.create_dataset({ name: "config", data: meta.config });
  }

  static async create(
    path: string,
    meta: { program: string; version: string; date: string; config: string },
  ): Promise<ResultsH5> {
    const { file, tempPath } = await createTempH5(path);
    try {
      return new ResultsH5(file, path, tempPath, meta);
    } catch (err) {
      throw discardTempH5(file, tempPath, path, err);
    }
  }

  /** Start a detector's pixel × sweep × q cube; its sweeps are then written with writeSweep. */
  addCube(
    h: CubeHeader,
    perPixelSweep: { timeS: Float64Array; sodPct: Float64Array },
    ocvMean: Float32Array | null,
  ): void {
    const g = this.entry.create_group(h.name);
    if (this.cubes.size === 0) this.entry.create_attribute("default", h.name);
    nxData(g, "I", ["pixel", "sweep", "q"]);
    const npt = h.radial.length;
    const make = (name: string) => {
      const ds = g.create_dataset({
        name,
        data: new Float32Array(0),
        shape: [0, h.sweeps, npt],
        maxshape: [h.pixels, h.sweeps, npt],
        dtype: "<f",
        chunks: [1, 1, npt],
        ...CURVE_FILTER,
      });
      ds.resize([h.pixels, h.sweeps, npt]);
      return ds;
    };
    const I = make("I");
    I.create_attribute("long_name", "intensity (reduced: per exposure·monitor, empty cell subtracted)");
    const E = make("I_errors");
    E.create_attribute("long_name", "standard deviation of I");
    column(g, "q", h.radial, { units: h.radialUnits, long_name: `q (${h.radialUnits})` });
    column(
      g,
      "pixel",
      Int32Array.from({ length: h.pixels }, (_, p) => p),
      { long_name: "pixel = row·cols + col" },
    );
    column(
      g,
      "sweep",
      Int32Array.from({ length: h.sweeps }, (_, s) => s),
      { long_name: "sweep over the grid" },
    );
    column(g, "row", h.rowOfPixel, { long_name: "grid row (0 = lowest y)" });
    column(g, "col", h.colOfPixel, { long_name: "grid column (0 = lowest x)" });
    column(g, "time", perPixelSweep.timeS, { units: "s", long_name: "Unix time (UTC) [pixel, sweep]" }, [
      h.pixels,
      h.sweeps,
    ]);
    column(
      g,
      "sod_pct",
      perPixelSweep.sodPct,
      { units: "%", long_name: "state of discharge [pixel, sweep]" },
      [h.pixels, h.sweeps],
    );
    if (ocvMean)
      column(g, "ocv_mean", ocvMean, { long_name: "mean curve over the initial OCV [pixel, q]" }, [
        h.pixels,
        npt,
      ]);
    this.cubes.set(h.name, { I, E, npt, pixels: h.pixels });
  }

  /**
   * One sweep of a cube: `intensity`/`sigma` hold pixels × npt values (NaN for a pixel without a
   * frame in this sweep), written as one slab [:, s, :] (one chunk a pixel, each written once; one
   * call, as h5wasm's per-call cost was most of the writing).
   */
  writeSweep(det: string, sweep: number, intensity: Float32Array, sigma: Float32Array): void {
    const c = this.cubes.get(det)!;
    this.writing(`${det} sweep ${sweep}`, () => {
      c.I.write_slice([[0, c.pixels], [sweep, sweep + 1], []], exactCopy(intensity));
      c.E.write_slice([[0, c.pixels], [sweep, sweep + 1], []], exactCopy(sigma));
    });
  }

  /**
   * HDF5's refusal to write (a full disk, most often: it happens while the frames are still being
   * reduced, the cube being written as they come) as one line naming results.h5, not HDF5's stack.
   */
  private writing<T>(what: string, write: () => T): T {
    try {
      return write();
    } catch (err) {
      if (err instanceof InputError) throw err;
      throw new InputError(this.path, `cannot write ${what}: ${h5WriteProblem(this.path, err)}`);
    }
  }

  /**
   * A stack of 2-D images [n, a, b] under `group` written one image at a time: returns the writer of
   * image i. `axes` names the three axes; `columns` holds their values (and any extra columns).
   */
  addStack(
    group: string,
    name: string,
    dims: [number, number, number],
    axes: [string, string, string],
    columns: Record<string, { data: Num; units?: string }>,
  ): (i: number, image: Float32Array) => void {
    const g = this.subgroup(group).create_group(name);
    nxData(g, "I", axes);
    const ds = g.create_dataset({
      name: "I",
      data: new Float32Array(0),
      shape: [0, dims[1], dims[2]],
      maxshape: dims,
      dtype: "<f",
      chunks: [1, dims[1], dims[2]],
      ...CURVE_FILTER,
    });
    ds.resize(dims);
    for (const [k, c] of Object.entries(columns)) column(g, k, c.data, c.units ? { units: c.units } : {});
    return (i, image) =>
      this.writing(`${group}/${name} image ${i}`, () =>
        ds.write_slice([[i, i + 1], [], []], exactCopy(image)),
      );
  }

  /**
   * A 2-D map over the grid: value [rows, cols] with y_mm and x_mm axes, under `group`; `more`:
   * datasets of the same shape beside it (value_errors, flags).
   */
  addMap(
    group: string,
    name: string,
    value: Num,
    yMm: ArrayLike<number>,
    xMm: ArrayLike<number>,
    attrs: Record<string, string> = {},
    more: Record<string, Num> = {},
  ): void {
    const g = (group ? this.subgroup(group) : this.entry).create_group(name);
    nxData(g, "value", ["y_mm", "x_mm"]);
    const v = column(g, "value", value, {}, [yMm.length, xMm.length]);
    for (const [k, s] of Object.entries(attrs)) v.create_attribute(k, s);
    for (const [k, d] of Object.entries(more)) column(g, k, d, {}, [yMm.length, xMm.length]);
    column(g, "y_mm", Float64Array.from(yMm), { units: "mm" });
    column(g, "x_mm", Float64Array.from(xMm), { units: "mm" });
  }

  /** Columns over one axis (time, sweep…) as an NXdata: `signal` plotted against `axis`. */
  addTable(
    group: string | null,
    name: string,
    columns: Record<string, { data: Num; units?: string; shape?: number[] }>,
    signal: string | null,
    axes: string[],
  ): void {
    const g = (group ? this.subgroup(group) : this.entry).create_group(name);
    if (signal) nxData(g, signal, axes);
    else g.create_attribute("NX_class", "NXcollection");
    for (const [k, c] of Object.entries(columns))
      column(g, k, c.data, c.units ? { units: c.units } : {}, c.shape);
  }

  /** A string array (labels, detector names) with its own dataset. */
  addStrings(group: string | null, name: string, values: string[]): void {
    (group ? this.subgroup(group) : this.entry).create_dataset({ name, data: values });
  }

  finish(): void {
    this.done = true;
    publishTempH5(this.file, this.tempPath, this.path);
  }

  abort(): void {
    if (this.done) return;
    this.done = true;
    discardTempH5(this.file, this.tempPath, this.path, null);
  }

  private subgroup(name: string): Group {
    const existing = this.entry.get(name);
    if (existing) return existing as Group;
    const g = this.entry.create_group(name);
    g.create_attribute("NX_class", "NXcollection");
    return g;
  }
}

function nxData(g: Group, signal: string, axes: string[]): void {
  g.create_attribute("NX_class", "NXdata");
  g.create_attribute("signal", signal);
  g.create_attribute("axes", axes);
  axes.forEach((a, i) => {
    if (a !== ".") g.create_attribute(`${a}_indices`, i, null, "<i");
  });
}

function column(g: Group, name: string, data: Num, attrs: Record<string, string>, shape?: number[]): Dataset {
  const dtype =
    data instanceof Float64Array
      ? "<d"
      : data instanceof Float32Array
        ? "<f"
        : data instanceof Int32Array
          ? "<i"
          : "|b";
  const ds = g.create_dataset({ name, data: exactCopy(data), dtype, ...(shape && { shape }) });
  for (const [k, v] of Object.entries(attrs)) ds.create_attribute(k, v);
  return ds;
}

/** h5wasm writes from `array.buffer` and ignores the view's offset: hand it a whole buffer. */
function exactCopy(a: Num): Num {
  return a.byteOffset === 0 && a.byteLength === a.buffer.byteLength ? a : a.slice();
}
