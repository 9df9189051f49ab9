/**
 * `swaxs run experiment.yaml`: reduce every frame (streamed to on-disk stores, resumable, worker
 * threads for large frames), place the scan on its grid and on the electrochemical clock, label
 * the regions, normalise as the paper does, and write the CSV contract (regions, maps at each SOD,
 * frames, echem, region time series and heatmaps, band stability, crystallite sizes), the reduced
 * curves per detector, results.h5 with all of it, and the SAXS region curves as NXcanSAS.
 *
 * Everything is written under `<out>.partial/` and renamed to `<out>` only when complete; the
 * reduced curves of an interrupted run stay in `<out>.partial/.work/` and the next run resumes there.
 */
import { mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Role } from "../analysis/regions.js";
import {
  buildSeries,
  type EchemSeries,
  type FrameClock,
  isoUtc,
  joinFrames,
  readCycler,
} from "../echem/index.js";
import {
  type CanSasEntry,
  createNxIntegrated,
  type NxIntegratedWriter,
  writeNxCanSas,
} from "../formats/index.js";
import { readPoni } from "../geometry/index.js";
import { type PhaseName, type Reflection, reflections } from "../physics/index.js";
import { findGrid, type Grid, readScanLog, type ScanLog } from "../scan/index.js";
import { beginOutput, commitOutput, InputError } from "../util/index.js";
import {
  cakePass,
  ocvPass,
  type PassContext,
  referenceCurves,
  type StreamResult,
  streamPass,
  sweepOfRecords,
} from "./analyse.js";
import { resolveInstrumentWidths } from "./calibrant.js";
import { type ExperimentConfig, loadConfig } from "./config.js";
import { frameSizes } from "./frame-sizes.js";
import { csv, echemCsv, fmt, gridCsv } from "./outputs.js";
import {
  checkGrid,
  checkRunOutput,
  checkWindows,
  outputGuard,
  planFrames,
  RUN_COMMAND,
} from "./preflight.js";
import { bandSeries, crystalliteSeries, heatmapCsv, mapAt, timeOfSod } from "./products.js";
import { type DetectorFrames, reduceDetector } from "./reduce-stage.js";
import { findRegions } from "./regions-find.js";
import { ResultsH5 } from "./results-h5.js";

export { timeOfSod } from "./products.js";

export interface RunOptions {
  /** Go on past missing frame files and frames outside the cycler log, counting them. */
  allowMissing?: boolean;
  onProgress?: (done: number, total: number) => void;
  /** One-line notes for the user (resuming, …). */
  onNote?: (message: string) => void;
}

export interface RunSummary {
  frames: number;
  missing: number;
  outsideLog: number;
  /** Frames whose reduction was found complete from an interrupted run. */
  resumed: number;
  rows: number;
  cols: number;
  regions: Role[];
  out: string;
}

const VERSION = "0.1.0";
const ROLES: Role[] = ["anode", "separator", "cathode", "other"];

export async function runExperiment(configPath: string, opts: RunOptions = {}): Promise<RunSummary> {
  const loaded = await loadConfig(configPath);
  // the results folder first: it must never swallow the config's folder or an input
  checkRunOutput(loaded);
  const log = await readScanLog(loaded.scan);
  checkRunOutput(loaded, log);
  const allowMissing = opts.allowMissing === true;
  const plan = planFrames(loaded, log, allowMissing);
  const grid = findGrid(log.xMm, log.yMm);
  checkGrid(grid, log);
  await checkWindows(loaded, log);
  // the instrumental widths next: a calibrant that cannot be fitted stops the run before the long reduction
  const cfg = await resolveInstrumentWidths(loaded);
  const series = buildSeries(await readCycler(cfg.echem.file), {
    clock: cfg.echem.clock ?? undefined,
    massMg: cfg.echem.massMg,
  });
  const clock = joinFrames(series, log.timeS);
  const outside = clock.before + clock.after;
  if (outside > 0 && !allowMissing)
    throw new InputError(
      cfg.echem.file,
      `the cycler log does not cover ${outside} of ${log.length} frames (${clock.before} before it starts, ${clock.after} after it ends)`,
    );

  const tmp = await beginOutput(cfg.out, RUN_COMMAND, [".work"]);
  const work = join(tmp, ".work");
  await mkdir(work, { recursive: true });
  for (const d of ["maps", "crystallite", "timeseries"]) await mkdir(join(tmp, d));
  // every frame that could not be reduced: skipped from the start, or lost during the run
  const lost = new Map<number, string>();
  let done = 0;
  const tick = (n: number) => {
    done += n;
    if (n > 0) opts.onProgress?.(done, log.length - plan.skipped.size);
  };
  const dets: DetectorFrames[] = [];
  try {
    for (const name of log.detectors())
      dets.push(
        await reduceDetector(cfg, log, name, work, plan, {
          allowMissing,
          tick,
          onLost: (i, problem) => lost.set(i, problem),
          ...(opts.onNote && { onNote: opts.onNote }),
        }),
      );
    const resumed = dets.reduce((a, d) => a + d.resumed, 0);
    if (resumed > 0) opts.onNote?.(`resumed: ${resumed} frames were already reduced by an interrupted run`);
    const regions = await analyse(cfg, log, grid, series, clock, dets, tmp);
    const missing = [...plan.skipped, ...lost.keys()].sort((a, b) => a - b);
    await writeFile(join(tmp, "run.json"), runJson(cfg, log, missing, outside));
    for (const d of dets) {
      d.store.close();
      d.cakes?.store.close();
    }
    await rm(work, { recursive: true, force: true });
    await commitOutput(tmp, cfg.out, outputGuard(cfg));
    if (missing.length)
      opts.onNote?.(
        `warning: ${missing.length} frames missing or unreadable were left out (NaN in maps and series; listed in run.json missing_frames)`,
      );
    return {
      frames: log.length,
      missing: missing.length,
      outsideLog: outside,
      resumed,
      rows: grid.rows,
      cols: grid.cols,
      regions,
      out: cfg.out,
    };
  } finally {
    for (const d of dets) {
      d.store.close();
      d.cakes?.store.close();
    }
  }
}

async function analyse(
  cfg: ExperimentConfig,
  log: ScanLog,
  grid: Grid,
  series: EchemSeries,
  clock: FrameClock,
  dets: DetectorFrames[],
  tmp: string,
): Promise<Role[]> {
  const nPix = grid.rows * grid.cols;
  const firstDischarge = series.halfCycles.find((h) => h.kind === "discharge");
  const ocvEndS = firstDischarge ? firstDischarge.startS : Number.POSITIVE_INFINITY;
  let regions: Role[] = [];
  const ctx: PassContext = {
    nPix,
    pixelOf: (i) => grid.rowOf[i]! * grid.cols + grid.colOf[i]!,
    regionOf: (i) => regions[grid.rowOf[i]!]!,
    inOcv: (i) => clock.inLog[i] === 1 && clock.timeS[i]! < ocvEndS,
  };

  // initial-OCV means and transmissions, then the regions from them
  const ocv = new Map(dets.map((d) => [d.name, ocvPass(d, ctx)]));
  const tSum = new Float64Array(grid.rows);
  const tN = new Float64Array(grid.rows);
  const first = dets[0]!;
  first.index.forEach((i, k) => {
    const t = ocv.get(first.name)!.transmission[k]!;
    if (ctx.inOcv(i) && Number.isFinite(t)) {
      tSum[grid.rowOf[i]!]! += t;
      tN[grid.rowOf[i]!]!++;
    }
  });
  const feature = (kind: string) => {
    const d = dets.find((x) => x.name.toLowerCase().includes(kind));
    return d
      ? { radial: d.radial, ocvMean: perPixel(ocv.get(d.name)!.mean, nPix, d.radial.length) }
      : undefined;
  };
  regions = findRegions({
    rows: grid.rows,
    cols: grid.cols,
    transmissionByRow: Array.from(tSum, (s, r) => (tN[r]! > 0 ? s / tN[r]! : 0)),
    saxs: feature("saxs"),
    waxs: feature("waxs"),
    stack: (cfg.stack ?? ["other", "cathode", "separator", "anode", "other"]) as Role[],
    byRow: cfg.regions.byRow as Map<number, Role>,
  });
  await writeFile(
    join(tmp, "regions.csv"),
    gridCsv("region", grid.rows, grid.cols, grid.xMm, grid.yMm, (p) => regions[Math.floor(p / grid.cols)]!),
  );

  const results = await ResultsH5.create(join(tmp, "results.h5"), {
    program: "operando-swaxs",
    version: VERSION,
    date: new Date().toISOString(),
    config: JSON.stringify({ config: cfg.file }),
  });
  try {
    const streams = new Map<string, StreamResult>();
    for (const d of dets)
      streams.set(
        d.name,
        await streamDetector(cfg, log, grid, series, clock, d, ctx, ocv.get(d.name)!, results),
      );
    const bandValue = new Map<string, Float64Array>();
    for (const s of streams.values()) for (const [k, v] of s.bandValue) bandValue.set(k, v);
    const transmission = new Float64Array(log.length).fill(Number.NaN);
    for (const d of dets)
      for (const [k, i] of d.index.entries()) transmission[i] = ocv.get(d.name)!.transmission[k]!;

    await writeMaps(cfg, log, grid, series, clock, ctx, bandValue, tmp, results);
    // each peak's reflections (positions at the detector's wavelength), for both kinds of fit
    const refl = new Map<string, Reflection[]>();
    for (const pk of cfg.peaks) {
      const cal = await readPoni(cfg.detectors[pk.detector]!.poni);
      refl.set(
        pk.name,
        reflections(pk.phase as PhaseName, cal.wavelengthM, pk.q[1] + 3, Math.max(0.1, pk.q[0] - 3)),
      );
    }
    // crystallite size frame by frame (the viewer's peak-size map), beside the per-sweep region fits
    const sizes = new Map<string, Float64Array>();
    for (const pk of cfg.peaks) {
      const d = dets.find((x) => x.name === pk.detector);
      if (d) sizes.set(pk.name, frameSizes(d, ctx, pk, refl.get(pk.name)!, ocv.get(d.name)!, log.length));
    }
    await writeFrames(cfg, log, grid, clock, bandValue, sizes, transmission, tmp, results);
    await writeFile(join(tmp, "echem.csv"), echemCsv(series));
    writeEchemH5(series, results);
    await writeRegionProducts(cfg, log, clock, dets, streams, ocv, regions, refl, tmp, results);
    await writeCanSas(dets, streams, log, clock, tmp);
    for (const d of dets) writeCakes(d, ctx, streams.get(d.name)!, log, clock, results);
    const codes = Int8Array.from({ length: nPix }, (_, p) =>
      ROLES.indexOf(regions[Math.floor(p / grid.cols)]!),
    );
    results.addMap("", "regions", codes, grid.yMm, grid.xMm, { labels: ROLES.join(",") });
    results.finish();
  } catch (err) {
    results.abort();
    throw err;
  }
  return regions;
}

/** Each pixel's curve as a view into a pixels × npt block. */
const perPixel = (flat: Float64Array, nPix: number, npt: number) =>
  Array.from({ length: nPix }, (_, p) => flat.subarray(p * npt, (p + 1) * npt));

async function streamDetector(
  cfg: ExperimentConfig,
  log: ScanLog,
  grid: Grid,
  series: EchemSeries,
  clock: FrameClock,
  d: DetectorFrames,
  ctx: PassContext,
  ocv: ReturnType<typeof ocvPass>,
  results: ResultsH5,
): Promise<StreamResult> {
  const npt = d.radial.length;
  const n = cfg.normalize[d.name] ?? { kind: "none" };
  const reference =
    n.kind === "ocv-mean"
      ? ocv.mean.map((v, x) => (ocv.count[Math.floor(x / npt)]! > 0 ? v : Number.NaN))
      : n.kind === "reference"
        ? referenceCurves(d, ctx, log.timeS, timeOfSod(series, n.sodPct), ocv.transmission)
        : null;
  const { sweep, count } = sweepOfRecords(d.index, ctx.nPix, ctx.pixelOf);
  const timeS = new Float64Array(ctx.nPix * count).fill(Number.NaN);
  const sodPct = new Float64Array(ctx.nPix * count).fill(Number.NaN);
  d.index.forEach((i, k) => {
    timeS[ctx.pixelOf(i) * count + sweep[k]!] = log.timeS[i]!;
    sodPct[ctx.pixelOf(i) * count + sweep[k]!] = clock.sodcPct[i]!;
  });
  const radialUnits = d.unit === "q_A^-1" ? "1/angstrom" : d.unit.startsWith("2th") ? "deg" : "1/nm";
  results.addCube(
    {
      name: d.name,
      radial: d.radial,
      radialUnits,
      pixels: ctx.nPix,
      sweeps: count,
      rowOfPixel: Int32Array.from({ length: ctx.nPix }, (_, p) => Math.floor(p / grid.cols)),
      colOfPixel: Int32Array.from({ length: ctx.nPix }, (_, p) => p % grid.cols),
    },
    { timeS, sodPct },
    reference ? Float32Array.from(reference) : null,
  );
  // the reduced curves in scan-log order, one NeXus file per detector
  const reduced: NxIntegratedWriter = await createNxIntegrated(
    join(`${cfg.out}.partial`, `reduced_${d.name}.h5`),
    {
      radial: d.radial,
      radialName: d.unit.startsWith("2th") ? "2th" : "q",
      radialUnits,
      frames: d.index.length,
      sourceFiles: [cfg.scan],
      program: "operando-swaxs",
      version: VERSION,
      date: new Date().toISOString(),
      config: JSON.stringify({ config: cfg.file, detector: d.name }),
      frameAxis: {
        name: "time",
        values: Float64Array.from(d.index, (i) => log.timeS[i]!),
        units: "s",
        longName: "Unix time (UTC)",
      },
    },
    { dtype: "float32", errors: true },
  );
  try {
    const out = streamPass(d, ctx, log.length, {
      reference,
      bands: cfg.bands.filter((b) => b.detector === d.name),
      sweep,
      onSweep: (s, I, E) => results.writeSweep(d.name, s, I, E),
      onRecord: (k, I, E) => reduced.writeRow(k, I, E),
    });
    reduced.finish();
    return out;
  } catch (err) {
    reduced.abort();
    throw err;
  }
}

async function writeMaps(
  cfg: ExperimentConfig,
  log: ScanLog,
  grid: Grid,
  series: EchemSeries,
  clock: FrameClock,
  ctx: PassContext,
  bandValue: Map<string, Float64Array>,
  tmp: string,
  results: ResultsH5,
): Promise<void> {
  for (const b of cfg.bands) {
    const v = bandValue.get(b.name);
    if (!v) continue;
    // each pixel's visits in time order (one pass over the log); a frame left out keeps its place
    // with a NaN value, so a map at a moment next to it is NaN, not bridged from farther visits
    const visits: number[][] = Array.from({ length: ctx.nPix }, () => []);
    for (let i = 0; i < log.length; i++)
      if (log.detector[i] === b.detector && clock.inLog[i]) visits[ctx.pixelOf(i)]!.push(i);
    for (const sod of cfg.maps.atSod) {
      const m = mapAt(visits, v, log.timeS, timeOfSod(series, sod));
      await writeFile(
        join(tmp, "maps", `${b.name}_sod${sod}.csv`),
        gridCsv("value", grid.rows, grid.cols, grid.xMm, grid.yMm, (p) => fmt(m[p]!)),
      );
      results.addMap("maps", `${b.name}_sod${sod}`, m, grid.yMm, grid.xMm, {
        band: b.name,
        sod_pct: String(sod),
      });
    }
  }
}

async function writeFrames(
  cfg: ExperimentConfig,
  log: ScanLog,
  grid: Grid,
  clock: FrameClock,
  bandValue: Map<string, Float64Array>,
  sizes: Map<string, Float64Array>,
  transmission: Float64Array,
  tmp: string,
  results: ResultsH5,
): Promise<void> {
  const peaks = cfg.peaks.filter((p) => sizes.has(p.name));
  const lines = [
    [
      "index,time,detector,row,col,step,cycle,half_cycle,sod_pct,ewe_v,transmission",
      ...cfg.bands.map((b) => `band_${b.name}`),
      ...peaks.map((p) => `size_${p.name}_nm`),
    ].join(","),
  ];
  for (let i = 0; i < log.length; i++) {
    lines.push(
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
        fmt(transmission[i]!),
        ...cfg.bands.map((b) =>
          log.detector[i] === b.detector ? fmt(bandValue.get(b.name)?.[i] ?? Number.NaN) : "",
        ),
        ...peaks.map((p) => fmt(sizes.get(p.name)![i]!)),
      ].join(","),
    );
  }
  await writeFile(join(tmp, "frames.csv"), csv(lines));
  const names = log.detectors();
  results.addStrings(null, "detector_names", names);
  results.addTable(
    null,
    "frames",
    {
      time: { data: log.timeS, units: "s" },
      detector: { data: Int32Array.from(log.detector, (d) => names.indexOf(d)) },
      row: { data: grid.rowOf },
      col: { data: grid.colOf },
      step: { data: clock.step },
      cycle: { data: clock.cycle },
      half_cycle: { data: clock.halfCycle },
      sod_pct: { data: clock.sodcPct, units: "%" },
      ewe_v: { data: clock.eweV, units: "V" },
      transmission: { data: transmission },
      ...Object.fromEntries([...bandValue].map(([k, v]) => [`band_${k}`, { data: v }])),
      ...Object.fromEntries([...sizes].map(([k, v]) => [`size_${k}_nm`, { data: v, units: "nm" }])),
    },
    null,
    [],
  );
}

function writeEchemH5(s: EchemSeries, results: ResultsH5): void {
  results.addTable(
    null,
    "echem",
    {
      ewe_v: { data: s.eweV, units: "V" },
      time: { data: s.unixS ?? s.timeS, units: "s" },
      current_ma: { data: s.currentMA, units: "mA" },
      charge_mah: { data: s.chargeMAh, units: "mA*h" },
      ...(s.sodcPct && { sodc_pct: { data: s.sodcPct, units: "%" } }),
    },
    "ewe_v",
    ["time"],
  );
}

async function writeRegionProducts(
  cfg: ExperimentConfig,
  log: ScanLog,
  clock: FrameClock,
  dets: DetectorFrames[],
  streams: Map<string, StreamResult>,
  ocv: Map<string, ReturnType<typeof ocvPass>>,
  regions: Role[],
  /** Each peak's reflections, by peak name. */
  refl: Map<string, Reflection[]>,
  tmp: string,
  results: ResultsH5,
): Promise<void> {
  const stability = ["region,band,detector,initial_value,max_rel_change,final_rel_change,sweeps"];
  for (const d of dets) {
    const s = streams.get(d.name)!;
    for (const [region, sweeps] of s.regions) {
      await writeFile(
        join(tmp, "timeseries", `${region}_${d.name}_heatmap.csv`),
        heatmapCsv(sweeps, d.radial, log.timeS, clock),
      );
      const bandCols: Record<string, { data: Float64Array }> = {};
      for (const b of cfg.bands.filter((x) => x.detector === d.name)) {
        const bs = bandSeries(region, b, sweeps, s.bandValue.get(b.name)!, log.timeS, clock);
        await writeFile(join(tmp, "timeseries", `${region}_${b.name}.csv`), bs.csv);
        if (bs.stability) stability.push(bs.stability);
        bandCols[`band_${b.name}`] = { data: bs.value };
      }
      const npt = d.radial.length;
      const heat = new Float32Array(sweeps.length * npt);
      for (const [n, x] of sweeps.entries()) heat.set(x.normalised, n * npt);
      results.addTable(
        "timeseries",
        `${region}_${d.name}`,
        {
          I: { data: heat, shape: [sweeps.length, npt] },
          q: { data: d.radial },
          time: { data: Float64Array.from(sweeps, (x) => log.timeS[x.mid]!), units: "s" },
          sod_pct: { data: Float64Array.from(sweeps, (x) => clock.sodcPct[x.mid]!), units: "%" },
          ...bandCols,
        },
        "I",
        ["time", "q"],
      );
    }
  }
  await writeFile(join(tmp, "band_stability.csv"), csv(stability));

  for (const pk of cfg.peaks) {
    const d = dets.find((x) => x.name === pk.detector);
    const sweeps = d && streams.get(d.name)!.regions.get(pk.region);
    if (!d) continue;
    const npt = d.radial.length;
    // the region's initial-OCV mean: its pixels' OCV means weighted by their OCV frame counts
    const o = ocv.get(d.name)!;
    const base = new Float64Array(npt);
    let n = 0;
    for (let p = 0; p < o.count.length; p++) {
      if (regions[Math.floor((p * regions.length) / o.count.length)] !== pk.region) continue;
      for (let j = 0; j < npt; j++) base[j]! += o.mean[p * npt + j]! * o.count[p]!;
      n += o.count[p]!;
    }
    for (let j = 0; j < npt; j++) base[j]! /= Math.max(n, 1);
    const sz = crystalliteSeries(pk, sweeps ?? [], base, d.radial, refl.get(pk.name)!, log.timeS, clock);
    await writeFile(join(tmp, "crystallite", `${pk.name}.csv`), sz.csv);
    results.addTable(
      "crystallite",
      pk.name,
      {
        size_nm: { data: sz.sizeNm, units: "nm" },
        size_nm_errors: { data: sz.sizeErrNm, units: "nm" },
        time: { data: sz.timeS, units: "s" },
      },
      "size_nm",
      ["time"],
    );
  }
}

/**
 * The SAXS curves for SasView: each region's mean reduced curve per sweep, one NXcanSAS entry each,
 * in `<det>_cansas.h5` for every detector named like "saxs" whose axis is q.
 */
async function writeCanSas(
  dets: DetectorFrames[],
  streams: Map<string, StreamResult>,
  log: ScanLog,
  clock: FrameClock,
  tmp: string,
): Promise<void> {
  for (const d of dets) {
    if (!d.name.toLowerCase().includes("saxs") || d.unit.startsWith("2th")) continue;
    const qNm = d.unit === "q_A^-1" ? d.radial.map((q) => q * 10) : d.radial;
    const entries: CanSasEntry[] = [];
    for (const [region, sweeps] of streams.get(d.name)!.regions)
      for (const s of sweeps)
        entries.push({
          title: `${region}, sweep ${s.sweep}, SOD ${fmt(clock.sodcPct[s.mid]!)} %`,
          run: `${region}_sweep${s.sweep}`,
          qNm,
          intensity: s.raw,
          sigma: s.sigma,
          iUnits: "arbitrary",
          time: isoUtc(log.timeS[s.mid]!),
        });
    if (entries.length)
      await writeNxCanSas(join(tmp, `${d.name}_cansas.h5`), entries, {
        program: "operando-swaxs",
        version: VERSION,
        date: new Date().toISOString(),
      });
  }
}

/**
 * 2D caking (config `caking:`): each region's mean (azimuth × q) image per sweep, as
 * `/entry/caked/<region>_<det>` [sweep, chi, q] in results.h5, with each sweep's time and SOD.
 */
function writeCakes(
  d: DetectorFrames,
  ctx: PassContext,
  stream: StreamResult,
  log: ScanLog,
  clock: FrameClock,
  results: ResultsH5,
): void {
  const c = d.cakes;
  if (!c) return;
  const { sweep } = stream;
  // one image per sweep in which the region had frames, in the order streamPass found them
  const writers = new Map<
    Role,
    { write: (i: number, image: Float32Array) => void; slot: Map<number, number> }
  >();
  for (const [role, sweeps] of stream.regions) {
    const write = results.addStack(
      "caked",
      `${role}_${d.name}`,
      [sweeps.length, c.nptAzim, c.radial.length],
      ["time", "chi", "q"],
      {
        time: { data: Float64Array.from(sweeps, (s) => log.timeS[s.mid]!), units: "s" },
        chi: { data: c.azimuthalDeg, units: "deg" },
        q: { data: c.radial },
        sod_pct: { data: Float64Array.from(sweeps, (s) => clock.sodcPct[s.mid]!), units: "%" },
      },
    );
    writers.set(role, { write, slot: new Map(sweeps.map((s, n) => [s.sweep, n])) });
  }
  cakePass(d, ctx, sweep, (role, s, mean) => {
    const w = writers.get(role);
    const n = w?.slot.get(s);
    if (w && n !== undefined) w.write(n, mean);
  });
}

/** `run.json`: what the results were made from and how they are normalised (read by view and report). */
function runJson(cfg: ExperimentConfig, log: ScanLog, missing: number[], outside: number): string {
  const normalize = Object.fromEntries(
    Object.keys(cfg.detectors).map((d) => {
      const n = cfg.normalize[d] ?? { kind: "none" };
      return [d, n.kind === "reference" ? `reference: ${n.sodPct} % SOD` : n.kind];
    }),
  );
  return `${JSON.stringify(
    {
      program: "operando-swaxs",
      version: VERSION,
      date: new Date().toISOString(),
      config: cfg.file,
      frames: log.length,
      // the frames left out (file, or file#frame inside a stack), in scan-log order
      missing_frames: missing.map((i) => (log.frame[i] ? `${log.file[i]}#${log.frame[i]}` : log.file[i])),
      monitor: Object.fromEntries(Object.values(cfg.detectors).map((d) => [d.name, d.monitor])),
      frames_outside_cycler_log: outside,
      normalize,
      bands: cfg.bands,
      peaks: cfg.peaks.map((p) => ({
        name: p.name,
        phase: p.phase,
        detector: p.detector,
        region: p.region,
        q: p.q,
      })),
      // per peak: the instrumental FWHM [nm⁻¹] removed before Scherrer, and where it came from
      instrument_fwhm_q: Object.fromEntries(
        cfg.peaks
          .filter((p) => p.instrumentFwhmQ !== undefined)
          .map((p) => [
            p.name,
            {
              value: p.instrumentFwhmQ,
              ...(p.instrumentFwhmErr !== undefined && { error: p.instrumentFwhmErr }),
              from: p.instrumentFwhmFrom ?? "config",
            },
          ]),
      ),
      maps_at_sod: cfg.maps.atSod,
    },
    null,
    2,
  )}\n`;
}
