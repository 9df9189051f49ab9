/**
 * `swaxs run experiment.yaml`, first stage (issue 5, in progress): reduce every frame, place the
 * scan on its grid and on the electrochemical clock, label the regions, and write frames.csv,
 * regions.csv, band maps at the requested SODs, crystallite sizes per sweep and the reduced curves.
 * Not yet: region time series and heatmaps, SAXS stability, results.h5 with everything, NXcanSAS,
 * resuming an interrupted run.
 */

import { existsSync } from "node:fs";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { basename, join } from "node:path";
import { bandIntegral } from "../analysis/bands.js";
import { fitPhasePeaks } from "../analysis/peaks.js";
import type { Role } from "../analysis/regions.js";
import { crystalliteSize } from "../analysis/scherrer.js";
import {
  buildSeries,
  type EchemSeries,
  type FrameClock,
  isoUtc,
  joinFrames,
  readCycler,
} from "../echem/index.js";
import { createNxIntegrated } from "../formats/index.js";
import { readPoni } from "../geometry/index.js";
import { findGrid, readScanLog, type ScanLog } from "../scan/index.js";
import { type PhaseName, reflections } from "../simulate/physics/index.js";
import { InputError } from "../util/errors.js";
import { type ExperimentConfig, loadConfig } from "./config.js";
import { DetectorReducer } from "./reduce.js";
import { findRegions } from "./regions-find.js";

export interface RunOptions {
  /** Go on past missing frame files and frames outside the cycler log, counting them. */
  allowMissing?: boolean;
  onProgress?: (done: number, total: number) => void;
}

interface DetectorCurves {
  name: string;
  radial: Float64Array;
  unit: string;
  /** indices into the scan log, in log order */
  index: number[];
  /** frames × npt, row-major */
  intensity: Float32Array;
  sigma: Float32Array;
  transmission: Float64Array;
  ok: Uint8Array;
}

export interface RunSummary {
  frames: number;
  missing: number;
  outsideLog: number;
  rows: number;
  cols: number;
  regions: Role[];
  out: string;
}

const median = (a: number[]) => {
  const s = [...a].sort((x, y) => x - y);
  return s.length ? s[s.length >> 1]! : Number.NaN;
};

function checkLog(cfg: ExperimentConfig, log: ScanLog, allowMissing: boolean): number {
  for (const d of log.detectors())
    if (!cfg.detectors[d])
      throw new InputError(
        cfg.scan,
        `detector "${d}" is in the scan log but not in ${basename(cfg.file)} (detectors: ${Object.keys(cfg.detectors).join(", ")})`,
      );
  let missing = 0;
  for (let i = 0; i < log.length; i++) {
    if (existsSync(log.file[i]!)) continue;
    if (!allowMissing)
      throw new InputError(
        log.file[i]!,
        `frame file missing (scan log line ${log.line[i]}); --allow-missing goes on without it`,
      );
    missing++;
  }
  return missing;
}

async function reduceDetector(
  cfg: ExperimentConfig,
  log: ScanLog,
  name: string,
  opts: RunOptions,
  tick: () => void,
): Promise<DetectorCurves> {
  const d = cfg.detectors[name]!;
  const index = [...Array(log.length).keys()].filter(
    (i) => log.detector[i] === name && existsSync(log.file[i]!),
  );
  const ref = (i: number) => ({
    file: log.file[i]!,
    frame: log.frame[i]!,
    exposureS: log.exposureS[i]!,
    i0: d.monitor === null ? 1 : log.i0[i]!,
    it: log.it[i]!,
  });
  const bgFile = cfg.background[name];
  const red = await DetectorReducer.create(
    {
      poni: d.poni,
      mask: d.mask,
      npt: d.npt,
      unit: d.unit,
      method: d.method,
      polarization: d.polarization ?? null,
      flipUd: d.flipUd,
      dataset: d.dataset,
      // the empty cell was counted like the frames: their median exposure and monitor
      background: bgFile
        ? {
            file: bgFile,
            exposureS: median(index.map((i) => log.exposureS[i]!)),
            i0: median(index.map((i) => ref(i).i0)),
          }
        : null,
      emptyItOverI0: cfg.transmission?.emptyItOverI0 ?? 1,
    },
    ref(index[0]!),
  );
  const npt = red.radial.length;
  const out: DetectorCurves = {
    name,
    radial: red.radial,
    unit: red.unitName,
    index,
    intensity: new Float32Array(index.length * npt),
    sigma: new Float32Array(index.length * npt),
    transmission: new Float64Array(index.length),
    ok: new Uint8Array(index.length),
  };
  try {
    for (const [k, i] of index.entries()) {
      try {
        const c = await red.reduce(ref(i));
        out.intensity.set(c.intensity, k * npt);
        out.sigma.set(c.sigma, k * npt);
        out.transmission[k] = c.transmission;
        out.ok[k] = 1;
      } catch (err) {
        if (!opts.allowMissing || !(err instanceof InputError)) throw err;
      }
      tick();
    }
  } finally {
    red.closeAll();
  }
  return out;
}

/** Mean curve of the given frames (indices into the detector's list). */
function meanCurve(c: DetectorCurves, frames: number[]): Float64Array {
  const npt = c.radial.length;
  const m = new Float64Array(npt);
  let n = 0;
  for (const k of frames) {
    if (!c.ok[k]) continue;
    for (let j = 0; j < npt; j++) m[j]! += c.intensity[k * npt + j]!;
    n++;
  }
  return m.map((v) => v / Math.max(n, 1));
}

export async function runExperiment(configPath: string, opts: RunOptions = {}): Promise<RunSummary> {
  const cfg = await loadConfig(configPath);
  const log = await readScanLog(cfg.scan);
  const missing = checkLog(cfg, log, opts.allowMissing === true);
  const grid = findGrid(log.xMm, log.yMm);
  const series = buildSeries(await readCycler(cfg.echem.file), {
    clock: cfg.echem.clock ?? undefined,
    massMg: cfg.echem.massMg,
  });
  const clock: FrameClock = joinFrames(series, log.timeS);
  const outside = clock.before + clock.after;
  if (outside > 0 && !opts.allowMissing)
    throw new InputError(
      cfg.echem.file,
      `the cycler log does not cover ${outside} of ${log.length} frames (${clock.before} before it starts, ${clock.after} after it ends)`,
    );
  const firstDischarge = series.halfCycles.find((h) => h.kind === "discharge");
  const ocvEndS = firstDischarge ? firstDischarge.startS : Number.POSITIVE_INFINITY;

  const names = log.detectors();
  let done = 0;
  const tick = () => opts.onProgress?.(++done, log.length);
  const curves: Record<string, DetectorCurves> = {};
  for (const name of names) curves[name] = await reduceDetector(cfg, log, name, opts, tick);

  // per detector: frames of each grid pixel, and the initial-OCV mean curve of each pixel
  const pixelOf = (i: number) => grid.rowOf[i]! * grid.cols + grid.colOf[i]!;
  const inOcv = (i: number) => clock.inLog[i] === 1 && clock.timeS[i]! < ocvEndS;
  const ocvMean: Record<string, Float64Array[]> = {};
  for (const c of Object.values(curves)) {
    const per: number[][] = Array.from({ length: grid.rows * grid.cols }, () => []);
    c.index.forEach((i, k) => {
      if (inOcv(i)) per[pixelOf(i)]!.push(k);
    });
    ocvMean[c.name] = per.map((ks) => meanCurve(c, ks));
  }
  // what each detector's curves are divided by, per pixel: its initial-OCV mean, its curve at a
  // reference state (the liquid cell's SAXS: the moment the cell reached that SOD), or nothing
  const reference: Record<string, Float64Array[] | null> = {};
  for (const c of Object.values(curves)) {
    const n = cfg.normalize[c.name] ?? { kind: "none" };
    reference[c.name] =
      n.kind === "ocv-mean"
        ? ocvMean[c.name]!
        : n.kind === "reference"
          ? curvesAt(c, pixelOf, grid.rows * grid.cols, log.timeS, timeOfSod(series, n.sodPct))
          : null;
  }
  const normalised = (c: DetectorCurves, k: number, j: number): number => {
    const raw = c.intensity[k * c.radial.length + j]!;
    const ref = reference[c.name]?.[pixelOf(c.index[k]!)];
    if (!ref) return raw;
    return ref[j]! > 0 ? raw / ref[j]! : Number.NaN;
  };

  // regions from the OCV state of each row
  const saxsName = names.find((n) => n.toLowerCase().includes("saxs"));
  const waxsName = names.find((n) => n.toLowerCase().includes("waxs"));
  const tRow = Array.from({ length: grid.rows }, () => [] as number[]);
  const anyCurves = curves[names[0]!]!;
  anyCurves.index.forEach((i, k) => {
    if (inOcv(i)) tRow[grid.rowOf[i]!]!.push(anyCurves.transmission[k]!);
  });
  const det = (n: string | undefined) =>
    n && curves[n] ? { radial: curves[n]!.radial, ocvMean: ocvMean[n]! } : undefined;
  const regions = findRegions({
    rows: grid.rows,
    cols: grid.cols,
    transmissionByRow: tRow.map((t) => (t.length ? t.reduce((s, v) => s + v, 0) / t.length : 0)),
    saxs: det(saxsName),
    waxs: det(waxsName),
    stack: (cfg.stack ?? ["other", "cathode", "separator", "anode", "other"]) as Role[],
    byRow: cfg.regions.byRow as Map<number, Role>,
  });

  // outputs, written under a temporary folder and moved into place when complete
  const tmp = `${cfg.out}.partial`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(join(tmp, "maps"), { recursive: true });
  await mkdir(join(tmp, "crystallite"), { recursive: true });
  await writeFile(
    join(tmp, "regions.csv"),
    `row,col,x_mm,y_mm,region\n${Array.from({ length: grid.rows * grid.cols }, (_, p) => {
      const r = Math.floor(p / grid.cols);
      const c = p % grid.cols;
      return `${r},${c},${grid.xMm[c]},${grid.yMm[r]},${regions[r]}`;
    }).join("\n")}\n`,
  );

  // band value of each frame: mean of the (normalised) curve over the band
  const bandValue = new Map<string, Float64Array>();
  for (const b of cfg.bands) {
    const c = curves[b.detector];
    if (!c) continue;
    const npt = c.radial.length;
    const v = new Float64Array(log.length).fill(Number.NaN);
    c.index.forEach((i, k) => {
      if (!c.ok[k]) return;
      const y = new Float64Array(npt);
      for (let j = 0; j < npt; j++) y[j] = normalised(c, k, j);
      v[i] = bandIntegral(c.radial, y, null, b.q).value / (b.q[1] - b.q[0]);
    });
    bandValue.set(b.name, v);
  }

  // maps: each pixel at the moment it reached the SOD (first discharge), between its own visits
  for (const b of cfg.bands) {
    const v = bandValue.get(b.name);
    if (!v) continue;
    // each pixel's visits with a band value, in time order (one pass over the log)
    const visitsOf: number[][] = Array.from({ length: grid.rows * grid.cols }, () => []);
    for (let i = 0; i < log.length; i++)
      if (log.detector[i] === b.detector && Number.isFinite(v[i]!) && clock.inLog[i])
        visitsOf[pixelOf(i)]!.push(i);
    for (const sod of cfg.maps.atSod) {
      const when = timeOfSod(series, sod);
      const lines = ["row,col,x_mm,y_mm,value"];
      for (let p = 0; p < grid.rows * grid.cols; p++) {
        const visits = visitsOf[p]!;
        lines.push(
          `${Math.floor(p / grid.cols)},${p % grid.cols},${grid.xMm[p % grid.cols]},${grid.yMm[Math.floor(p / grid.cols)]},${valueAt(visits, v, log.timeS, when)}`,
        );
      }
      await writeFile(join(tmp, "maps", `${b.name}_sod${sod}.csv`), `${lines.join("\n")}\n`);
    }
  }

  // echem.csv: the cycler series on the UTC clock (the voltage curve beside the maps), at most ~5000 rows
  await writeFile(join(tmp, "echem.csv"), echemCsv(series));

  // frames.csv
  const fl = [
    `index,time,detector,row,col,step,cycle,half_cycle,sod_pct,ewe_v,transmission,${cfg.bands.map((b) => `band_${b.name}`).join(",")}`,
  ];
  const tOf = new Map<number, number>();
  for (const c of Object.values(curves))
    for (const [k, i] of c.index.entries()) tOf.set(i, c.transmission[k]!);
  for (let i = 0; i < log.length; i++) {
    fl.push(
      [
        i,
        isoUtc(log.timeS[i]!),
        log.detector[i],
        grid.rowOf[i],
        grid.colOf[i],
        clock.step[i],
        clock.cycle[i],
        clock.halfCycle[i],
        fmt(clock.sodcPct[i]!),
        fmt(clock.eweV[i]!),
        fmt(tOf.get(i) ?? Number.NaN),
        ...cfg.bands.map((b) =>
          log.detector[i] === b.detector ? fmt(bandValue.get(b.name)?.[i] ?? Number.NaN) : "",
        ),
      ].join(","),
    );
  }
  await writeFile(join(tmp, "frames.csv"), `${fl.join("\n")}\n`);

  // crystallite sizes: region curve minus its initial-OCV curve, per sweep
  for (const pk of cfg.peaks) {
    const c = curves[pk.detector];
    if (!c) continue;
    const cal = await readPoni(cfg.detectors[pk.detector]!.poni);
    const refl = reflections(pk.phase as PhaseName, cal.wavelengthM, pk.q[1] + 3, Math.max(0.1, pk.q[0] - 3));
    const npt = c.radial.length;
    const inRegion = (i: number) => regions[grid.rowOf[i]!] === pk.region;
    const ocvFrames = c.index
      .map((i, k) => [i, k] as const)
      .filter(([i]) => inRegion(i) && inOcv(i))
      .map(([, k]) => k);
    const base = meanCurve(c, ocvFrames);
    const perSweep = sweeps(c.index, grid.rows * grid.cols, pixelOf);
    const lines = ["time,step,cycle,sod_pct,size_nm,size_err_nm,center_q,fwhm_q"];
    for (const ks of perSweep) {
      const sel = ks.filter((k) => inRegion(c.index[k]!));
      if (!sel.length) continue;
      const m = meanCurve(c, sel);
      const y = m.map((v, j) => v - base[j]!);
      const sig = new Float64Array(npt);
      for (let j = 0; j < npt; j++) {
        let s2 = 0;
        for (const k of sel) s2 += c.sigma[k * npt + j]! ** 2;
        sig[j] = Math.sqrt(s2) / sel.length;
      }
      const mid = c.index[sel[sel.length >> 1]!]!;
      const fit = fitPhasePeaks(c.radial, y, sig, {
        window: pk.q,
        reflections: refl,
        instrumentFwhmQ: pk.instrumentFwhmQ,
      });
      const size = fit.ok
        ? crystalliteSize(fit.fwhmQ, fit.fwhmErr, {
            k: pk.scherrerK,
            instrumentFwhmQ: pk.instrumentFwhmQ,
            eta: fit.eta,
          })
        : null;
      lines.push(
        [
          isoUtc(log.timeS[mid]!),
          clock.step[mid],
          clock.cycle[mid],
          fmt(clock.sodcPct[mid]!),
          size?.ok ? fmt(size.sizeNm) : "",
          size?.ok ? fmt(size.sizeErrNm) : "",
          fit.ok ? fmt(fit.centerQ) : "",
          fit.ok ? fmt(fit.fwhmQ) : "",
        ].join(","),
      );
    }
    await writeFile(join(tmp, "crystallite", `${pk.name}.csv`), `${lines.join("\n")}\n`);
  }

  await writeTimeSeries(
    tmp,
    cfg,
    log,
    curves,
    bandValue,
    regions,
    grid.rowOf,
    pixelOf,
    grid.rows * grid.cols,
    clock,
    normalised,
  );

  // reduced curves, one NeXus file per detector (frames in scan-log order)
  for (const c of Object.values(curves)) {
    const npt = c.radial.length;
    const w = await createNxIntegrated(
      join(tmp, `reduced_${c.name}.h5`),
      {
        radial: c.radial,
        radialName: "q",
        radialUnits: c.unit === "q_A^-1" ? "1/angstrom" : "1/nm",
        frames: c.index.length,
        sourceFiles: [cfg.scan],
        program: "operando-swaxs",
        version: "0.1.0",
        date: new Date().toISOString(),
        config: JSON.stringify({ config: cfg.file, detector: c.name }),
        frameAxis: {
          name: "time",
          values: Float64Array.from(c.index, (i) => log.timeS[i]!),
          units: "s",
          longName: "Unix time (UTC)",
        },
      },
      { dtype: "float32", errors: true },
    );
    try {
      for (let k = 0; k < c.index.length; k++)
        w.writeRow(k, c.intensity.subarray(k * npt, (k + 1) * npt), c.sigma.subarray(k * npt, (k + 1) * npt));
      w.finish();
    } catch (e) {
      w.abort();
      throw e;
    }
  }
  await rm(cfg.out, { recursive: true, force: true });
  await rename(tmp, cfg.out);
  return {
    frames: log.length,
    missing,
    outsideLog: outside,
    rows: grid.rows,
    cols: grid.cols,
    regions,
    out: cfg.out,
  };
}

/**
 * Region time series, one row per sweep: the mean band value of the region's pixels
 * (`timeseries/<region>_<band>.csv`), and the q × time heatmap of the region's mean curve, normalised
 * like the bands (`timeseries/<region>_<detector>_heatmap.csv`: first row q, then one row per sweep
 * starting with its time) — the paper's Fig. 2a.
 */
async function writeTimeSeries(
  dir: string,
  cfg: ExperimentConfig,
  log: ScanLog,
  curves: Record<string, DetectorCurves>,
  bandValue: Map<string, Float64Array>,
  regions: Role[],
  rowOf: Int32Array,
  pixelOf: (i: number) => number,
  nPix: number,
  clock: FrameClock,
  normalised: (c: DetectorCurves, k: number, j: number) => number,
): Promise<void> {
  await mkdir(join(dir, "timeseries"), { recursive: true });
  const present = [...new Set(regions)];
  // stability of each band in each region through cycling, relative to its initial state (the paper's
  // argument that the cathode's SAXS hardly changes, Fig. 3d–e)
  const stability = ["region,band,detector,initial_value,max_rel_change,final_rel_change,sweeps"];
  for (const c of Object.values(curves)) {
    const npt = c.radial.length;
    const groups = sweeps(c.index, nPix, pixelOf);
    for (const region of present) {
      const heat = [`time_utc,sod_pct,${Array.from(c.radial, (q) => fmt(q)).join(",")}`];
      const bands = cfg.bands.filter((b) => b.detector === c.name);
      const series = bands.map(() => ["time,sod_pct,step,cycle,value,n_pixels"]);
      const sweepValues = bands.map(() => [] as { v: number; initial: boolean }[]);
      for (const ks of groups) {
        const sel = ks.filter((k) => c.ok[k] && regions[rowOf[c.index[k]!]!] === region);
        if (!sel.length) continue;
        const mid = c.index[sel[sel.length >> 1]!]!;
        const mean = new Float64Array(npt);
        for (const k of sel) {
          for (let j = 0; j < npt; j++) {
            const y = normalised(c, k, j);
            if (Number.isFinite(y)) mean[j]! += y / sel.length;
          }
        }
        heat.push(
          `${isoUtc(log.timeS[mid]!)},${fmt(clock.sodcPct[mid]!)},${Array.from(mean, fmt).join(",")}`,
        );
        for (const [bi, b] of bands.entries()) {
          const v = bandValue.get(b.name)!;
          const vals = sel.map((k) => v[c.index[k]!]!).filter(Number.isFinite);
          const avg = vals.reduce((a, x) => a + x, 0) / Math.max(1, vals.length);
          if (vals.length)
            sweepValues[bi]!.push({ v: avg, initial: clock.halfCycle[mid]! < 0 && clock.cycle[mid]! === 0 });
          series[bi]!.push(
            [
              isoUtc(log.timeS[mid]!),
              fmt(clock.sodcPct[mid]!),
              clock.step[mid],
              clock.cycle[mid],
              fmt(avg),
              vals.length,
            ].join(","),
          );
        }
      }
      await writeFile(join(dir, "timeseries", `${region}_${c.name}_heatmap.csv`), `${heat.join("\n")}\n`);
      for (const [bi, b] of bands.entries()) {
        await writeFile(join(dir, "timeseries", `${region}_${b.name}.csv`), `${series[bi]!.join("\n")}\n`);
        const sv = sweepValues[bi]!;
        const init = sv.filter((x) => x.initial);
        if (!init.length || !sv.length) continue;
        const v0 = init.reduce((a, x) => a + x.v, 0) / init.length;
        const rel = sv.map((x) => Math.abs(x.v / v0 - 1));
        stability.push(
          [region, b.name, c.name, fmt(v0), fmt(Math.max(...rel)), fmt(rel[rel.length - 1]!), sv.length].join(
            ",",
          ),
        );
      }
    }
  }
  await writeFile(join(dir, "band_stability.csv"), `${stability.join("\n")}\n`);
}

/** The cycler records, thinned to at most ~5000 rows (every k-th, always the last). */
function echemCsv(s: EchemSeries): string {
  const step = Math.max(1, Math.ceil(s.n / 5000));
  const perG = s.massMg ? 1000 / s.massMg : Number.NaN;
  const lines = ["time,ewe_v,i_ma,charge_mah,capacity_mah_g,sodc_pct,step,cycle,half_cycle"];
  const keep = [...Array(Math.ceil(s.n / step)).keys()].map((j) => j * step);
  if (keep[keep.length - 1] !== s.n - 1) keep.push(s.n - 1);
  for (const k of keep) {
    lines.push(
      [
        s.unixS ? isoUtc(s.unixS[k]!) : "",
        fmt(s.eweV[k]!),
        fmt(s.currentMA[k]!),
        fmt(s.chargeMAh[k]!),
        fmt(-s.chargeMAh[k]! * perG),
        s.sodcPct ? fmt(s.sodcPct[k]!) : "",
        s.step ? s.step[k] : "",
        s.cycle[k],
        s.halfCycle[k],
      ].join(","),
    );
  }
  return `${lines.join("\n")}\n`;
}

function fmt(v: number): string {
  return Number.isFinite(v) ? String(Number(v.toPrecision(8))) : "";
}

/** Detector frames grouped into sweeps: a sweep ends when a pixel is visited again. */
function sweeps(index: number[], nPix: number, pixelOf: (i: number) => number): number[][] {
  const out: number[][] = [];
  let seen = new Set<number>();
  let cur: number[] = [];
  index.forEach((i, k) => {
    const p = pixelOf(i);
    if (seen.has(p) || seen.size >= nPix) {
      out.push(cur);
      cur = [];
      seen = new Set();
    }
    seen.add(p);
    cur.push(k);
  });
  if (cur.length) out.push(cur);
  return out;
}

/**
 * Each pixel's curve at time `when`, linear between its own two visits around it (null for a pixel
 * without visits on both sides; NaN `when` gives all null).
 */
function curvesAt(
  c: DetectorCurves,
  pixelOf: (i: number) => number,
  nPix: number,
  timeS: Float64Array,
  when: number,
): Float64Array[] {
  const npt = c.radial.length;
  const out: Float64Array[] = Array.from({ length: nPix }, () => new Float64Array(npt).fill(Number.NaN));
  const visits: number[][] = Array.from({ length: nPix }, () => []);
  for (const [k, i] of c.index.entries()) if (c.ok[k]) visits[pixelOf(i)]!.push(k);
  for (let p = 0; p < nPix; p++) {
    const ks = visits[p]!;
    for (let m = 1; m < ks.length; m++) {
      const ta = timeS[c.index[ks[m - 1]!]!]!;
      const tb = timeS[c.index[ks[m]!]!]!;
      if (!(ta <= when && when <= tb)) continue;
      const w = tb === ta ? 0 : (when - ta) / (tb - ta);
      for (let j = 0; j < npt; j++) {
        const a = c.intensity[ks[m - 1]! * npt + j]!;
        out[p]![j] = a + w * (c.intensity[ks[m]! * npt + j]! - a);
      }
      break;
    }
  }
  return out;
}

/**
 * When the cell reached `sodPct` of its first discharge [Unix s], from the cycler records (linear
 * between the two records around it); NaN if it never did.
 */
export function timeOfSod(series: EchemSeries, sodPct: number): number {
  const h = series.halfCycles.find((x) => x.kind === "discharge");
  if (!h || !series.sodcPct || !series.unixS) return Number.NaN;
  const s = series.sodcPct;
  const t = series.unixS;
  if (sodPct <= 0) return t[h.first]!;
  for (let k = h.first + 1; k <= h.end; k++) {
    if (s[k]! >= sodPct) {
      const w = s[k] === s[k - 1] ? 1 : (sodPct - s[k - 1]!) / (s[k]! - s[k - 1]!);
      return t[k - 1]! + w * (t[k]! - t[k - 1]!);
    }
  }
  return Number.NaN;
}

/**
 * A pixel's band value at the moment the cell reached the SOD: linear in time between the pixel's
 * own two visits around that moment (the paper's maps at a state of discharge); "" if it has no
 * visit on one side.
 */
function valueAt(visits: number[], v: Float64Array, timeS: Float64Array, when: number): string {
  if (!Number.isFinite(when)) return "";
  for (let j = 1; j < visits.length; j++) {
    const a = visits[j - 1]!;
    const b = visits[j]!;
    if (timeS[a]! <= when && timeS[b]! >= when) {
      const w = timeS[b] === timeS[a] ? 0 : (when - timeS[a]!) / (timeS[b]! - timeS[a]!);
      return fmt(v[a]! + w * (v[b]! - v[a]!));
    }
  }
  return "";
}
