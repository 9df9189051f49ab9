/** The shapes a results folder is read into (see read.ts), shared by the viewer's server and app and the report. */
import type { PhaseReflections } from "../physics/index.js";

export type { PhaseReflections };

/** Named typed-array columns and a little metadata: what a slice of the results is (viewer/app/wire.js sends it). */
export interface Columns {
  meta: Record<string, unknown>;
  columns: Record<string, Float64Array | Float32Array | Int32Array>;
}

export interface DetectorInfo {
  name: string;
  frames: number;
  nq: number;
  qMin: number;
  qMax: number;
  qUnits: string;
}

/** A map at a named state, or a difference of two (Summary.stateMaps). */
export interface StateMapInfo {
  band: string;
  state: string;
  about: string;
  difference: { a: string; b: string } | null;
}

export interface Summary {
  /** The results folder (its path as given to the viewer). */
  name: string;
  grid: { rows: number; cols: number; xMm: number[]; yMm: number[] };
  /** Region name per scan point, rows × cols row-major. */
  regions: string[];
  /** Distinct regions in order of first appearance along y. */
  regionNames: string[];
  /** Frame-level quantities for maps: bands (`band_<name>`) and per-frame crystallite sizes (`size_<peak>_nm`). */
  bands: { name: string; detector: string; column: string; kind: "band" | "size" }[];
  /** The pipeline's maps (maps/<band>_sod<N>.csv). */
  maps: { band: string; sod: number }[];
  /**
   * Maps at the named states of config maps.at (maps/<band>_<state>.csv) and difference maps
   * (maps/<band>_<B>_minus_<A>.csv, `state` "<B>_minus_<A>", `difference` {a, b}); `about` says
   * which state (run.json maps_at), or the name where it does not.
   */
  stateMaps: StateMapInfo[];
  peaks: string[];
  /** Peaks with per-reflection tracking (reflections/<peak>.csv). */
  tracked: string[];
  detectors: DetectorInfo[];
  /** Regions with a q × time heatmap per detector (timeseries/<region>_<det>_heatmap.csv). */
  heatmaps: { region: string; detector: string }[];
  /** Regions with a band time series (timeseries/<region>_<band>.csv). */
  series: { region: string; band: string }[];
  /** Unix seconds of the first and last frame. */
  time: { start: number; end: number };
  hasEchem: boolean;
  /** dqdv.csv is there (dQ/dV of the cycler log per half-cycle). */
  hasDqdv: boolean;
  /** How the pipeline normalised each detector: "ocv-mean", "none", "reference: 30 % SOD" (run.json). */
  normalize: Record<string, string>;
  /** How the regions were found and which boundaries are uncertain; null when run.json does not say. */
  regionCheck: RegionCheck | null;
  /** Per peak: how its sweeps were fitted (run.json `peak_fits`); empty when run.json does not say. */
  peakFits: Record<string, PeakFitCheck>;
}

/** How a peak's sweeps were fitted (run.json `peak_fits`, written by pipeline/products.ts). */
export interface PeakFitCheck {
  amplitudes: string;
  shape: string;
  base: string;
  background?: string;
  /** Sweeps where the phase was found, by the areas model used. */
  ratio: number;
  free: number;
  /** Sweeps where the tied and the free areas give sizes that differ by more than 2σ. */
  disagree: number;
  size_eta_median: number | null;
}

/** One boundary between two regions along y, as run.json records it. */
export interface RegionBoundary {
  below: string;
  above: string;
  /** The last row below it and the first above it. */
  rows: [number, number];
  y_mm: number;
  /** The phase fingerprints' margin for it, in noise units (0 where they put it elsewhere). */
  margin: number;
  uncertain: boolean;
  /** Why it is uncertain. */
  why?: string;
  /** The grid column it holds for, where the columns were labelled one by one (tilted layers). */
  col?: number;
}

/** How the regions were found (run.json `regions`): the method and every boundary. */
export interface RegionCheck {
  method: string;
  boundaries: RegionBoundary[];
}

export interface Reflections {
  detector: string;
  phases: PhaseReflections[];
}
