/**
 * Everything the products of `swaxs run` are made from, gathered once: the config, the scan log on
 * its grid and on the cycler clock, each detector's reduced curves and their passes, the regions.
 * Each product (write/*.ts) takes this one object instead of a list of positional arguments.
 */
import type { Role } from "../analysis/regions.js";
import type { EchemSeries, FrameClock } from "../echem/index.js";
import type { Reflection } from "../physics/index.js";
import type { Grid, ScanLog } from "../scan/index.js";
import type { OcvResult, PassContext, StreamResult } from "./analyse.js";
import type { ExperimentConfig } from "./config.js";
import type { PeakFitSummary } from "./products.js";
import type { DetectorFrames } from "./reduce-stage.js";
import type { ResultsH5 } from "./results-h5.js";
import type { SweepFit } from "./sweep-fits.js";
import type { SaxsSummary } from "./write/saxs.js";

export interface RunContext {
  cfg: ExperimentConfig;
  log: ScanLog;
  grid: Grid;
  series: EchemSeries;
  clock: FrameClock;
  dets: DetectorFrames[];
  pass: PassContext;
  /** Per detector: the initial-OCV means and every record's transmission. */
  ocv: Map<string, OcvResult>;
  /** Region of each scan point (row·cols + col). */
  regions: Role[];
  /** The folder being written (`<out>.partial`). */
  tmp: string;
  results: ResultsH5;
  /** Per detector: the normalised stream (band values per frame, region means per sweep). */
  streams: Map<string, StreamResult>;
  /** Band values per scan-log line, by band name (NaN off the band's detector). */
  bandValue: Map<string, Float64Array>;
  /** Their σ, alike. */
  bandError: Map<string, Float64Array>;
  /** Sample transmission per scan-log line. */
  transmission: Float64Array;
  /** Each peak's reflections at its detector's wavelength, by peak name. */
  refl: Map<string, Reflection[]>;
  /** Crystallite size per scan-log line, by peak name. */
  sizes: Map<string, Float64Array>;
  /** Each peak's per-sweep fits, started on the run's threads before the products (sweep-fits.ts). */
  sweepFits?: Map<string, Promise<SweepFit[]>>;
  /** Filled by the crystallite product: how each peak's sweep fits went (run.json `peak_fits`). */
  peakFits: Map<string, PeakFitSummary>;
  /** Filled by the SAXS product (config saxs:): run.json `saxs`. */
  saxs?: SaxsSummary;
}

/** The order of region codes in results.h5 (`/entry/regions` labels). */
export const ROLES: Role[] = ["anode", "separator", "cathode", "other"];
