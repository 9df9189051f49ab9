/**
 * Reading a results folder written by `swaxs run`, through the contract of schema.ts: the CSV
 * tables and the reduced curves (reduced_<det>.h5). The viewer's server asks it for small slices,
 * the report for whole figures, the tests for columns by name; nothing else reads the folder.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { closeQuietly, type H5File, openH5 } from "../formats/h5.js";
import { phaseReflections } from "../physics/index.js";
import { InputError } from "../util/index.js";
import { type CsvTable, columnIndex, numbers, readCsv, strings, unixSeconds } from "./csv.js";
import { RESULTS, RESULTS_SCHEMA_VERSION, resultPath, resultPattern } from "./schema.js";
import type {
  Columns,
  DetectorInfo,
  PeakFitCheck,
  Reflections,
  RegionCheck,
  StateMapInfo,
  Summary,
} from "./types.js";

/** A request for something the results do not have (unknown region, band, pixel…): HTTP 404. */
export class NotFound extends Error {
  override readonly name = "NotFound";
}

interface FrameIndex {
  /** Per detector: for each of its frames (= row of reduced_<det>.h5), time, pixel and SOD. */
  byDetector: Map<string, { time: Float64Array; pixel: Int32Array; sod: Float32Array }>;
  table: CsvTable;
}

interface Reduced {
  file: H5File;
  q: Float64Array;
  qUnits: string;
  frames: number;
}

const f32 = (a: ArrayLike<number>) => Float32Array.from(a);

/**
 * Reduced curves of all detectors together up to this size are held in memory after start-up:
 * a pixel's visits are scattered through the file, and one hyperslab read per visit costs
 * 0.2–3 ms in h5wasm, against microseconds for a copy. Larger results are read visit by visit.
 */
const CUBE_BUDGET_BYTES = 256 * 2 ** 20;

export class ResultsData {
  private readonly h5 = new Map<string, Reduced>();
  /** Whole I datasets read by warm(), per detector. */
  private readonly cubes = new Map<string, Float32Array>();

  private constructor(
    readonly dir: string,
    private readonly info: Summary,
    private readonly frames: FrameIndex,
  ) {}

  /** Read the folder's index (regions, frames, file list); an unusable folder is an InputError naming it. */
  static async open(dir: string): Promise<ResultsData> {
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new InputError(dir, "no such results folder");
    for (const f of [RESULTS.regions.path, RESULTS.frames.path, RESULTS.run.path])
      if (!existsSync(join(dir, f)))
        throw new InputError(dir, `not a results folder written by \`swaxs run\` (no ${f})`);
    const run = readRunJson(dir);
    const regions = await readCsv(join(dir, RESULTS.regions.path));
    const table = await readCsv(join(dir, RESULTS.frames.path));
    const rowsOf = numbers(regions, "row");
    const colsOf = numbers(regions, "col");
    const rows = Math.max(...rowsOf) + 1;
    const cols = Math.max(...colsOf) + 1;
    const xMm = new Array<number>(cols).fill(Number.NaN);
    const yMm = new Array<number>(rows).fill(Number.NaN);
    const cellRegion = new Array<string>(rows * cols).fill("");
    const x = numbers(regions, "x_mm");
    const y = numbers(regions, "y_mm");
    const names = strings(regions, "region");
    rowsOf.forEach((r, i) => {
      const c = colsOf[i]!;
      xMm[c] = x[i]!;
      yMm[r] = y[i]!;
      cellRegion[r * cols + c] = names[i]!;
    });
    const frames = indexFrames(table, cols);
    const info: Summary = {
      name: dir,
      grid: { rows, cols, xMm, yMm },
      regions: cellRegion,
      regionNames: [...new Set(cellRegion)],
      bands: bandsOf(table),
      maps: listFiles(dir, "maps", resultPattern.map).map((m) => ({
        band: m[1]!,
        sod: Number(m[2]),
      })),
      stateMaps: [],
      peaks: listFiles(dir, "crystallite", resultPattern.crystallite).map((m) => m[1]!),
      tracked: listFiles(dir, "reflections", resultPattern.crystallite).map((m) => m[1]!),
      detectors: [],
      heatmaps: listFiles(dir, "timeseries", resultPattern.heatmap).map((m) => ({
        region: m[1]!,
        detector: m[2]!,
      })),
      series: listFiles(dir, "timeseries", resultPattern.series)
        .filter((m) => m[2] !== "heatmap" && !m[1]!.endsWith("_heatmap"))
        .map((m) => ({ region: m[1]!, band: m[2]! })),
      time: timeRange(frames),
      hasEchem: existsSync(join(dir, RESULTS.echem.path)),
      hasDqdv: existsSync(join(dir, RESULTS.dqdv.path)),
      normalize: run.normalize ?? {},
      regionCheck: run.regions ?? null,
      peakFits: (run.peak_fits as Record<string, PeakFitCheck> | undefined) ?? {},
    };
    info.series = info.series.filter((s) => info.bands.some((b) => b.name === s.band));
    // a difference file's name can end like an SOD map's (…_minus_sod100.csv): keep real bands only
    info.maps = info.maps.filter((m) => info.bands.some((b) => b.name === m.band));
    info.maps.sort((a, b) => a.band.localeCompare(b.band) || a.sod - b.sod);
    info.stateMaps = stateMapsOf(dir, info, run);
    const data = new ResultsData(dir, info, frames);
    for (const det of frames.byDetector.keys()) {
      if (!existsSync(join(dir, resultPath.reduced(det)))) continue;
      const r = await data.reduced(det);
      info.detectors.push(detectorInfo(det, r));
    }
    return data;
  }

  summary(): Summary {
    return this.info;
  }

  /** One scan point's curves on one detector, in time order. */
  async pixel(det: string, row: number, col: number): Promise<Columns> {
    const { rows, cols } = this.info.grid;
    if (!(row >= 0 && row < rows && col >= 0 && col < cols))
      throw new NotFound(`no scan point (${row}, ${col})`);
    const frames = this.frames.byDetector.get(det);
    if (!frames) throw new NotFound(`no detector ${det}`);
    const r = await this.reduced(det);
    const p = row * cols + col;
    const visits: number[] = [];
    for (let i = 0; i < frames.pixel.length; i++) if (frames.pixel[i] === p) visits.push(i);
    const nq = r.q.length;
    const I = new Float32Array(visits.length * nq);
    const cube = this.cubes.get(det);
    const ds = cube ? null : (r.file.get("entry/data/I") as import("../formats/h5.js").Dataset);
    for (const [k, f] of visits.entries())
      I.set(ds ? (ds.slice([[f, f + 1], []]) as Float32Array) : cube!.subarray(f * nq, (f + 1) * nq), k * nq);
    return {
      meta: { det, row, col, nq, visits: visits.length, qUnits: r.qUnits },
      columns: {
        time: Float64Array.from(visits, (i) => frames.time[i]!),
        sod: Float32Array.from(visits, (i) => frames.sod[i]!),
        I,
        q: r.q,
      },
    };
  }

  /** Frame-level values of one band: the client interpolates maps at any time from these. */
  band(band: string): Columns {
    const b = this.info.bands.find((x) => x.name === band);
    if (!b) throw new NotFound(`no band ${band}`);
    const t = this.frames.table;
    const ci = columnIndex(t, b.column);
    const det = this.frames.byDetector.get(b.detector);
    if (!det) throw new NotFound(`no frames of detector ${b.detector}`);
    const di = columnIndex(t, "detector");
    // its σ where frames.csv has it (band_<name>_err; none for sizes)
    const ei = t.header.indexOf(`${b.column}_err`);
    const value: number[] = [];
    const error: number[] = [];
    const num = (s: string | undefined) => (s === undefined || s === "" ? Number.NaN : Number(s));
    for (const row of t.rows) {
      if (row[di] !== b.detector) continue;
      value.push(num(row[ci]));
      error.push(ei >= 0 ? num(row[ei]) : Number.NaN);
    }
    return {
      meta: { band, detector: b.detector, frames: value.length },
      columns: { time: det.time, pixel: det.pixel, sod: det.sod, value: f32(value), value_err: f32(error) },
    };
  }

  /** A map CSV (row, col, value, value_err, flag) on the grid: NaN where a scan point has no value. */
  private mapGrid(t: Awaited<ReturnType<typeof readCsv>>) {
    const { rows, cols } = this.info.grid;
    const value = new Float32Array(rows * cols).fill(Number.NaN);
    const valueErr = new Float32Array(rows * cols).fill(Number.NaN);
    const opaque = new Int32Array(rows * cols);
    const r = numbers(t, "row");
    const c = numbers(t, "col");
    const v = numbers(t, "value");
    const e = numbers(t, "value_err");
    const flag = strings(t, "flag");
    r.forEach((ri, i) => {
      const p = ri * cols + c[i]!;
      value[p] = v[i]!;
      valueErr[p] = e[i]!;
      opaque[p] = flag[i] === "opaque" ? 1 : 0;
    });
    return { value, valueErr, opaque };
  }

  /** The pipeline's map of a band at an SOD, rows × cols (NaN where a scan point has no value). */
  async map(band: string, sod: number): Promise<Columns> {
    if (!this.info.maps.some((m) => m.band === band && m.sod === sod))
      throw new NotFound(`no map ${band} at SOD ${sod}`);
    const hit = listFiles(this.dir, "maps", resultPattern.map).find(
      (m) => m[1] === band && Number(m[2]) === sod,
    );
    const t = await readCsv(join(this.dir, "maps", hit![0]));
    const { value, valueErr, opaque } = this.mapGrid(t);
    return { meta: { band, sod }, columns: { value, value_err: valueErr, opaque } };
  }

  /**
   * The pipeline's map of a band at a named state of maps.at, or a difference map (state
   * "<B>_minus_<A>"), rows × cols as `map`.
   */
  async stateMap(band: string, state: string): Promise<Columns> {
    const m = this.info.stateMaps.find((x) => x.band === band && x.state === state);
    if (!m) throw new NotFound(`no map ${band} at state ${state}`);
    const t = await readCsv(join(this.dir, resultPath.stateMap(band, state)));
    const { value, valueErr, opaque } = this.mapGrid(t);
    return {
      meta: { band, state, about: m.about, difference: m.difference !== null },
      columns: { value, value_err: valueErr, opaque },
    };
  }

  /** A region's mean curve per sweep (q × time), with the cycler state at each sweep. */
  async heatmap(region: string, det: string): Promise<Columns> {
    if (!this.info.heatmaps.some((h) => h.region === region && h.detector === det))
      throw new NotFound(`no heatmap for ${region}, ${det}`);
    const t = await readCsv(join(this.dir, resultPath.heatmap(region, det)));
    const q = Float64Array.from(t.header.slice(2), Number);
    const time = unixSeconds(t, "time_utc");
    const nq = q.length;
    const I = new Float32Array(t.rows.length * nq);
    t.rows.forEach((row, i) => {
      for (let j = 0; j < nq; j++) {
        const s = row[j + 2] ?? "";
        I[i * nq + j] = s === "" ? Number.NaN : Number(s);
      }
    });
    const state = await this.cyclerAt(time);
    // what the heatmap shows: the pipeline's normalised curves, or (detectors it left raw) each
    // sweep relative to the first one, so that changes show rather than the curve's own shape
    const norm = this.info.normalize[det] ?? "ocv-mean";
    const raw = norm === "none";
    const shown = raw
      ? I.map((v, k) => {
          const f = I[k % nq]!;
          return f > 0 ? v / f : Number.NaN;
        })
      : I;
    const label = raw
      ? "I / I(first sweep)"
      : norm === "ocv-mean"
        ? "I / I(OCV)"
        : `I / I(${norm.replace(/^reference: /, "")})`;
    return {
      meta: { region, det, sweeps: time.length, nq, label },
      columns: {
        shown,
        time,
        sod: f32(numbers(t, "sod_pct")),
        current: state.current,
        half_cycle: state.halfCycle,
        q,
        I,
      },
    };
  }

  /** A region's band value through the experiment. */
  async series(region: string, band: string): Promise<Columns> {
    if (!this.info.series.some((s) => s.region === region && s.band === band))
      throw new NotFound(`no time series for ${region}, ${band}`);
    const t = await readCsv(join(this.dir, resultPath.series(region, band)));
    return {
      meta: { region, band },
      columns: {
        time: unixSeconds(t, "time"),
        sod: f32(numbers(t, "sod_pct")),
        value: f32(numbers(t, "value")),
        value_err: f32(numbers(t, "value_err")),
        n_pixels: f32(numbers(t, "n_pixels")),
      },
    };
  }

  private echemCache?: Promise<Columns>;

  echem(): Promise<Columns> {
    if (!this.info.hasEchem) return Promise.reject(new NotFound(`no ${RESULTS.echem.path}`));
    this.echemCache ??= (async () => {
      const t = await readCsv(join(this.dir, RESULTS.echem.path));
      const cols = ["ewe_v", "i_ma", "capacity_mah_g", "sodc_pct", "half_cycle", "cycle"] as const;
      const out: Columns["columns"] = { time: unixSeconds(t, "time") };
      for (const c of cols) out[c] = f32(numbers(t, c));
      return { meta: { records: t.rows.length }, columns: out };
    })();
    return this.echemCache;
  }

  /**
   * dQ/dV per half-cycle (dqdv.csv): time f64 (Unix s), half_cycle, cycle, voltage_v, dqdv_mah_v,
   * dqdv_mah_g_v f32 (NaN without a mass), discharge f32 (1 on discharge, 0 on charge).
   */
  async dqdv(): Promise<Columns> {
    if (!this.info.hasDqdv) throw new NotFound(`no ${RESULTS.dqdv.path}`);
    const t = await readCsv(join(this.dir, RESULTS.dqdv.path));
    const out: Columns["columns"] = { time: unixSeconds(t, "time") };
    for (const c of ["half_cycle", "cycle", "voltage_v", "dqdv_mah_v", "dqdv_mah_g_v"])
      out[c] = f32(numbers(t, c));
    out.discharge = Float32Array.from(strings(t, "direction"), (d) => (d === "discharge" ? 1 : 0));
    return { meta: { rows: t.rows.length }, columns: out };
  }

  async crystallite(peak: string): Promise<Columns> {
    if (!this.info.peaks.includes(peak)) throw new NotFound(`no crystallite sizes for ${peak}`);
    const t = await readCsv(join(this.dir, resultPath.crystallite(peak)));
    const out: Columns["columns"] = { time: unixSeconds(t, "time"), sod: f32(numbers(t, "sod_pct")) };
    for (const c of ["size_nm", "size_err_nm", "center_q", "fwhm_q"]) out[c] = f32(numbers(t, c));
    return { meta: { peak }, columns: out };
  }

  /**
   * A peak's per-reflection tracking (reflections/<peak>.csv): time, SOD, lattice scale, and every
   * column of every reflection by name (area_111, center_q_111…); meta.hkl lists the reflections.
   */
  async trackedReflections(peak: string): Promise<Columns> {
    const file = join(this.dir, resultPath.reflections(peak));
    if (!this.info.peaks.includes(peak) || !existsSync(file))
      throw new NotFound(`no reflections for ${peak}`);
    const t = await readCsv(file);
    const out: Columns["columns"] = { time: unixSeconds(t, "time"), sod: f32(numbers(t, "sod_pct")) };
    for (const c of t.header) if (c !== "time" && c !== "sod_pct") out[c] = f32(numbers(t, c));
    const hkl = t.header.flatMap((c) => (/^area_(.+?)$/.exec(c) && !c.endsWith("_err") ? [c.slice(5)] : []));
    return { meta: { peak, hkl }, columns: out };
  }

  reflections(det: string): Reflections {
    const d = this.info.detectors.find((x) => x.name === det);
    if (!d) throw new NotFound(`no detector ${det}`);
    const qPerNm = d.qUnits === "1/nm" ? 1 : d.qUnits === "1/angstrom" ? 0.1 : 0;
    return { detector: det, phases: phaseReflections(d.qMin, d.qMax, qPerNm) };
  }

  /** Read the reduced curves into memory when they fit the budget (see CUBE_BUDGET_BYTES). */
  async warm(): Promise<void> {
    let total = 0;
    for (const d of this.info.detectors) total += d.frames * d.nq * 4;
    if (total > CUBE_BUDGET_BYTES) return;
    for (const d of this.info.detectors) {
      if (this.cubes.has(d.name)) continue;
      const r = await this.reduced(d.name);
      const ds = r.file.get("entry/data/I") as import("../formats/h5.js").Dataset;
      const v = ds.value;
      if (v instanceof Float32Array && v.length === d.frames * d.nq) this.cubes.set(d.name, v);
    }
  }

  close(): void {
    this.cubes.clear();
    for (const r of this.h5.values()) closeQuietly(r.file);
    this.h5.clear();
  }

  /** Cycler current and half-cycle at each time (the last record at or before it). */
  private async cyclerAt(times: Float64Array): Promise<{ current: Float32Array; halfCycle: Float32Array }> {
    const current = new Float32Array(times.length).fill(Number.NaN);
    const halfCycle = new Float32Array(times.length).fill(Number.NaN);
    if (!this.info.hasEchem) return { current, halfCycle };
    const e = (await this.echem()).columns;
    const et = e.time as Float64Array;
    times.forEach((t, i) => {
      let lo = 0;
      let hi = et.length - 1;
      if (!(t >= et[0]!)) return;
      while (hi > lo) {
        const mid = (lo + hi + 1) >> 1;
        if (et[mid]! <= t) lo = mid;
        else hi = mid - 1;
      }
      current[i] = e.i_ma![lo]!;
      halfCycle[i] = e.half_cycle![lo]!;
    });
    return { current, halfCycle };
  }

  private async reduced(det: string): Promise<Reduced> {
    const have = this.h5.get(det);
    if (have) return have;
    const path = join(this.dir, resultPath.reduced(det));
    if (!existsSync(path)) throw new NotFound(`no ${resultPath.reduced(det)}`);
    const file = await openH5(path);
    const qds = file.get("entry/data/q") as import("../formats/h5.js").Dataset | null;
    const Ids = file.get("entry/data/I") as import("../formats/h5.js").Dataset | null;
    if (!qds || !Ids) {
      closeQuietly(file);
      throw new InputError(path, "no /entry/data/I and q");
    }
    const units = qds.attrs.units?.value;
    const r: Reduced = {
      file,
      q: Float64Array.from(qds.value as ArrayLike<number>),
      qUnits: typeof units === "string" ? units : "",
      frames: Ids.shape?.[0] ?? 0,
    };
    this.h5.set(det, r);
    return r;
  }
}

function indexFrames(table: CsvTable, cols: number): FrameIndex {
  const time = unixSeconds(table, "time");
  const det = strings(table, "detector");
  const row = numbers(table, "row");
  const col = numbers(table, "col");
  const sod = numbers(table, "sod_pct");
  const groups = new Map<string, number[]>();
  det.forEach((d, i) => {
    const g = groups.get(d);
    if (g) g.push(i);
    else groups.set(d, [i]);
  });
  const byDetector: FrameIndex["byDetector"] = new Map();
  for (const [d, idx] of groups)
    byDetector.set(d, {
      time: Float64Array.from(idx, (i) => time[i]!),
      pixel: Int32Array.from(idx, (i) => row[i]! * cols + col[i]!),
      sod: Float32Array.from(idx, (i) => sod[i]!),
    });
  return { byDetector, table };
}

/**
 * The frame-level quantities of frames.csv a map can show: band values (`band_<name>`, each
 * belonging to the detector whose rows fill it; `band_<name>_err` beside it is its σ, not a band)
 * and crystallite sizes fitted frame by frame (`size_<peak>_nm`, shown as "<peak> size").
 */
function bandsOf(
  table: CsvTable,
): { name: string; detector: string; column: string; kind: "band" | "size" }[] {
  const di = columnIndex(table, "detector");
  return table.header.flatMap((h, ci) => {
    const size = /^size_(.+)_nm$/.exec(h);
    if (!h.startsWith("band_") && !size) return [];
    if (h.endsWith("_err") && table.header.includes(h.slice(0, -4))) return [];
    const filled = table.rows.find((r) => (r[ci] ?? "") !== "");
    if (!filled) return [];
    return [
      size
        ? { name: `${size[1]} size`, detector: filled[di] ?? "", column: h, kind: "size" as const }
        : { name: h.slice(5), detector: filled[di] ?? "", column: h, kind: "band" as const },
    ];
  });
}

function timeRange(f: FrameIndex): { start: number; end: number } {
  let start = Number.POSITIVE_INFINITY;
  let end = Number.NEGATIVE_INFINITY;
  for (const d of f.byDetector.values())
    for (const t of d.time) {
      if (t < start) start = t;
      if (t > end) end = t;
    }
  return { start, end };
}

/**
 * The maps/ files that are neither SOD maps nor unknown: `<band>_<state>.csv` for a band of the
 * results (the longest band name that prefixes the file, so band names may hold `_`), a
 * difference where the state reads `<B>_minus_<A>`. run.json's maps_at says what each state is.
 */
function stateMapsOf(dir: string, info: Summary, run: RunInfo): StateMapInfo[] {
  const about = new Map(
    ((run.maps_at as { name: string; about: string }[] | undefined) ?? []).map((x) => [x.name, x.about]),
  );
  const sodFiles = new Set(info.maps.map((m) => resultPath.map(m.band, m.sod).slice("maps/".length)));
  const bands = info.bands
    .filter((b) => b.kind === "band")
    .map((b) => b.name)
    .sort((a, b) => b.length - a.length);
  const out: StateMapInfo[] = [];
  for (const [f] of listFiles(dir, "maps", /^.+\.csv$/)) {
    if (sodFiles.has(f)) continue;
    const band = bands.find((b) => f.startsWith(`${b}_`));
    if (!band) continue;
    const state = f.slice(band.length + 1, -".csv".length);
    const k = state.indexOf("_minus_");
    const difference = k > 0 ? { b: state.slice(0, k), a: state.slice(k + "_minus_".length) } : null;
    const name = (n: string) => about.get(n) ?? (/^sod-?[\d.]+$/.test(n) ? `${n.slice(3)} % SOD` : n);
    out.push({
      band,
      state,
      about: difference ? `${name(difference.b)} minus ${name(difference.a)}` : name(state),
      difference,
    });
  }
  return out;
}

function listFiles(dir: string, sub: string, re: RegExp): RegExpExecArray[] {
  const p = join(dir, sub);
  if (!existsSync(p)) return [];
  return readdirSync(p)
    .sort()
    .flatMap((f) => {
      const m = re.exec(f);
      return m ? [m] : [];
    });
}

function detectorInfo(name: string, r: Reduced): DetectorInfo {
  return {
    name,
    frames: r.frames,
    nq: r.q.length,
    qMin: r.q[0] ?? Number.NaN,
    qMax: r.q[r.q.length - 1] ?? Number.NaN,
    qUnits: r.qUnits,
  };
}

/** What run.json says (the fields readers use). */
export interface RunInfo {
  results_schema?: number;
  /** How `swaxs run` normalised each detector: "ocv-mean", "none", "reference: 30 % SOD". */
  normalize?: Record<string, string>;
  /** Each detector's kind (saxs or waxs) as the config stated it. */
  detector_kind?: Record<string, string>;
  monitor?: Record<string, string | null>;
  missing_frames?: string[];
  regions?: RegionCheck;
  [key: string]: unknown;
}

/** run.json, refused unless it was written with this version of the contract. */
export function readRunJson(dir: string): RunInfo {
  const f = join(dir, RESULTS.run.path);
  let j: RunInfo;
  try {
    j = JSON.parse(readFileSync(f, "utf8")) as RunInfo;
  } catch {
    throw new InputError(f, "not valid JSON");
  }
  const v = j.results_schema;
  if (v !== RESULTS_SCHEMA_VERSION)
    throw new InputError(
      dir,
      `written with results schema ${v ?? "1 (or older)"}, this swaxs reads schema ${RESULTS_SCHEMA_VERSION}: ${
        typeof v === "number" && v > RESULTS_SCHEMA_VERSION ? "update swaxs" : "run `swaxs run` again"
      }`,
    );
  return j;
}
