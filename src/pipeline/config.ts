/**
 * The experiment config (`experiment.yaml`) of `swaxs run`: read, validated against a strict
 * schema (an unknown key or a wrong type is one line naming the config file and the key path),
 * defaults filled, every path resolved against the config's folder, and the files it names checked.
 */
import { readFileSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { z } from "zod";
import { DEFAULT_PHASES } from "../analysis/stack-labels.js";
import {
  type LayerSpec,
  PAPER_ENERGY_KEV,
  PAPER_PORE_FILL,
  parsePhase,
  stackLayers,
  stackTransmission,
} from "../design/index.js";
import type { CyclerClock } from "../echem/timezone.js";
import { fixedOffsetS } from "../echem/timezone.js";
import type { RadialUnitName } from "../geometry/units.js";
import type { SplitMethod } from "../integrate/integrator.js";
import { CALIBRANTS, type CalibrantName, PHASES } from "../physics/structures.js";
import type { ScanSource } from "../scan/index.js";
import { clip, InputError, readYaml, type YamlFile } from "../util/index.js";
import { todos as todosIn } from "./config-todo.js";
import { wrongKind } from "./file-kinds.js";

export type RegionName = "anode" | "separator" | "cathode" | "other";
export const REGION_NAMES: readonly RegionName[] = ["anode", "separator", "cathode", "other"];

/** How a detector's curves are normalised: by the pixel's mean over the initial OCV, not at all, or by a reference state. */
export type Normalize = { kind: "ocv-mean" } | { kind: "none" } | { kind: "reference"; sodPct: number };

/** A peak fit's default base: what the detector's normalisation divides by. */
const baseOf = (n: Normalize | undefined): PeakConfig["base"] =>
  n?.kind === "reference" ? "reference" : n?.kind === "none" ? "none" : "ocv";

/** What a detector records: small-angle or wide-angle scattering. */
export type DetectorKind = "saxs" | "waxs";
export const DETECTOR_KINDS: readonly DetectorKind[] = ["saxs", "waxs"];

export interface DetectorConfig {
  name: string;
  /** The config's `kind`; defaults to the name when the detector is called saxs or waxs. */
  kind: DetectorKind;
  poni: string;
  mask?: string;
  npt: number;
  unit: RadialUnitName;
  /** Scan-log column the frames are divided by (with the exposure); null for none. */
  monitor: string | null;
  method: SplitMethod;
  polarization?: number;
  flipUd: boolean;
  /** Dataset of the frames inside HDF5/NeXus files. */
  dataset?: string;
}

export interface BandConfig {
  name: string;
  detector: string;
  q: [number, number];
}

export interface PeakConfig {
  name: string;
  phase: string;
  detector: string;
  q: [number, number];
  region: RegionName;
  scherrerK: number;
  /**
   * Instrumental FWHM in q [nm⁻¹]: the peak's own, else the config's global one, else (filled in by
   * `swaxs run`, see calibrant.ts) measured on the detector's calibrant.
   */
  instrumentFwhmQ?: number;
  /** Where instrumentFwhmQ came from, once `swaxs run` has resolved it: "config", or the calibrant. */
  instrumentFwhmFrom?: string;
  /** Fit error of a width measured on the calibrant [nm⁻¹]. */
  instrumentFwhmErr?: number;
  /**
   * The calibrant's pseudo-Voigt η: with it the instrument is split into its Gaussian and Lorentzian
   * parts (TCH); without it (a width given in the config) the instrument is taken as Gaussian.
   */
  instrumentEta?: number;
  /**
   * "ratio": areas tied to the computed intensities; "free": one area per reflection; "auto"
   * (default): both fitted, the free areas kept where the data call for them (F-test, size-fit.ts).
   */
  amplitudes: "ratio" | "free" | "auto";
  /** "fitted" (default): the size broadening's shape fitted (Voigt); "lorentzian": assumed Lorentzian. */
  shape: "fitted" | "lorentzian";
  /**
   * What the fit subtracts first: the region's initial-OCV mean ("ocv"), its curve at the detector's
   * reference state ("reference"), or nothing ("none", the fit's own linear background only).
   * Default: as the detector is normalised (ocv-mean → ocv, reference → reference, none → none).
   */
  base: "ocv" | "reference" | "none";
  /**
   * The fit's own background under the peaks after the base: a line, a parabola (a broad feature
   * that changes inside the window — a halo fading, a phase dissolving, transmission drift — left
   * under a line is taken up by the peaks' wings and biases the size), or "auto" (default): the
   * parabola where the window spans at least 4 FWHM of the peaks, else the line (a parabola under
   * peaks nearly as wide as the window takes up the peaks themselves).
   */
  background: "auto" | "linear" | "quadratic";
  /** Only these reflections (Miller indices) are fitted; all in the window when absent. */
  reflections?: [number, number, number][];
}

export interface CalibrantConfig {
  /** The calibrant's frame (read like the detector's frames: its first frame), absolute. */
  file: string;
  phase: CalibrantName;
}

/** `saxs:`: the Porod invariant and constant of one SAXS detector, and the contrast expectation. */
export interface SaxsConfig {
  detector: string;
  /** q range of the invariant Q* = ∫ q² I dq, in the detector's unit. */
  invariantQ: [number, number];
  /** q range of the fit I = K q⁻⁴ + B (absent: no Porod constant). */
  porodQ?: [number, number];
  /** Fraction of the pore filling converted, for the expected change of Q* (design/contrast). */
  conversion: number;
  /** Fraction of the pore volume the first filling takes (design/contrast PAPER_PORE_FILL). */
  poreFill: number;
  /** FORMULA:DENSITY of the matrix, the first filling and its product (C:2.0, S:2.07, Li2S:1.66). */
  matrix: string;
  from: string;
  to: string;
}

/** `extra: [{name, detector, file}]`: a frame integrated like the detector's (pristine carbon, …). */
export interface ExtraConfig {
  name: string;
  detector: string;
  /** The frame, absolute (its first frame is taken). */
  file: string;
  /** How it was counted; absent: like the detector's frames (their median exposure and monitor). */
  exposureS?: number;
  monitor?: number;
}

/**
 * `design:`: the cell's design numbers the report shows (design/): the spring that holds the stack
 * pressure and the layers the beam crosses. Contrast inputs are the `saxs:` block's (or its defaults).
 */
export interface DesignConfig {
  /** The spring: rate [N/mm], stack cross-section [mm²], and the pressure [MPa] or compression [mm]. */
  spring?: {
    kNPerMm: number;
    areaMm2: number;
    pressureMpa?: number;
    compressionMm?: number;
    friction: number;
  };
  /** The beam's photon energy [keV] the stack's transmission is given at (besides Cu Kα). */
  energyKeV: number;
  /** The layers along the beam path (PEEK window, sample, window), read from `stackFile` if one is named. */
  stack?: LayerSpec[];
  /** The stack file, absolute, when the config names one. */
  stackFile?: string;
}

export interface EchemConfig {
  file: string;
  /** How to put the cycler's clock on UTC; null when its file carries UTC itself (Arbin). */
  clock: CyclerClock | null;
  massMg?: number;
}

/**
 * A state of the cell a map is made at (`maps.at`): SODC P % within the `cycle`-th half-cycle of
 * kind `after` (SODC of that half-cycle, the paper's convention: a discharge runs 0 → 100 %, a
 * charge 100 → 0 %, so "0 % after charge" is the charge's end however much it returned), or
 * `timeH` hours after the first frame. `name` is its part of the file names; `key` its config key.
 */
export type MapState = { name: string; key: string; label: string } & (
  | { sodcPct: number; after: "discharge" | "charge"; cycle: number }
  | { timeH: number }
);

/** A difference map `maps.differences: [[A, B]]`: B − A per pixel (`maps/<band>_<B>_minus_<A>.csv`). */
export interface MapDifference {
  a: string;
  b: string;
  key: string;
}

export interface ExperimentConfig {
  /** The config file, absolute. */
  file: string;
  /** The folder every relative path was resolved against. */
  dir: string;
  /**
   * The scan log: a canonical CSV, or the file it is made from (a SPEC or Bliss file), or for a
   * log made from the frames' headers the config itself (the frames are the record).
   */
  scan: string;
  /**
   * `scan: {spec: …}`, `{bliss: …}` or `{headers: …}`: where the scan log is made from, with the
   * options `swaxs scanlog` would take (scan/ `makeScanLog`); absent for a canonical CSV.
   */
  scanSource?: ScanSource;
  /** In the order the config lists them. */
  detectors: Record<string, DetectorConfig>;
  /** Empty-cell frame per detector (absent for a detector without one). */
  background: Record<string, string>;
  /**
   * How each empty-cell frame was counted, where the config says (`background: {waxs: {file,
   * exposure_s, i0}}`); otherwise it is taken as counted like the frames (their median exposure and monitor).
   */
  backgroundCounting: Record<string, { exposureS?: number; i0?: number }>;
  /** Calibrant frame per detector (absent for a detector without one): the instrumental peak width. */
  calibrant: Record<string, CalibrantConfig>;
  transmission?: { emptyItOverI0: number };
  echem: EchemConfig;
  /** One entry per detector; "ocv-mean" where the config says nothing. */
  normalize: Record<string, Normalize>;
  bands: BandConfig[];
  peaks: PeakConfig[];
  /**
   * `atSod`: the first discharge's states without a name (`at_sod`, and `at: [{sodc: P}]`), written
   * as `maps/<band>_sod<P>.csv`; `states`: every other state of `maps.at`; `differences`: B − A.
   */
  maps: { atSod: number[]; states?: MapState[]; differences?: MapDifference[] };
  /** Layer order along y, lowest y first. */
  stack?: RegionName[];
  /** The phases each stack layer is recognised by (the config's, else the defaults of its role). */
  stackPhases?: string[][];
  /** Hand-set regions, overriding the found ones: grid row → region, rows ascending. */
  regions: { byRow: Map<number, RegionName> };
  /** Global instrumental FWHM in q [nm⁻¹]. */
  instrumentFwhmQ?: number;
  caking?: { detector: string; nptAzim: number; npt?: number };
  /** The x column of the `.xye` region curves (config export.xye.x): 2θ in degrees or q in 1/nm. */
  exportXye: { x: "2th_deg" | "q_nm" };
  /** SAXS Porod quantities per region and pixel per sweep (config `saxs:`); absent without. */
  saxs?: SaxsConfig;
  /** Extra measurements integrated like their detector's frames (config `extra:`, Fig. 3c). */
  extra: ExtraConfig[];
  /** The cell's design numbers for the report (config `design:`); absent without. */
  design?: DesignConfig;
  workers?: number;
  out: string;
}

// ---------------------------------------------------------------------------------------------
// Schema (the file's own spelling; mapped to ExperimentConfig below)

const expected = (what: string) => ({ error: `expected ${what}` });

/** A strict map whose unknown keys are reported with the keys it does allow. */
function strict<T extends z.core.$ZodLooseShape>(shape: T) {
  const allowed = Object.keys(shape).join(", ");
  return z.strictObject(shape, {
    error: (iss) =>
      iss.code === "unrecognized_keys" ? `unknown key (allowed: ${allowed})` : "expected a map (key: value)",
  });
}

/**
 * A key's documentation, kept on the schema itself: `npm run docs:config` renders docs/config.md
 * from it (scripts/config-doc.ts), and a test keeps the two equal — one source (issue 21).
 */
const doc = <T extends z.ZodType>(
  s: T,
  description: string,
  extra: { default?: unknown; example?: string; unit?: string } = {},
) => s.meta({ description, ...extra });

const path = z.string(expected("a file path")).min(1, expected("a file path"));
const name = z.string(expected("a name")).min(1, expected("a name"));
/**
 * Names that become file names (`maps/<band>_sod50.csv`, `reduced_<det>.h5`): letters, digits and
 * `_ . + -`, not starting with a dot, so no name can leave the results folder or hide in it.
 */
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.+-]{0,63}$/;
const NAME_RULE = "expected a name of letters, digits and _ . + - (at most 64)";
const fileName = name.regex(SAFE_NAME, { error: NAME_RULE });
/** An integer in [lo, hi]: every count that sizes memory or threads has a bound. */
const intIn = (lo: number, hi: number, what: string) => {
  const e = expected(`${what}: an integer in ${lo}..${hi}`);
  return z.number(e).int(e).min(lo, e).max(hi, e);
};
/** Limits of the counts (documented in the README). */
export const LIMITS = {
  npt: [2, 20000],
  nptAzim: [1, 3600],
  workers: [0, 256],
  bands: 100,
  peaks: 50,
  sods: 101,
} as const;
const posNum = z.number(expected("a positive number")).positive(expected("a positive number"));
const sod = z
  .number(expected("a state of discharge in % (0..100)"))
  .min(0, expected("a state of discharge in % (0..100)"))
  .max(100, expected("a state of discharge in % (0..100)"));
const qRange = z
  .tuple([z.number(expected("a number")), z.number(expected("a number"))], expected("[low, high]"))
  .refine(([a, b]) => a < b, expected("[low, high] with low < high"));
const region = z.enum(REGION_NAMES as [RegionName, ...RegionName[]], expected(REGION_NAMES.join(" | ")));

const detectorSchema = strict({
  poni: doc(path, "pyFAI calibration (PONI v1, v2, 2.1; Dioptas' too, with flip_ud)", {
    example: "saxs.poni",
  }),
  mask: doc(
    path.optional(),
    "mask image (EDF, TIFF, CBF, HDF5): nonzero = masked, pyFAI's convention; added to the detector's gaps and each frame's invalid pixels",
    { example: "saxs_mask.edf" },
  ),
  npt: doc(intIn(...LIMITS.npt, "radial bins").optional(), "radial bins of the integrated curves", {
    default: 1000,
  }),
  unit: doc(
    z
      .enum(["q_nm^-1", "q_A^-1", "2th_deg", "2th_rad"], expected("q_nm^-1 | q_A^-1 | 2th_deg | 2th_rad"))
      .optional(),
    "radial unit of the curves; bands, peaks and windows are given in it",
    { default: "q_nm^-1" },
  ),
  monitor: doc(
    z.union([name, z.null()], expected("a scan-log column (i0, it, …) or none")).optional(),
    "the scan-log column each frame is divided by, with its exposure (null: the exposure alone)",
    { default: "i0" },
  ),
  method: doc(
    z.enum(["no", "bbox", "full"], expected("no | bbox | full")).optional(),
    "pixel splitting, as pyFAI's (bounding box, full, none)",
    { default: "bbox" },
  ),
  polarization: doc(
    z
      .number(expected("a polarisation factor in [-1, 1]"))
      .min(-1, expected("a polarisation factor in [-1, 1]"))
      .max(1, expected("a polarisation factor in [-1, 1]"))
      .optional(),
    "polarisation factor (0.99 for a synchrotron's horizontal polarisation; none: not corrected)",
    { example: "0.99" },
  ),
  flip_ud: doc(
    z.boolean(expected("true or false")).optional(),
    "flip frames and mask upside down first (a Dioptas PONI describes the flipped image)",
    { default: false },
  ),
  dataset: doc(
    name.optional(),
    "HDF5 dataset holding the frames (default: the NeXus default, Eiger's /entry/data/data, or the only image)",
  ),
  kind: doc(
    z.enum(DETECTOR_KINDS as [DetectorKind, ...DetectorKind[]], expected("saxs | waxs")).optional(),
    "saxs or waxs, where the name does not say (a detector named saxs/waxs is that kind)",
  ),
});

const normalizeSchema = z.union(
  [z.enum(["ocv-mean", "none"]), strict({ reference: strict({ sod }) })],
  expected("ocv-mean | none | {reference: {sod: N}}"),
);

/** The options of every scan-log source (`swaxs scanlog`'s, in the config's spelling). */
const scanColumns = {
  x: doc(name, "horizontal beam position: a column, counter or motor of the source", { example: "samx" }),
  y: doc(name, "vertical beam position, as x", { example: "samz" }),
  i0: doc(name.optional(), "incident-beam monitor column (without: 0 in the log)", { example: "mon" }),
  it: doc(name.optional(), "transmitted-beam column (without: 0 in the log)", { example: "diode" }),
  exposure: doc(
    z.union([name, posNum], expected("a column name or seconds")).optional(),
    "exposure: a column, or seconds (SPEC: #T by default; headers: the frame's exposure time)",
  ),
  x_scale: doc(posNum.optional(), "factor from the x values to mm", { default: 1 }),
  y_scale: doc(posNum.optional(), "factor from the y values to mm", { default: 1 }),
  timezone: doc(
    z.string(expected("a time zone")).optional(),
    "zone of times written without one (SPEC #D, a header's local time)",
    { example: "Europe/Paris" },
  ),
};
const scanList = doc(
  z.union([z.string(), z.number(), z.array(z.union([z.string(), z.number()]))]).optional(),
  "the scans to take (default: all with data)",
  { example: "[3, '5-7']" },
);

/** `scan: {spec: file, x: samx, y: samz, frames: {saxs: pattern}, …}`: the scan log from a SPEC file. */
const specScan = strict({
  spec: doc(path, "the {spec: …} form: a SPEC data file", { example: "align.spec" }),
  scans: scanList,
  ...scanColumns,
  frames: doc(
    z
      .record(
        fileName,
        z.string(expected("a frame file pattern")).min(1),
        expected("a map detector: pattern"),
      )
      .refine((f) => Object.keys(f).length > 0, expected("at least one detector: pattern")),
    "each detector's frame file per point: {scan}, {point} (from 0 in the scan), {index} (over the log), Python-style padding",
    { example: "{saxs: 'raw/saxs_{scan:03d}_{point:05d}.cbf'}" },
  ),
});

/** `scan: {bliss: file.h5, x: samy, y: samz, i0: mon, exposure: 0.5, frames: [pilatus]}`. */
const blissScan = strict({
  bliss: doc(path, "the {bliss: …} form: an HDF5 scan file in the ESRF Bliss (NeXus) layout", {
    example: "sample_0001.h5",
  }),
  scans: scanList,
  ...scanColumns,
  frames: z
    .union(
      [
        z.record(fileName, z.string(expected("a frame file pattern")).min(1)),
        z.array(z.union([fileName, z.record(fileName, z.string(expected("a frame file pattern")).min(1))])),
      ],
      expected("a list of detectors in the file, or a map detector: pattern"),
    )
    .optional(),
});

/** `scan: {headers: {saxs: 'frames/saxs_*.edf'}, x: samy, y: samz, …}`: the frames' headers. */
const headersScan = strict({
  headers: doc(
    z
      .record(
        fileName,
        z.union(
          [
            z.string().min(1),
            z
              .array(z.string().min(1), expected("frame files or globs"))
              .min(1, expected("frame files or globs")),
          ],
          expected("frame files or globs"),
        ),
        expected("a map detector: frame files or globs"),
      )
      .refine((h) => Object.keys(h).length > 0, expected("at least one detector: frame files")),
    "the {headers: …} form: per detector, frame files or globs whose headers give positions, counters and times (EDF motor_mne/counter_mne, miniCBF)",
    { example: "{saxs: 'frames/saxs_*.edf'}" },
  ),
  ...scanColumns,
});

/** A map branch of `scan:` taken only when it holds `key`: its problems are the ones reported. */
const holding = <T extends z.ZodType>(key: string, branch: T) =>
  z.preprocess(
    (v) => (typeof v === "object" && v !== null && !Array.isArray(v) && key in v ? v : undefined),
    branch,
  );

/** A map with none of the sources' keys: said as such, not as a problem of one of them. */
const SOURCES = ["spec", "bliss", "headers"];
const noSource = z.preprocess(
  (v) =>
    typeof v === "object" && v !== null && !Array.isArray(v) && !SOURCES.some((k) => k in v) ? v : undefined,
  z
    .object({})
    .refine(() => false, expected("spec: FILE, bliss: FILE.h5 or headers: {det: glob} in the scan map")),
);

export const CONFIG_SCHEMA = strict({
  scan: doc(
    z.union(
      [
        path,
        holding("spec", specScan),
        holding("bliss", blissScan),
        holding("headers", headersScan),
        noSource,
      ],
      expected("a scan-log file, or {spec: file, x, y, frames, …}"),
    ),
    "the scan log: a CSV (time, detector, file, frame, x_mm, y_mm, exposure_s, i0, it), or made at every run from a SPEC file ({spec: …}), a Bliss HDF5 scan file ({bliss: …}) or the frames' headers ({headers: …}) with swaxs scanlog's options (x, y, i0, it, exposure, scans, frames, x_scale, y_scale, timezone)",
    { example: "scan.csv" },
  ),
  detectors: doc(
    z
      .record(fileName, detectorSchema, expected("a map of detectors"))
      .refine((d) => Object.keys(d).length > 0, expected("at least one detector")),
    "each detector by its name in the scan log's detector column",
    { example: "{saxs: {poni: saxs.poni, mask: saxs_mask.edf, npt: 500}}" },
  ),
  background: doc(
    z
      .record(
        name,
        z.union(
          [path, strict({ file: path, exposure_s: posNum.optional(), i0: posNum.optional() })],
          expected("a file, or {file, exposure_s, i0}"),
        ),
        expected("a map detector: file"),
      )
      .optional(),
    "per detector, the empty cell's frame, subtracted scaled by each frame's transmission; counted like the frames unless {file, exposure_s, i0} says otherwise",
    { example: "{saxs: empty_saxs.cbf}" },
  ),
  calibrant: doc(
    z
      .record(
        name,
        strict({
          file: path,
          phase: z.enum(CALIBRANTS, expected(`a calibrant: ${CALIBRANTS.join(" | ")}`)),
        }),
        expected("a map detector: {file, phase}"),
      )
      .optional(),
    "per detector, a calibrant frame whose line widths give the instrument's, removed before Scherrer",
    { example: "{waxs: {file: calibrant_waxs.cbf, phase: CeO2}}" },
  ),
  transmission: doc(
    strict({ empty_it_over_i0: doc(posNum, "it/i0 of the empty cell") }).optional(),
    "the empty cell's it/i0, so that a frame's transmission is its it/i0 over it",
    { default: "1" },
  ),
  echem: doc(
    strict({
      file: doc(
        path,
        "the cycler log: EC-Lab .mpt/.mpr, Neware .nda/.ndax or CSV, Arbin .res or CSV, Maccor; recognised by content",
      ),
      timezone: doc(
        name.optional(),
        "the cycler PC's time zone, for logs in local time (Europe/Paris, +01:00)",
      ),
      clock_offset_s: doc(
        z.number(expected("a number of seconds")).optional(),
        "or: the cycler clock's offset from UTC [s]",
        { unit: "s" },
      ),
      mass_mg: doc(
        posNum.optional(),
        "active-material mass for mAh/g (default: the cycler file's header, where it states one)",
        { unit: "mg" },
      ),
    }),
    "the cycler log and its clock",
  ),
  normalize: doc(
    z.record(name, normalizeSchema, expected("a map detector: ocv-mean | none | {reference: …}")).optional(),
    "per detector, what maps and series are divided by: each pixel's mean over the initial OCV, a reference state's curve, or nothing",
    { default: "ocv-mean", example: "{waxs: ocv-mean, saxs: none}" },
  ),
  bands: doc(
    z
      .array(strict({ name: fileName, detector: name, q: qRange }), expected("a list of bands"))
      .max(LIMITS.bands, expected(`at most ${LIMITS.bands} bands`))
      .optional(),
    "q bands whose integral makes the maps, region time series and heatmaps; q in the detector's unit",
    { example: "[{name: Li2S, detector: waxs, q: [18.3, 20.8]}]" },
  ),
  peaks: doc(
    z
      .array(
        strict({
          name: fileName,
          phase: name,
          detector: name,
          q: qRange,
          region,
          scherrer_k: posNum.optional(),
          instrument_fwhm_q: posNum.optional(),
          amplitudes: z.enum(["auto", "ratio", "free"], expected("auto | ratio | free")).optional(),
          shape: z.enum(["fitted", "lorentzian"], expected("fitted | lorentzian")).optional(),
          base: z.enum(["ocv", "reference", "none"], expected("ocv | reference | none")).optional(),
          background: z
            .enum(["auto", "quadratic", "linear"], expected("auto | quadratic | linear"))
            .optional(),
          reflections: z
            .array(z.tuple([z.int(), z.int(), z.int()]), expected("a list of [h, k, l]"))
            .min(1, expected("at least one [h, k, l]"))
            .optional(),
        }),
        expected("a list of peaks"),
      )
      .max(LIMITS.peaks, expected(`at most ${LIMITS.peaks} peaks`))
      .optional(),
    "phases whose reflections are fitted per sweep in a region (and per frame) for crystallite sizes by Scherrer; keys: name, phase, detector, q window, region, scherrer_k (0.9), instrument_fwhm_q, amplitudes (auto | ratio | free), shape (fitted | lorentzian), base (ocv | reference | none), background (auto | quadratic | linear), reflections ([[h, k, l], …])",
    { example: "[{name: Li2S, phase: Li2S, detector: waxs, q: [17, 24.5], region: cathode}]" },
  ),
  maps: doc(
    strict({
      at_sod: doc(
        z
          .array(sod, expected("a list of SOD %"))
          .max(LIMITS.sods, expected(`at most ${LIMITS.sods} SODs`))
          .optional(),
        "states of discharge of the first discharge [%] (the same as at: [{sodc: P}, …])",
        { unit: "%" },
      ),
      at: doc(
        z
          .array(
            strict({
              sodc: sod.optional(),
              after: z.enum(["discharge", "charge"], expected("discharge | charge")).optional(),
              cycle: intIn(1, 10000, "the half-cycle's number").optional(),
              time_h: z
                .number(expected("hours after the first frame (≥ 0)"))
                .min(0, expected("hours after the first frame (≥ 0)"))
                .optional(),
              name: fileName.optional(),
            }),
            expected("a list of states ({sodc: P}, {sodc: P, after: charge, cycle: N}, {time_h: T})"),
          )
          .max(LIMITS.sods, expected(`at most ${LIMITS.sods} states`))
          .optional(),
        "states of the cell: {sodc: P} is P % of the first discharge (as at_sod); {sodc: P, after: charge | discharge, cycle: N} the moment the N-th (default 1st) charge or discharge half-cycle of the cycler log reaches P % SODC, counted within that half-cycle as the paper does (a discharge runs 0 → 100 %, a charge 100 → 0 %: {sodc: 0, after: charge} is the end of the first charge, however much charge it returned); {time_h: T} T hours after the first frame (the viewer's and report's time axis). name: its part of the file names (maps/<band>_<name>.csv; default sod<P> for the first discharge without after, <after><N>_sodc<P>, t<T>h)",
        { example: "[{sodc: 100}, {sodc: 0, after: charge}, {time_h: 12, name: noon}]" },
      ),
      differences: doc(
        z
          .array(
            z.tuple([name, name], expected("[A, B]: two state names")),
            expected("a list of [A, B] pairs of state names"),
          )
          .max(LIMITS.sods, expected(`at most ${LIMITS.sods} differences`))
          .optional(),
        "difference maps B − A per scan point of two states named in at or at_sod (sod<P>), σ the two maps' σ in quadrature: maps/<band>_<B>_minus_<A>.csv",
        { example: "[[sod100, charge1_sodc0]]" },
      ),
    }).optional(),
    "the maps of every band at these states of the cell, and differences between them",
    {
      example:
        "{at: [{sodc: 100}, {sodc: 0, after: charge}, {time_h: 12}], differences: [[sod100, charge1_sodc0]]}",
    },
  ),
  stack: doc(
    z
      .array(
        z.union(
          [region, strict({ region, phases: z.array(name, expected("a list of phases")) })],
          expected(`${REGION_NAMES.join(" | ")}, or {region, phases: [...]}`),
        ),
        expected("a list of layers"),
      )
      .min(1, expected("a non-empty list of layers"))
      .optional(),
    "the cell's layers in order along y, lowest y first, each a region (or {region, phases}); the regions are found from them",
    { example: "[other, cathode, separator, anode, other]" },
  ),
  regions: doc(
    strict({
      by_row: doc(
        z.record(z.string(), region, expected("a map row: region")).optional(),
        "grid row → region, overriding what was found",
      ),
    }).optional(),
    "regions stated rather than found",
    { example: "{by_row: {'0': other, '1': cathode}}" },
  ),
  instrument_fwhm_q: doc(
    posNum.optional(),
    "the instrument's FWHM in q for every peak (else the calibrant's, else none)",
    { unit: "the detector's unit" },
  ),
  export: doc(
    strict({
      xye: doc(
        strict({
          x: doc(
            z.enum(["2th_deg", "q_nm"], expected("2th_deg or q_nm")).optional(),
            "x column of the .xye files: 2θ from q and the detector's wavelength (2θ = 2·asin(qλ/4π)), or q",
            { default: "2th_deg" },
          ),
        }).optional(),
        "the region curves as .xye text for Rietveld programs (GSAS-II, TOPAS, FullProf), in xye/",
      ),
    }).optional(),
    "what the exported region curves look like",
    { example: "{xye: {x: q_nm}}" },
  ),
  caking: doc(
    strict({
      detector: name,
      npt_azim: doc(intIn(...LIMITS.nptAzim, "azimuthal bins").optional(), "azimuthal bins", {
        default: 360,
      }),
      npt: doc(
        intIn(...LIMITS.npt, "radial bins").optional(),
        "radial bins (default: the detector's, at most 200)",
      ),
    }).optional(),
    "also cake one detector's frames (azimuth × radial) into cakes/",
    { example: "{detector: waxs, npt_azim: 72}" },
  ),
  saxs: doc(
    strict({
      detector: doc(name.optional(), "the SAXS detector (default: the only one of kind saxs)"),
      invariant_q: doc(qRange, "q range of the Porod invariant Q* = ∫ q² I dq", {
        unit: "the detector's unit",
        example: "[0.3, 3.5]",
      }),
      porod_q: doc(qRange.optional(), "q range of the fit I = K q⁻⁴ + B (the Porod constant K)", {
        unit: "the detector's unit",
        example: "[3.5, 6.5]",
      }),
      conversion: doc(
        z
          .number(expected("a fraction 0..1"))
          .min(0, expected("a fraction 0..1"))
          .max(1, expected("a fraction 0..1"))
          .optional(),
        "fraction of the pore filling converted (S → Li2S) for the expected change of Q* beside the measured one",
        { default: 1 },
      ),
      pore_fill: doc(
        z
          .number(expected("a fraction in (0, 1]"))
          .positive(expected("a fraction in (0, 1]"))
          .max(1, expected("a fraction in (0, 1]"))
          .optional(),
        "fraction of the pore volume the first filling takes (the paper's factor 0.75 implies 0.25)",
        { default: 0.25 },
      ),
      matrix: doc(name.optional(), "the porous matrix, FORMULA:DENSITY_G_CM3", { default: "C:2.0" }),
      from: doc(name.optional(), "what fills the pores first, FORMULA:DENSITY_G_CM3", { default: "S:2.07" }),
      to: doc(name.optional(), "what it converts to, FORMULA:DENSITY_G_CM3", { default: "Li2S:1.66" }),
    }).optional(),
    "SAXS Porod quantities per region and pixel per sweep: invariant, Porod constant, their ratio to the initial OCV with its detection limit, and the change the contrast calculator expects",
    { example: "{invariant_q: [0.3, 3.5], porod_q: [3.5, 6.5], conversion: 1}" },
  ),
  extra: doc(
    z
      .array(
        strict({
          name: fileName,
          detector: name,
          file: path,
          exposure_s: posNum.optional(),
          monitor: posNum.optional(),
        }),
        expected("a list of measurements"),
      )
      .max(LIMITS.bands, expected(`at most ${LIMITS.bands} measurements`))
      .optional(),
    "extra measurements (pristine carbon, composite, empty cell) integrated with their detector's geometry, mask, bins and normalisation into extra/<name>_<det>.csv; counted like the frames unless exposure_s and monitor say otherwise",
    { example: "[{name: pristine_carbon, detector: saxs, file: carbon_saxs.cbf}]" },
  ),
  design: doc(
    strict({
      spring_k_n_per_mm: doc(posNum.optional(), "spring rate of the spring holding the stack pressure", {
        unit: "N/mm",
        example: "28.42",
      }),
      area_mm2: doc(posNum.optional(), "the stack's cross-section the spring presses on", {
        unit: "mm²",
        example: "5",
      }),
      pressure_mpa: doc(
        z.number(expected("a pressure ≥ 0")).min(0, expected("a pressure ≥ 0")).optional(),
        "the stack pressure wanted (or compression_mm)",
        { unit: "MPa", example: "25" },
      ),
      compression_mm: doc(
        z.number(expected("a length ≥ 0")).min(0, expected("a length ≥ 0")).optional(),
        "or: the spring's compression",
        { unit: "mm" },
      ),
      friction: doc(
        z
          .number(expected("a fraction 0 ≤ f < 1"))
          .min(0, expected("a fraction 0 ≤ f < 1"))
          .lt(1, expected("a fraction 0 ≤ f < 1"))
          .optional(),
        "fraction of the spring force lost to friction before it reaches the stack",
        { default: 0 },
      ),
      energy_kev: doc(
        z
          .number(expected("a photon energy in keV (5–30)"))
          .min(5, expected("a photon energy in keV (5–30)"))
          .max(30, expected("a photon energy in keV (5–30)"))
          .optional(),
        "the beam's photon energy for the stack's transmission (it is also given at Cu Kα)",
        { unit: "keV", default: PAPER_ENERGY_KEV },
      ),
      stack: doc(
        z
          .union(
            [
              path,
              z
                .array(
                  strict({
                    material: name,
                    density_g_cm3: posNum.optional(),
                    thickness_mm: z.number(expected("a thickness ≥ 0")).min(0, expected("a thickness ≥ 0")),
                  }),
                )
                .min(1, expected("a non-empty list of layers")),
            ],
            expected("a stack file, or a list of layers {material, density_g_cm3, thickness_mm}"),
          )
          .optional(),
        "the layers the beam crosses, in order: a YAML file as swaxs design transmission --stack reads, or the list itself; material is a formula or a material name (PEEK, cathode, Li6PS5Cl, …; density defaults to the named material's)",
        {
          example:
            "[{material: PEEK, thickness_mm: 0.5}, {material: cathode, density_g_cm3: 1.82, thickness_mm: 1}, {material: PEEK, thickness_mm: 0.5}]",
        },
      ),
    }).optional(),
    "the cell's design numbers the report shows (swaxs design): spring force and stack pressure, the stack's transmission at the beam energy and at Cu Kα, and the pore contrast ratio (from the saxs: block's phases)",
    {
      example: "{spring_k_n_per_mm: 28.42, area_mm2: 5, pressure_mpa: 25, energy_kev: 16, stack: stack.yaml}",
    },
  ),
  workers: doc(
    intIn(...LIMITS.workers, "worker threads").optional(),
    "worker threads (default: the cores, at most 4; 0: all on the main thread)",
  ),
  out: doc(path.optional(), "the results folder (written whole, renamed into place when complete)", {
    default: "results",
  }),
});

type RawConfig = z.infer<typeof CONFIG_SCHEMA>;

// ---------------------------------------------------------------------------------------------

/** Reads, validates and resolves a config, then checks that the files it names exist. */
export async function loadConfig(file: string): Promise<ExperimentConfig> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch {
    throw new InputError(file, "no such file or not readable");
  }
  const cfg = parseConfig(text, file);
  await checkConfigFiles(cfg, file);
  return cfg;
}

/** Parses and validates config text; `file` names it in errors and anchors the relative paths. */
export function parseConfig(text: string, file: string): ExperimentConfig {
  const yaml = readYaml(text, file);
  const todo = todosIn(yaml.data)[0];
  if (todo)
    throw new InputError(
      file,
      withLine(
        yaml,
        todo,
        `${keyPath(todo)}: TODO left to fill in (swaxs init could not tell; its comment says what is wanted)`,
      ),
    );
  const res = CONFIG_SCHEMA.safeParse(yaml.data, { reportInput: true });
  if (!res.success) {
    const { at, msg } = describeIssues(res.error.issues);
    throw new InputError(file, withLine(yaml, at, `${keyPath(at)}: ${msg}`));
  }
  return build(res.data, file, yaml);
}

/**
 * Every problem of a config, one line each (`line N: key: problem`), for `swaxs config check`:
 * the TODOs left, then each schema problem, then (once the schema holds) the first consistency
 * problem, then every named file that is missing or of the wrong kind. Empty when it would run.
 */
export async function configProblems(text: string, file: string): Promise<string[]> {
  let yaml: YamlFile;
  try {
    yaml = readYaml(text, file);
  } catch (err) {
    if (err instanceof InputError) return [err.message.slice(file.length + 2)];
    throw err;
  }
  const out: string[] = [];
  const todos = todosIn(yaml.data);
  for (const at of todos) out.push(withLine(yaml, at, `${keyPath(at)}: TODO left to fill in`));
  const res = CONFIG_SCHEMA.safeParse(yaml.data, { reportInput: true });
  if (!res.success) {
    for (const iss of res.error.issues) {
      const { at, msg } = describeIssue(iss);
      // a TODO is said once, as a TODO, not again as the wrong type it is
      if (todos.some((t) => keyPath(t) === keyPath(at))) continue;
      out.push(withLine(yaml, at, `${keyPath(at)}: ${msg}`));
    }
    return out;
  }
  if (todos.length > 0) return out;
  let cfg: ExperimentConfig;
  try {
    cfg = build(res.data, file, yaml);
  } catch (err) {
    if (err instanceof InputError) return [...out, err.message.slice(file.length + 2)];
    throw err;
  }
  return [...out, ...(await configFileProblems(cfg))];
}

/** `line N: problem` where the key path is found in the file, else the problem alone. */
function withLine(yaml: YamlFile, at: readonly PropertyKey[], problem: string): string {
  const line = at.length > 0 ? yaml.lineOf(at) : undefined;
  return line === undefined ? problem : `line ${line}: ${problem}`;
}

/** `bands[1].q` back to its path, `["bands", 1, "q"]`. */
function parseKeyPath(key: string): PropertyKey[] {
  return [...key.matchAll(/\[(\d+)\]|([^.[\]]+)/g)].map((m) => (m[1] !== undefined ? Number(m[1]) : m[2]!));
}

/** The first problem's key path and message, counting the rest. */
function describeIssues(issues: readonly z.core.$ZodIssue[]): { at: PropertyKey[]; msg: string } {
  const { at, msg } = describeIssue(issues[0]!);
  const more =
    issues.length > 1
      ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? "s" : ""}: swaxs config check lists them all)`
      : "";
  return { at, msg: `${msg}${more}` };
}

function describeIssue(iss: z.core.$ZodIssue): { at: PropertyKey[]; msg: string } {
  if (iss.code === "invalid_union" && typeof iss.input === "object" && iss.input !== null) {
    // a map given where a path or a map is allowed (scan: {spec: …}): the map branch says what is wrong
    const branch = iss.errors.find(
      (b) => b.length > 0 && !(b[0]!.path.length === 0 && b[0]!.code === "invalid_type"),
    );
    if (branch) {
      const inner = describeIssue(branch[0]!);
      return { at: [...iss.path, ...inner.at], msg: inner.msg };
    }
  }
  const at: PropertyKey[] = [...iss.path];
  let msg = iss.message;
  if (iss.code === "invalid_key") {
    // a map key that becomes a file name (a detector's): the key's own rule, not the map's
    msg = `${NAME_RULE}, got ${show(at[at.length - 1])}`;
  } else if (iss.code === "unrecognized_keys") {
    at.push(iss.keys[0]!);
    if (iss.keys.length > 1) msg = `${msg}; also unknown: ${iss.keys.slice(1).join(", ")}`;
  } else if (
    iss.input === undefined &&
    (iss.code === "invalid_type" || iss.code === "invalid_value" || iss.code === "invalid_union")
  ) {
    msg = `missing (${msg})`;
  } else if ("input" in iss) {
    msg = `${msg}, got ${show(iss.input)}`;
  }
  return { at, msg };
}

/** `detectors.waxs.npt`, `bands[1].q`. */
function keyPath(at: readonly PropertyKey[]): string {
  let s = "";
  for (const k of at) s += typeof k === "number" ? `[${k}]` : s === "" ? String(k) : `.${String(k)}`;
  return s || "(top level)";
}

function show(v: unknown): string {
  if (v === null) return "nothing";
  if (Array.isArray(v)) return `a list [${v.map(show).join(", ")}]`.slice(0, 60);
  if (typeof v === "object") return "a map";
  if (typeof v === "string") return JSON.stringify(clip(v));
  return clip(String(v));
}

function build(raw: RawConfig, file: string, yaml: YamlFile): ExperimentConfig {
  const fail = (key: string, problem: string): never => {
    throw new InputError(file, withLine(yaml, parseKeyPath(key), `${key}: ${problem}`));
  };
  const abs = resolve(file);
  const dir = dirname(abs);
  const at = (p: string) => resolve(dir, p);
  const names = Object.keys(raw.detectors);
  const needDetector = (key: string, d: string) => {
    if (!Object.hasOwn(raw.detectors, d))
      fail(key, `"${d}" is not one of the detectors (${names.join(", ")})`);
  };

  const detectors: Record<string, DetectorConfig> = {};
  for (const [n, d] of Object.entries(raw.detectors)) {
    const named = n.toLowerCase();
    const kind =
      d.kind ??
      (named === "saxs" || named === "waxs" ? named : fail(`detectors.${n}.kind`, "missing (saxs or waxs)"));
    detectors[n] = {
      name: n,
      kind,
      poni: at(d.poni),
      ...(d.mask !== undefined && { mask: at(d.mask) }),
      npt: d.npt ?? 1000,
      unit: d.unit ?? "q_nm^-1",
      monitor: d.monitor === undefined ? "i0" : d.monitor === null || d.monitor === "none" ? null : d.monitor,
      method: d.method ?? "bbox",
      ...(d.polarization !== undefined && { polarization: d.polarization }),
      flipUd: d.flip_ud ?? false,
      ...(d.dataset !== undefined && { dataset: d.dataset }),
    };
  }

  const background: Record<string, string> = {};
  const backgroundCounting: Record<string, { exposureS?: number; i0?: number }> = {};
  for (const [d, b] of Object.entries(raw.background ?? {})) {
    needDetector(`background.${d}`, d);
    const p = typeof b === "string" ? b : b.file;
    if (typeof b !== "string")
      backgroundCounting[d] = {
        ...(b.exposure_s !== undefined && { exposureS: b.exposure_s }),
        ...(b.i0 !== undefined && { i0: b.i0 }),
      };
    background[d] = at(p);
  }

  const e = raw.echem;
  if (e.timezone !== undefined && e.clock_offset_s !== undefined)
    fail("echem", "give timezone or clock_offset_s, not both");
  let clock: CyclerClock | null = null;
  if (e.timezone !== undefined) {
    if (fixedOffsetS(e.timezone) === null && !validZone(e.timezone))
      fail(
        "echem.timezone",
        `unknown time zone "${e.timezone}" (an IANA name such as Europe/Berlin, or +01:00)`,
      );
    clock = { timezone: e.timezone };
  } else if (e.clock_offset_s !== undefined) clock = { clockOffsetS: e.clock_offset_s };
  const echem: EchemConfig = {
    file: at(e.file),
    clock,
    ...(e.mass_mg !== undefined && { massMg: e.mass_mg }),
  };

  const normalize: Record<string, Normalize> = {};
  for (const n of names) normalize[n] = { kind: "ocv-mean" };
  for (const [d, v] of Object.entries(raw.normalize ?? {})) {
    needDetector(`normalize.${d}`, d);
    normalize[d] = typeof v === "string" ? { kind: v } : { kind: "reference", sodPct: v.reference.sod };
  }

  const bands = (raw.bands ?? []).map((b, i) => {
    needDetector(`bands[${i}].detector`, b.detector);
    return { name: b.name, detector: b.detector, q: b.q } satisfies BandConfig;
  });
  unique(bands, "bands", fail);

  const calibrant: Record<string, CalibrantConfig> = {};
  for (const [d, c] of Object.entries(raw.calibrant ?? {})) {
    needDetector(`calibrant.${d}`, d);
    // the calibrant's lines are fitted in the peaks' q windows, so the curves must be in q [nm⁻¹]
    if (detectors[d]!.unit !== "q_nm^-1")
      fail(
        `calibrant.${d}`,
        `detector "${d}" is reduced in ${detectors[d]!.unit}; a calibrant needs q_nm^-1`,
      );
    calibrant[d] = { file: at(c.file), phase: c.phase };
  }

  const peaks = (raw.peaks ?? []).map((p, i) => {
    needDetector(`peaks[${i}].detector`, p.detector);
    if (!(PHASES as readonly string[]).includes(p.phase))
      fail(`peaks[${i}].phase`, `unknown phase "${p.phase}" (known: ${PHASES.join(", ")})`);
    const fwhm = p.instrument_fwhm_q ?? raw.instrument_fwhm_q;
    return {
      name: p.name,
      phase: p.phase,
      detector: p.detector,
      q: p.q,
      region: p.region,
      scherrerK: p.scherrer_k ?? 0.9,
      ...(fwhm !== undefined && { instrumentFwhmQ: fwhm }),
      amplitudes: p.amplitudes ?? "auto",
      shape: p.shape ?? "fitted",
      base: p.base ?? baseOf(normalize[p.detector]),
      background: p.background ?? "auto",
      ...(p.reflections && { reflections: p.reflections as [number, number, number][] }),
    } satisfies PeakConfig;
  });
  unique(peaks, "peaks", fail);
  peaks.forEach((p, i) => {
    if (p.base === "reference" && normalize[p.detector]?.kind !== "reference")
      fail(
        `peaks[${i}].base`,
        `"reference" needs a reference state: set normalize.${p.detector}: {reference: {sod: N}}`,
      );
  });

  const atSod = [...(raw.maps?.at_sod ?? [])];
  atSod.forEach((s, i) => {
    if (atSod.indexOf(s) !== i) fail(`maps.at_sod[${i}]`, `${s} is listed twice`);
  });
  const mapStates = mapStatesOf(raw.maps, atSod, fail);

  (raw.stack ?? []).forEach((l, i) => {
    if (typeof l === "string") return;
    l.phases.forEach((ph, j) => {
      if (!(PHASES as readonly string[]).includes(ph))
        fail(`stack[${i}].phases[${j}]`, `unknown phase "${ph}" (known: ${PHASES.join(", ")})`);
    });
  });

  const rowEntries = Object.entries(raw.regions?.by_row ?? {});
  for (const [k] of rowEntries)
    if (!/^\d+$/.test(k)) fail(`regions.by_row.${k}`, `expected a row number (0 = lowest y), got "${k}"`);
  const byRow = new Map(rowEntries.map(([k, r]) => [Number(k), r] as const).sort((a, b) => a[0] - b[0]));

  let caking: ExperimentConfig["caking"];
  if (raw.caking) {
    needDetector("caking.detector", raw.caking.detector);
    caking = {
      detector: raw.caking.detector,
      nptAzim: raw.caking.npt_azim ?? 360,
      ...(raw.caking.npt !== undefined && { npt: raw.caking.npt }),
    };
  }

  const saxs = saxsOf(raw.saxs, detectors, fail);
  const extra = (raw.extra ?? []).map((x, i): ExtraConfig => {
    needDetector(`extra[${i}].detector`, x.detector);
    return {
      name: x.name,
      detector: x.detector,
      file: at(x.file),
      ...(x.exposure_s !== undefined && { exposureS: x.exposure_s }),
      ...(x.monitor !== undefined && { monitor: x.monitor }),
    };
  });
  unique(
    extra.map((x) => ({ name: `${x.name}_${x.detector}` })),
    "extra",
    fail,
  );
  const design = designOf(raw.design, at, fail);

  return {
    file: abs,
    dir,
    ...scanOf(raw.scan, at, abs),
    detectors,
    background,
    backgroundCounting,
    calibrant,
    ...(raw.transmission && { transmission: { emptyItOverI0: raw.transmission.empty_it_over_i0 } }),
    echem,
    normalize,
    bands,
    peaks,
    maps: { atSod, ...mapStates },
    ...(raw.stack && {
      stack: raw.stack.map((l) => (typeof l === "string" ? l : l.region)),
      stackPhases: raw.stack.map((l) => (typeof l === "string" ? DEFAULT_PHASES[l] : l.phases)),
    }),
    regions: { byRow },
    ...(raw.instrument_fwhm_q !== undefined && { instrumentFwhmQ: raw.instrument_fwhm_q }),
    ...(caking && { caking }),
    exportXye: { x: raw.export?.xye?.x ?? "2th_deg" },
    ...(saxs && { saxs }),
    extra,
    ...(design && { design }),
    ...(raw.workers !== undefined && { workers: raw.workers }),
    out: at(raw.out ?? "results"),
  };
}

/** `saxs:` resolved: its detector (the only SAXS one by default), in q, its phases checked. */
function saxsOf(
  raw: RawConfig["saxs"],
  detectors: Record<string, DetectorConfig>,
  fail: (k: string, p: string) => never,
): SaxsConfig | undefined {
  if (!raw) return undefined;
  const saxsDets = Object.values(detectors).filter((d) => d.kind === "saxs");
  let det: string;
  if (raw.detector !== undefined) {
    if (!Object.hasOwn(detectors, raw.detector))
      fail(
        "saxs.detector",
        `"${raw.detector}" is not one of the detectors (${Object.keys(detectors).join(", ")})`,
      );
    det = raw.detector;
  } else if (saxsDets.length === 1) det = saxsDets[0]!.name;
  else fail("saxs.detector", `missing (${saxsDets.length} detectors are of kind saxs: name one)`);
  // the invariant's q² weight and Porod's q⁻⁴ are laws in q, not in 2θ
  if (detectors[det!]!.unit.startsWith("2th"))
    fail("saxs", `detector "${det!}" is reduced in ${detectors[det!]!.unit}; the Porod quantities need q`);
  const phase = (key: "matrix" | "from" | "to", dflt: string) => {
    const spec = raw[key] ?? dflt;
    try {
      parsePhase(spec, `saxs.${key}`);
    } catch (err) {
      fail(`saxs.${key}`, (err as Error).message.replace(/^: /, ""));
    }
    return spec;
  };
  return {
    detector: det!,
    invariantQ: raw.invariant_q,
    ...(raw.porod_q && { porodQ: raw.porod_q }),
    conversion: raw.conversion ?? 1,
    poreFill: raw.pore_fill ?? PAPER_PORE_FILL,
    matrix: phase("matrix", "C:2.0"),
    from: phase("from", "S:2.07"),
    to: phase("to", "Li2S:1.66"),
  };
}

/**
 * `design:` resolved: the spring complete (rate, area and one of pressure and compression) or
 * absent, and a stack file read here, so a bad stack is said before the run rather than after it.
 */
function designOf(
  raw: RawConfig["design"],
  at: (p: string) => string,
  fail: (k: string, p: string) => never,
): DesignConfig | undefined {
  if (!raw) return undefined;
  const given = (
    ["spring_k_n_per_mm", "area_mm2", "pressure_mpa", "compression_mm", "friction"] as const
  ).filter((k) => raw[k] !== undefined);
  let spring: DesignConfig["spring"];
  if (given.length > 0) {
    if (raw.spring_k_n_per_mm === undefined || raw.area_mm2 === undefined)
      fail("design", "the spring needs spring_k_n_per_mm and area_mm2 (and pressure_mpa or compression_mm)");
    if ((raw.pressure_mpa === undefined) === (raw.compression_mm === undefined))
      fail("design", "give exactly one of pressure_mpa and compression_mm");
    spring = {
      kNPerMm: raw.spring_k_n_per_mm!,
      areaMm2: raw.area_mm2!,
      ...(raw.pressure_mpa !== undefined && { pressureMpa: raw.pressure_mpa }),
      ...(raw.compression_mm !== undefined && { compressionMm: raw.compression_mm }),
      friction: raw.friction ?? 0,
    };
  }
  if (!spring && raw.stack === undefined)
    fail("design", "expected the spring (spring_k_n_per_mm, area_mm2, pressure_mpa) or a stack, or both");
  let stack: LayerSpec[] | undefined;
  let stackFile: string | undefined;
  if (typeof raw.stack === "string") {
    stackFile = at(raw.stack);
    let text: string;
    try {
      text = readFileSync(stackFile, "utf8");
    } catch {
      fail("design.stack", `file not found or not readable: ${stackFile}`);
    }
    try {
      stack = stackLayers(readYaml(text!, stackFile).data, stackFile);
    } catch (err) {
      fail("design.stack", (err as Error).message);
    }
  } else if (raw.stack)
    stack = raw.stack.map((l) => ({
      material: l.material,
      thicknessMm: l.thickness_mm,
      ...(l.density_g_cm3 !== undefined && { densityGCm3: l.density_g_cm3 }),
    }));
  const energyKeV = raw.energy_kev ?? PAPER_ENERGY_KEV;
  // each layer's material and density are known (a formula, or a named material with a density)
  if (stack)
    try {
      stackTransmission(stack, energyKeV);
    } catch (err) {
      fail("design.stack", (err as Error).message.replace(/^: /, ""));
    }
  return {
    ...(spring && { spring }),
    energyKeV,
    ...(stack && { stack }),
    ...(stackFile && { stackFile }),
  };
}

/** A state's name may not look like an at_sod map's or a difference's (the file names must stay apart). */
const RESERVED_STATE = /(^|_)sod-?[\d.]+$|_minus_/;

/**
 * `maps.at` and `maps.differences`: the unnamed first-discharge states join `atSod` (their maps
 * keep the at_sod file names), the others become named states; the differences name two of them.
 */
function mapStatesOf(
  raw: z.infer<typeof CONFIG_SCHEMA>["maps"],
  atSod: number[],
  fail: (k: string, p: string) => never,
): Pick<ExperimentConfig["maps"], "states" | "differences"> {
  const states: MapState[] = [];
  const names = new Set(atSod.map((p) => `sod${p}`));
  (raw?.at ?? []).forEach((a, i) => {
    const key = `maps.at[${i}]`;
    if ((a.sodc === undefined) === (a.time_h === undefined))
      fail(key, "expected one of sodc: P (with after: and cycle:) or time_h: T");
    if (a.time_h !== undefined && (a.after !== undefined || a.cycle !== undefined))
      fail(key, "after: and cycle: go with sodc:, not time_h:");
    if (a.name !== undefined && RESERVED_STATE.test(a.name))
      fail(
        `${key}.name`,
        `"${a.name}": names ending in sod<N> are the at_sod maps', and _minus_ marks a difference`,
      );
    let st: MapState;
    if (a.time_h !== undefined) {
      st = {
        name: a.name ?? `t${a.time_h}h`,
        key,
        label: `${a.time_h} h after the first frame`,
        timeH: a.time_h,
      };
    } else {
      const after = a.after ?? "discharge";
      const cycle = a.cycle ?? 1;
      const p = a.sodc!;
      if (a.name === undefined && after === "discharge" && cycle === 1) {
        // the first discharge without a name: the at_sod map it always was
        if (atSod.includes(p)) fail(key, `SODC ${p} % of the first discharge is listed twice`);
        atSod.push(p);
        names.add(`sod${p}`);
        return;
      }
      st = {
        name: a.name ?? `${after}${cycle}_sodc${p}`,
        key,
        label: `${p} % SODC in ${after} ${cycle}`,
        sodcPct: p,
        after,
        cycle,
      };
    }
    if (names.has(st.name)) fail(`${key}.name`, `"${st.name}" is used twice`);
    names.add(st.name);
    states.push(st);
  });
  const seen = new Set<string>();
  const differences = (raw?.differences ?? []).map(([a, b], i) => {
    const key = `maps.differences[${i}]`;
    for (const n of [a, b])
      if (!names.has(n))
        fail(key, `no state named "${n}" (states: ${[...names].join(", ") || "none; list them in maps.at"})`);
    if (a === b) fail(key, `"${a}" minus itself`);
    if (seen.has(`${b}_minus_${a}`)) fail(key, `[${a}, ${b}] is listed twice`);
    seen.add(`${b}_minus_${a}`);
    return { a, b, key };
  });
  return {
    ...(states.length > 0 && { states }),
    ...(differences.length > 0 && { differences }),
  };
}

function unique(items: { name: string }[], key: string, fail: (k: string, p: string) => never): void {
  const seen = new Set<string>();
  items.forEach((it, i) => {
    // names become output file names (maps/<band>_sod<N>.csv), so they must differ
    if (seen.has(it.name)) fail(`${key}[${i}].name`, `"${it.name}" is used twice`);
    seen.add(it.name);
  });
}

function validZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** The scan log's file and, for a source it is made from, the options `swaxs scanlog` would take. */
function scanOf(
  raw: z.infer<typeof CONFIG_SCHEMA>["scan"],
  at: (p: string) => string,
  configFile: string,
): Pick<ExperimentConfig, "scan" | "scanSource"> {
  if (typeof raw === "string") return { scan: at(raw) };
  const columns = {
    x: raw.x,
    y: raw.y,
    ...(raw.i0 !== undefined && { i0: raw.i0 }),
    ...(raw.it !== undefined && { it: raw.it }),
    ...(raw.exposure !== undefined && { exposure: String(raw.exposure) }),
    ...(raw.x_scale !== undefined && { xScale: raw.x_scale }),
    ...(raw.y_scale !== undefined && { yScale: raw.y_scale }),
    ...(raw.timezone !== undefined && { timezone: raw.timezone }),
  };
  // frame patterns and globs are paths like the config's others: relative to its folder
  const patterns = (f: Record<string, string>) => Object.entries(f).map(([d, p]) => `${d}=${at(p)}`);
  if ("headers" in raw) {
    const sets = Object.entries(raw.headers).map(([detector, g]) => ({
      detector,
      files: [g].flat().map(at),
    }));
    return {
      scan: configFile,
      scanSource: { kind: "headers", sets, options: { ...columns, relativeTo: dirname(configFile) } },
    };
  }
  const list = raw.scans === undefined ? undefined : [raw.scans].flat().map(String).join(",");
  const scans = list !== undefined && { scans: list };
  if ("bliss" in raw) {
    const frames = Array.isArray(raw.frames)
      ? raw.frames.flatMap((f) => (typeof f === "string" ? [f] : patterns(f)))
      : patterns(raw.frames ?? {});
    const scan = at(raw.bliss);
    return {
      scan,
      scanSource: {
        kind: "bliss",
        file: scan,
        options: { ...columns, ...scans, frames, relativeTo: dirname(scan) },
      },
    };
  }
  // the SPEC options keep their order of old: x, y, i0, it, exposure, scans, frames, scales, zone
  const { xScale, yScale, timezone, ...first } = columns;
  const scan = at(raw.spec);
  return {
    scan,
    scanSource: {
      kind: "spec",
      file: scan,
      options: {
        ...first,
        ...scans,
        frames: patterns(raw.frames),
        ...(xScale !== undefined && { xScale }),
        ...(yScale !== undefined && { yScale }),
        ...(timezone !== undefined && { timezone }),
      },
    },
  };
}

/** Every file the config names, with its key: the ones `checkConfigFiles` requires to exist. */
export function configFiles(cfg: ExperimentConfig): { key: string; path: string }[] {
  // a scan log made from the frames' headers has no file of its own (`scan` is the config)
  const kind = cfg.scanSource?.kind;
  const out = kind === "headers" ? [] : [{ key: kind ? `scan.${kind}` : "scan", path: cfg.scan }];
  for (const d of Object.values(cfg.detectors)) {
    out.push({ key: `detectors.${d.name}.poni`, path: d.poni });
    if (d.mask) out.push({ key: `detectors.${d.name}.mask`, path: d.mask });
  }
  for (const [d, p] of Object.entries(cfg.background)) out.push({ key: `background.${d}`, path: p });
  for (const [d, c] of Object.entries(cfg.calibrant)) out.push({ key: `calibrant.${d}.file`, path: c.file });
  cfg.extra.forEach((x, i) => {
    out.push({ key: `extra[${i}].file`, path: x.file });
  });
  out.push({ key: "echem.file", path: cfg.echem.file });
  return out;
}

/** Fails on the first named file that is missing or not a file; `file` is the config as the user named it. */
export async function checkConfigFiles(cfg: ExperimentConfig, file: string = cfg.file): Promise<void> {
  const first = (await configFileProblems(cfg, true))[0];
  if (first) throw new InputError(file, first);
}

/** Each named file missing, not a file, or of the wrong kind: all of them, or (`firstOnly`) the first. */
async function configFileProblems(cfg: ExperimentConfig, firstOnly = false): Promise<string[]> {
  const out: string[] = [];
  for (const { key, path: p } of configFiles(cfg)) {
    const st = await stat(p).catch(() => null);
    const problem = !st
      ? `${key}: file not found: ${p}`
      : !st.isFile()
        ? `${key}: not a file: ${p}`
        : await wrongKind(key, p);
    if (problem) out.push(problem);
    if (firstOnly && out.length > 0) break;
  }
  return out;
}
