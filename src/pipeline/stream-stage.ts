/**
 * The stream stage of `swaxs run`, per detector: its curves normalised as the config says, streamed
 * once through `streamPass` into the results.h5 cube (pixel × sweep × q) and `reduced_<det>.h5`
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
  type StreamResult,
  streamPass,
  sweepOfRecords,
} from "./analyse.js";
import type { RunContext } from "./context.js";
import { timeOfSod } from "./products.js";
import type { DetectorFrames } from "./reduce-stage.js";

type StreamInput = Pick<RunContext, "cfg" | "log" | "grid" | "series" | "clock" | "pass" | "results" | "tmp">;

export async function streamDetector(
  c: StreamInput,
  d: DetectorFrames,
  ocv: OcvResult,
): Promise<StreamResult> {
  const { cfg, log, grid, clock, pass } = c;
  const npt = d.radial.length;
  const n = cfg.normalize[d.name] ?? { kind: "none" };
  const gap = { sodPct: clock.sodcPct, widestPct: 0 };
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
  try {
    const out = streamPass(d, pass, log.length, {
      reference,
      bands: cfg.bands.filter((b) => b.detector === d.name),
      sweep,
      onSweep: (s, I, E) => c.results.writeSweep(d.name, s, I, E),
      onRecord: (k, I, E) => reduced.writeRow(k, I, E),
    });
    reduced.finish();
    return {
      ...out,
      reference: reference?.curve ?? null,
      ...(n.kind === "reference" && { referenceGapPct: gap.widestPct }),
    };
  } catch (err) {
    reduced.abort();
    throw err;
  }
}
