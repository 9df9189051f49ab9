/**
 * The stream stage of `swaxs run`, per detector: its curves normalised as the config says, streamed
 * once through `StreamPass` into the results.h5 cube (pixel × sweep × q) and `reduced_<det>.h5`
 * (every reduced curve in scan-log order), giving the band values and region means the products use.
 */
import { join } from "node:path";
import { createNxIntegrated, type NxIntegratedWriter } from "../formats/index.js";
import { radialUnit } from "../geometry/index.js";
import { resultPath } from "../results/index.js";
import { PROGRAM, VERSION } from "../util/index.js";
import {
  type OcvResult,
  ocvReference,
  referenceCurves,
  StreamPass,
  type StreamResult,
  sweepOfRecords,
} from "./analyse.js";
import type { RunContext } from "./context.js";
import { timeOfSod } from "./products.js";
import type { DetectorFrames } from "./reduce-stage.js";

type StreamInput = Pick<RunContext, "cfg" | "log" | "grid" | "series" | "clock" | "pass" | "results" | "tmp">;

/** The stream of one detector, from its first record to its last (see the file comment). */
export async function streamDetector(
  c: StreamInput,
  d: DetectorFrames,
  ocv: OcvResult,
): Promise<StreamResult> {
  const s = await DetectorStream.begin(c, d, ocv);
  try {
    s.follow();
  } catch (err) {
    s.abort();
    throw err;
  }
  return s.end();
}

/**
 * A detector's stream begun before its frames are all reduced: `follow` takes the records stored
 * since the last call (analysis-stage.ts calls it as the store fills, so the normalisation and the
 * writing of reduced_<det>.h5 and the results.h5 cube happen while the worker threads integrate),
 * `end` the rest. Only where the normalisation's divisor is known before the last frame: not for a
 * reference state (`canFollow`), whose visits may come last.
 */
export class DetectorStream {
  private constructor(
    private readonly d: DetectorFrames,
    private readonly pass: StreamPass,
    private readonly reduced: NxIntegratedWriter,
    private readonly extra: Pick<StreamResult, "reference" | "referenceGapPct">,
    /** The detector's transmission per record (OcvResult's), completed as the records come. */
    private readonly transmission: Float64Array,
  ) {}

  /** The detector's normalisation lets its stream start before the last frame is reduced. */
  static canFollow(cfg: StreamInput["cfg"], name: string): boolean {
    return (cfg.normalize[name]?.kind ?? "none") !== "reference";
  }

  static async begin(c: StreamInput, d: DetectorFrames, ocv: OcvResult): Promise<DetectorStream> {
    const { cfg, log, grid, clock, pass } = c;
    const npt = d.radial.length;
    const n = cfg.normalize[d.name] ?? { kind: "none" };
    const gap = { sodPct: clock.sodcPct, widestPct: 0 };
    // a reference state is interpolated with every frame's transmission, before the pass that
    // would complete them (`follow`): those of the frames stored after the OCV gate, here
    if (n.kind === "reference")
      d.store.forEach((k, r) => {
        if (r.ok) ocv.transmission[k] = r.transmission;
      });
    const reference =
      n.kind === "ocv-mean"
        ? ocvReference(ocv, npt)
        : n.kind === "reference"
          ? referenceCurves(d, pass, log.timeS, timeOfSod(c.series, n.sodPct), ocv.transmission, gap)
          : null;
    const { sweep, count } = sweepOfRecords(d.index, pass.nPix, pass.pixelOf);
    const timeS = new Float64Array(pass.nPix * count).fill(Number.NaN);
    const sodPct = new Float64Array(pass.nPix * count).fill(Number.NaN);
    d.index.forEach((i, k) => {
      timeS[pass.pixelOf(i) * count + sweep[k]!] = log.timeS[i]!;
      sodPct[pass.pixelOf(i) * count + sweep[k]!] = clock.sodcPct[i]!;
    });
    // the unit's own label (2th_rad is rad, not deg)
    const unit = radialUnit(d.unit)!;
    c.results.addCube(
      {
        name: d.name,
        radial: d.radial,
        radialUnits: unit.units,
        pixels: pass.nPix,
        sweeps: count,
        rowOfPixel: Int32Array.from({ length: pass.nPix }, (_, p) => Math.floor(p / grid.cols)),
        colOfPixel: Int32Array.from({ length: pass.nPix }, (_, p) => p % grid.cols),
      },
      { timeS, sodPct },
      reference ? Float32Array.from(reference.curve) : null,
    );
    const reduced: NxIntegratedWriter = await createNxIntegrated(
      join(c.tmp, resultPath.reduced(d.name)),
      {
        radial: d.radial,
        radialName: unit.label,
        radialUnits: unit.units,
        frames: d.index.length,
        sourceFiles: [cfg.scan],
        program: PROGRAM,
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
    const s = new StreamPass(d, pass, log.length, {
      reference,
      bands: cfg.bands.filter((b) => b.detector === d.name),
      sweep,
      onSweep: (k, I, E) => c.results.writeSweep(d.name, k, I, E),
      onRecord: (k, I, E) => reduced.writeRow(k, I, E),
    });
    return new DetectorStream(
      d,
      s,
      reduced,
      {
        reference: reference?.curve ?? null,
        ...(n.kind === "reference" && { referenceGapPct: gap.widestPct }),
      },
      ocv.transmission,
    );
  }

  /** The records stored since the last call. */
  follow(): void {
    this.d.store.forRange(this.pass.next, this.d.store.length, (k, r) => {
      if (r.ok) this.transmission[k] = r.transmission;
      this.pass.push(k, r);
    });
  }

  /** After the detector's last record: the rest, and the results. */
  end(): StreamResult {
    try {
      this.follow();
      const out = this.pass.end();
      this.reduced.finish();
      return { ...out, ...this.extra };
    } catch (err) {
      this.abort();
      throw err;
    }
  }

  abort(): void {
    this.reduced.abort();
  }
}
