/**
 * The analysis stage of `swaxs run`, started before the reduction and finished after it (issue 11):
 * - before: each peak's reflections (a peak the phase has no line for stops the run before any
 *   frame is read) and the gate on the initial-OCV frames (ocv-gate.ts);
 * - during: once every detector's OCV frames are stored, their means and the regions, on a main
 *   thread that otherwise waits for the frame workers; the frame-by-frame crystallite sizes of a
 *   detector whose frames are all reduced go to the workers, between the next detector's frames;
 * - during, once the regions are known: each detector's stream (normalised curves, band values,
 *   reduced_<det>.h5, the results.h5 cube) follows its store as it fills (stream-stage.ts
 *   DetectorStream), unless its normalisation waits for a reference state;
 * - after (`finish`): the rest of the streams, every product and results.h5.
 */
import { join } from "node:path";
import type { Role } from "../analysis/regions.js";
import type { EchemSeries, FrameClock } from "../echem/index.js";
import { readPoni } from "../geometry/index.js";
import { type PhaseName, type Reflection, reflections } from "../physics/index.js";
import { RESULTS } from "../results/index.js";
import type { Grid, ScanLog } from "../scan/index.js";
import { InputError, PROGRAM, VERSION } from "../util/index.js";
import { quiet } from "../util/quiet.js";
import { type OcvResult, ocvPass, type PassContext, type StreamResult } from "./analyse.js";
import type { ExperimentConfig } from "./config.js";
import { ROLES, type RunContext } from "./context.js";
import { frameSizes } from "./frame-sizes.js";
import { OcvGate } from "./ocv-gate.js";
import type { PipelineWorkers } from "./pipeline-workers.js";
import type { PeakFitSummary } from "./products.js";
import type { DetectorFrames } from "./reduce-stage.js";
import type { RegionResult } from "./regions-find.js";
import { regionStage } from "./regions-stage.js";
import { ResultsH5 } from "./results-h5.js";
import { peakBase, peakReflections } from "./size-fit.js";
import { DetectorStream, streamDetector } from "./stream-stage.js";
import { startSweepFits } from "./sweep-fits.js";
import { writeCakes } from "./write/cakes.js";
import { writeCanSas } from "./write/cansas.js";
import { writeCrystallite } from "./write/crystallite.js";
import { writeEchem } from "./write/echem.js";
import { writeExtra } from "./write/extra.js";
import { writeFrames } from "./write/frames.js";
import { writeMaps } from "./write/maps.js";
import { type SaxsSummary, writeSaxs } from "./write/saxs.js";
import { writeSeries } from "./write/series.js";
import { writeXye } from "./write/xye.js";

/** A reference state interpolated between visits further apart than this [% SOD] is warned about. */
const REFERENCE_GAP_PCT = 5;

/** The products written from the streamed results, in order: each declares its files in results/. */
const PRODUCTS: ((c: RunContext) => Promise<void> | void)[] = [
  writeMaps,
  writeEchem,
  writeSeries,
  writeCanSas,
  writeXye,
  writeCakes,
  writeSaxs,
  writeExtra,
  // last: its fits run on the worker threads meanwhile (sweep-fits.ts)
  writeCrystallite,
];
/** …and those written last, once the frame-by-frame sizes (RunContext.sizes) are in. */
const NEEDS_FRAME_SIZES = [writeFrames];

export interface AnalysisResult {
  found: RegionResult;
  peakFits: Map<string, PeakFitSummary>;
  warnings: string[];
  saxs: SaxsSummary | null;
  /** The detectors whose streams followed their stores during the reduction. */
  followed: string[];
}

/** A promise and its resolve, for what another part of the run fulfils. */
function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve: (v: T) => void = () => {};
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

export class AnalysisStage {
  readonly pass: PassContext;
  private regions: Role[] = [];
  private readonly gate: OcvGate;
  /** The OCV means and the regions, once the gate opens. */
  private readonly early: Promise<{ ocv: Map<string, OcvResult>; found: RegionResult }>;
  /** Each detector's frames, once all are reduced. */
  private readonly reduced = new Map<string, ReturnType<typeof deferred<DetectorFrames>>>();
  private readonly streams = deferred<Map<string, StreamResult>>();
  private readonly sizes: Promise<Map<string, Float64Array>>;
  /** results.h5, begun by the first stream (during the reduction) or by `finish`. */
  private results: Promise<ResultsH5> | null = null;
  /** The streams begun during the reduction, by detector. */
  private readonly following = new Map<string, DetectorStream>();
  /** Each detector's frames as its store opened (onRecords). */
  private readonly opened = new Map<string, DetectorFrames>();
  /** A stream that failed while following: the run fails with it at `finish`. */
  private followError: unknown = null;
  /** The run failed or finished: no stream begins any more. */
  private closed = false;

  constructor(
    private readonly cfg: ExperimentConfig,
    private readonly log: ScanLog,
    private readonly grid: Grid,
    private readonly series: EchemSeries,
    private readonly clock: FrameClock,
    private readonly tmp: string,
    private readonly pool: PipelineWorkers | null,
    /** peakReflectionsOf(cfg), found before the output folder is begun. */
    private readonly refl: Map<string, Reflection[]>,
    private readonly opts: { streamAtEnd: boolean } = { streamAtEnd: false },
  ) {
    const firstDischarge = series.halfCycles.find((h) => h.kind === "discharge");
    const ocvEndS = firstDischarge ? firstDischarge.startS : Number.POSITIVE_INFINITY;
    this.pass = {
      nPix: grid.rows * grid.cols,
      pixelOf: (i) => grid.rowOf[i]! * grid.cols + grid.colOf[i]!,
      regionOf: (i) => this.regions[grid.rowOf[i]! * grid.cols + grid.colOf[i]!]!,
      inOcv: (i) => clock.inLog[i] === 1 && clock.timeS[i]! < ocvEndS,
    };
    for (const name of log.detectors()) this.reduced.set(name, deferred());
    this.gate = new OcvGate(log, this.pass.inOcv);
    // initial-OCV means (and the transmissions stored so far), then the regions from them
    this.early = quiet(
      this.gate.done.then(async (dets) => {
        const ocv = new Map(dets.map((d) => [d.name, ocvPass(d, this.pass)]));
        const found = await regionStage(cfg, grid, dets, ocv, this.pass, tmp);
        this.regions = found.pixelRoles;
        await this.follow(ocv);
        return { ocv, found };
      }),
    );
    this.sizes = quiet(this.sizesByFrame());
  }

  /** reduce-stage's onRecords: the gate and the streams begun watch the stores fill. */
  readonly onRecords = (d: DetectorFrames, stored: number): void => {
    this.opened.set(d.name, d);
    this.gate.onRecords(d, stored);
    const s = this.following.get(d.name);
    if (!s || this.followError) return;
    try {
      s.follow();
    } catch (err) {
      // the run stops at finish with this error (this thread only feeds the reduction here)
      this.followError = err;
      this.abortStreams();
    }
  };

  private resultsH5(): Promise<ResultsH5> {
    this.results ??= ResultsH5.create(join(this.tmp, RESULTS.h5.path), {
      program: PROGRAM,
      version: VERSION,
      date: new Date().toISOString(),
      config: JSON.stringify({ config: this.cfg.file }),
    });
    return this.results;
  }

  private async streamInput() {
    const { cfg, log, grid, series, clock, pass, tmp } = this;
    return { cfg, log, grid, series, clock, pass, results: await this.resultsH5(), tmp };
  }

  /**
   * The streams that can begin now (the regions known): each detector whose store is open and
   * whose normalisation's divisor is known, caught up with the records stored so far.
   */
  private async follow(ocv: Map<string, OcvResult>): Promise<void> {
    if (this.opts.streamAtEnd) return;
    try {
      const base = await this.streamInput();
      for (const [name, d] of this.opened) {
        if (this.closed) return;
        if (!DetectorStream.canFollow(this.cfg, name)) continue;
        const s = await DetectorStream.begin(base, d, ocv.get(name)!);
        if (this.closed) {
          s.abort();
          return;
        }
        this.following.set(name, s);
        s.follow();
      }
    } catch (err) {
      this.followError = err;
      this.abortStreams();
    }
  }

  private abortStreams(): void {
    for (const s of this.following.values()) s.abort();
    this.following.clear();
  }

  /** The run failed before `finish`: the files begun during the reduction are discarded. */
  async abort(): Promise<void> {
    this.closed = true;
    this.abortStreams();
    (await this.results?.catch(() => null))?.abort();
  }

  /** A detector's frames are all reduced. */
  readonly onReduced = (d: DetectorFrames): void => this.reduced.get(d.name)?.resolve(d);

  /**
   * Crystallite size frame by frame (the viewer's peak-size map), beside the per-sweep region fits:
   * on worker threads, started once the regions are known, the peak's detector is reduced and its
   * base is known (a reference state's once the streams have it).
   */
  private async sizesByFrame(): Promise<Map<string, Float64Array>> {
    const out = new Map<string, Float64Array>();
    if (this.cfg.peaks.length === 0) return out;
    const { ocv } = await this.early;
    for (const pk of this.cfg.peaks) {
      const wait = this.reduced.get(pk.detector);
      if (!wait) continue;
      const d = await wait.promise;
      const stream = pk.base === "reference" ? (await this.streams.promise).get(d.name) : undefined;
      const b = peakBase(pk, ocv.get(d.name)!, stream, d.radial.length);
      const workers = { pool: this.pool, explicit: this.cfg.workers !== undefined };
      out.set(
        pk.name,
        await frameSizes(d, this.pass, pk, this.refl.get(pk.name)!, b, this.log.length, workers),
      );
    }
    return out;
  }

  /** Everything after the reduction: streams, products and results.h5 (see the file comment). */
  async finish(dets: DetectorFrames[]): Promise<AnalysisResult> {
    const { log, grid, pass } = this;
    const { ocv, found } = await this.early;
    const regions = this.regions;
    const peakFits = new Map<string, PeakFitSummary>();
    const warnings: string[] = [];
    let saxs: SaxsSummary | null = null;
    if (this.followError) {
      await this.abort();
      throw this.followError;
    }
    const results = await this.resultsH5();
    const followed = [...this.following.keys()];
    try {
      const base = await this.streamInput();
      const streams = new Map<string, StreamResult>();
      for (const d of dets) {
        const begun = this.following.get(d.name);
        this.following.delete(d.name);
        const s = begun ? begun.end() : await streamDetector(base, d, ocv.get(d.name)!);
        streams.set(d.name, s);
        // a reference state far from both visits it is interpolated between is a guess, not a state
        if (s.referenceGapPct !== undefined && s.referenceGapPct > REFERENCE_GAP_PCT)
          warnings.push(
            `normalize.${d.name}: the reference state is interpolated between visits up to ${s.referenceGapPct.toFixed(1)} % SOD apart (more than ${REFERENCE_GAP_PCT} %); scan faster near it or choose a state the scan passes more closely`,
          );
      }
      this.streams.resolve(streams);
      const bandValue = new Map<string, Float64Array>();
      const bandError = new Map<string, Float64Array>();
      for (const s of streams.values()) {
        for (const [k, v] of s.bandValue) bandValue.set(k, v);
        for (const [k, v] of s.bandError) bandError.set(k, v);
      }
      const transmission = new Float64Array(log.length).fill(Number.NaN);
      for (const d of dets)
        for (const [k, i] of d.index.entries()) transmission[i] = ocv.get(d.name)!.transmission[k]!;
      const c: RunContext = {
        ...base,
        dets,
        ocv,
        regions,
        streams,
        bandValue,
        bandError,
        transmission,
        refl: this.refl,
        sizes: new Map(),
        peakFits,
      };
      // the per-sweep peak fits on the run's threads (idle now) while the other products are written
      c.sweepFits = startSweepFits(c, this.pool);
      for (const write of PRODUCTS) await write(c);
      for (const [k, v] of await this.sizes) c.sizes.set(k, v);
      for (const write of NEEDS_FRAME_SIZES) await write(c);
      saxs = c.saxs ?? null;
      const codes = Int8Array.from({ length: pass.nPix }, (_, p) => ROLES.indexOf(regions[p]!));
      results.addMap("", "regions", codes, grid.yMm, grid.xMm, { labels: ROLES.join(",") });
      results.finish();
    } catch (err) {
      await this.abort();
      throw err;
    }
    return { found, peakFits, warnings, saxs, followed };
  }
}

/**
 * Each peak's reflections (positions at its detector's wavelength), for both kinds of fit; a peak
 * its phase has no line for is refused here, before any frame is read.
 */
export async function peakReflectionsOf(cfg: ExperimentConfig): Promise<Map<string, Reflection[]>> {
  const refl = new Map<string, Reflection[]>();
  for (const [i, pk] of cfg.peaks.entries()) {
    const cal = await readPoni(cfg.detectors[pk.detector]!.poni);
    const all = reflections(pk.phase as PhaseName, cal.wavelengthM, pk.q[1] + 3, Math.max(0.1, pk.q[0] - 3));
    const chosen = peakReflections(pk, all);
    if (chosen.length === 0)
      throw new InputError(
        cfg.file,
        `peaks[${i}].reflections: none is a reflection of ${pk.phase} near q ${pk.q.join("–")} nm⁻¹ (there: ${all.map((r) => `[${r.hkl.join(", ")}]`).join(" ")})`,
      );
    refl.set(pk.name, chosen);
  }
  return refl;
}
