/**
 * The results folder of `swaxs run`, declared once: every file, its columns and their units, and
 * every NeXus path of results.h5. The pipeline writes through these declarations, and the viewer,
 * the report and the tests read through them (as h5web's DataProviderApi is one contract for
 * several users). A results folder records the version of this contract in run.json
 * (`results_schema`); a folder of another version is refused, naming both.
 *
 * Change a file or a column → bump RESULTS_SCHEMA_VERSION.
 */

/**
 * Version of the layout below; run.json `results_schema`. 4: frames at mid-exposure, run.json
 * peak_fits, reflections/. 5: σ of band values, maps and series (`_err` columns, NeXus `_errors`),
 * opaque points flagged in maps, /entry/reflections. 6 (issue 15): maps at any state and their
 * differences, dqdv.csv, xye/, saxs/ (Porod invariant and constant), extra/.
 */
export const RESULTS_SCHEMA_VERSION = 6;

export interface ColumnSpec {
  name: string;
  /** Units (UDUNITS spelling as in the NeXus files), "" for none, "ISO 8601 UTC" for times. */
  units: string;
  about: string;
}

export interface FileSpec {
  /** Path inside the results folder; `<x>` marks a part named by the config or the data. */
  path: string;
  about: string;
  /** The fixed columns, in order (CSV files). */
  columns?: readonly ColumnSpec[];
  /** Columns that follow the fixed ones, one per band, peak or q bin. */
  more?: string;
}

const c = (name: string, units: string, about: string): ColumnSpec => ({ name, units, about });
const TIME = c("time", "ISO 8601 UTC", "when");
/** A frame's time: the scan log's (the exposure's start) plus half its exposure. */
const FRAME_TIME = c("time", "ISO 8601 UTC", "middle of the exposure (scan-log time + exposure_s/2)");
const SOD = c("sod_pct", "%", "state of discharge (SODC) at that time");
const GRID = [
  c("row", "", "grid row, 0 at the lowest y"),
  c("col", "", "grid column, 0 at the lowest x"),
  c("x_mm", "mm", "column centre"),
  c("y_mm", "mm", "row centre"),
] as const;

export const RESULTS = {
  run: {
    path: "run.json",
    about: "what the results were made from, how they were normalised, schema version",
  },
  marker: { path: ".swaxs", about: "marks a folder swaxs made (it may replace it)" },
  regions: {
    path: "regions.csv",
    about: "region of every scan point",
    columns: [...GRID, c("region", "", "anode | separator | cathode | other")],
  },
  regionEvidence: {
    path: "regions_evidence.csv",
    about: "what the regions were found from, per row (`swaxs run` notes an uncertain boundary)",
    columns: [
      c("row", "", "grid row"),
      c("y_mm", "mm", "row centre"),
      c("transmission", "", "mean over the initial OCV"),
    ],
    more: "layer<k>_<role> per stack layer: its phases' fingerprint in noise units (empty without one); then region",
  },
  map: {
    path: "maps/<band>_sod<N>.csv",
    about: "a band at the moment the cell reached N % SOD, between each point's own visits",
    columns: [
      ...GRID,
      c(
        "value",
        "",
        "band value (normalised as run.json says); empty where opaque or not visited on both sides",
      ),
      c("value_err", "", "its σ (Poisson through subtraction and normalisation)"),
      c(
        "flag",
        "",
        "`opaque` where a visit it is made from transmits < 1 % (its value would be a ratio of noise)",
      ),
    ],
  },
  stateMap: {
    path: "maps/<band>_<state>.csv",
    about:
      "a band at a named state of config maps.at (SODC within the N-th charge or discharge, or hours after the first frame; run.json maps_at says which), between each point's own visits",
    columns: [
      ...GRID,
      c(
        "value",
        "",
        "band value (normalised as run.json says); empty where opaque or not visited on both sides (nor held)",
      ),
      c("value_err", "", "its σ (Poisson through subtraction and normalisation)"),
      c(
        "flag",
        "",
        "`opaque` as in the SOD maps; `nearest` where the point has no visit on one side and its nearest visit, within 1 % SODC of the state, is taken",
      ),
    ],
  },
  differenceMap: {
    path: "maps/<band>_<B>_minus_<A>.csv",
    about:
      "a band's map at state B minus its map at state A (config maps.differences): where it appeared (> 0) or was consumed",
    columns: [
      ...GRID,
      c("value", "", "B − A; empty where either is empty or opaque"),
      c("value_err", "", "√(σA² + σB²) (an upper bound where both are made from the same two visits)"),
      c("flag", "", "`opaque` where either map is flagged opaque"),
    ],
  },
  frames: {
    path: "frames.csv",
    about: "one row per frame of the scan log",
    columns: [
      c("index", "", "row of the scan log (0-based)"),
      FRAME_TIME,
      c("detector", "", "detector name"),
      c("row", "", "grid row"),
      c("col", "", "grid column"),
      c("step", "", "cycler step"),
      c("cycle", "", "cycle number"),
      c("half_cycle", "", "half-cycle number"),
      SOD,
      c("ewe_v", "V", "cell potential"),
      c("transmission", "", "sample transmission it/i0 relative to the empty cell"),
    ],
    more: "band_<band>, band_<band>_err per band (on its detector's rows), size_<peak>_nm per peak (nm)",
  },
  echem: {
    path: "echem.csv",
    about: "the cycler series on the UTC clock (at most ~5000 rows)",
    columns: [
      TIME,
      c("ewe_v", "V", "cell potential"),
      c("i_ma", "mA", "current"),
      c("charge_mah", "mA*h", "charge passed"),
      c("capacity_mah_g", "mA*h/g", "capacity per gram of active material"),
      c("sodc_pct", "%", "state of discharge"),
      c("step", "", "cycler step"),
      c("cycle", "", "cycle"),
      c("half_cycle", "", "half-cycle"),
    ],
  },
  dqdv: {
    path: "dqdv.csv",
    about:
      "dQ/dV of the cycler log per half-cycle: the charge passed in each voltage bin over its width (src/echem/dqdv.ts)",
    columns: [
      c("time", "ISO 8601 UTC", "charge-weighted mean time of the bin (on the X-ray time axis)"),
      c("half_cycle", "", "half-cycle"),
      c("cycle", "", "cycle"),
      c("direction", "", "discharge | charge"),
      c("voltage_v", "V", "bin centre"),
      c("dqdv_mah_v", "mA*h/V", "dQ/dV, ≥ 0 in both directions"),
      c("dqdv_mah_g_v", "mA*h/g/V", "the same per gram of active material (empty without a mass)"),
      c("charge_mah", "mA*h", "charge passed in the bin"),
    ],
  },
  series: {
    path: "timeseries/<region>_<band>.csv",
    about: "a region's mean band value per sweep",
    columns: [
      TIME,
      SOD,
      c("step", "", "cycler step"),
      c("cycle", "", "cycle"),
      c("value", "", "mean band value over the region's points (opaque points left out)"),
      c("value_err", "", "its σ, √(Σσᵢ²)/n"),
      c("n_pixels", "", "points averaged"),
    ],
  },
  heatmap: {
    path: "timeseries/<region>_<det>_heatmap.csv",
    about: "a region's mean normalised curve per sweep (q × time, Fig. 2a)",
    columns: [c("time_utc", "ISO 8601 UTC", "mid-sweep time"), SOD],
    more: "one column per radial bin, headed by its radial value",
  },
  stability: {
    path: "band_stability.csv",
    about: "each band's largest and final change from its OCV value per region (Fig. 3d–e)",
    columns: [
      c("region", "", "region"),
      c("band", "", "band"),
      c("detector", "", "detector"),
      c("initial_value", "", "mean over the initial OCV"),
      c("max_rel_change", "", "largest |v/v₀ − 1|"),
      c("final_rel_change", "", "v/v₀ − 1 at the last sweep"),
      c("sweeps", "", "sweeps"),
    ],
  },
  crystallite: {
    path: "crystallite/<peak>.csv",
    about: "crystallite size per sweep (phase fit on the region curve; Scherrer)",
    columns: [
      TIME,
      c("step", "", "cycler step"),
      c("cycle", "", "cycle"),
      SOD,
      c("size_nm", "nm", "Scherrer size L = 2πK/Γ_L"),
      c("size_err_nm", "nm", "its 1σ: the fit's and size_model_err_nm in quadrature"),
      c(
        "size_model_err_nm",
        "nm",
        "its systematic part: 4 % of L (the peak-shape model; measured on independently generated cells)",
      ),
      c("center_q", "1/nm", "fitted peak centre"),
      c("fwhm_q", "1/nm", "fitted FWHM"),
    ],
  },
  reflections: {
    path: "reflections/<peak>.csv",
    about:
      "each reflection of the peak's phase in its window, fitted on its own per sweep (the paper's In(110) argument)",
    columns: [
      TIME,
      SOD,
      c("lattice_scale", "", "s of the phase fit (centres at s·q_hkl; lattice parameter a = a₀/s)"),
      c("lattice_scale_err", "", "its error"),
      c("a_nm", "nm", "lattice parameter a = a₀/s (the others scale alike)"),
      c("a_nm_err", "nm", "its error"),
    ],
    more: "per reflection <hkl> (e.g. 111): area_<hkl>, area_<hkl>_err (curve units × 1/nm), center_q_<hkl>, center_q_<hkl>_err, fwhm_q_<hkl>, fwhm_q_<hkl>_err (1/nm); empty where it is not detected",
  },
  porod: {
    path: "saxs/porod_<region>_<det>.csv",
    about:
      "Porod quantities of a region's mean SAXS curve per sweep (config saxs:), and their ratio to the initial OCV",
    columns: [
      TIME,
      SOD,
      c("step", "", "cycler step"),
      c("cycle", "", "cycle"),
      c(
        "invariant",
        "curve units * (1/nm)^3",
        "Q* = ∫ q² I dq over saxs.invariant_q (trapezoid on the bins)",
      ),
      c("invariant_err", "curve units * (1/nm)^3", "its σ from the bins' σ"),
      c("invariant_ratio", "", "Q*/Q*₀, Q*₀ the mean over the initial-OCV sweeps (the stability metric)"),
      c("invariant_ratio_err", "", "its σ (this sweep's and Q*₀'s σ propagated)"),
      c("porod_k", "curve units * (1/nm)^4", "K of I = K q⁻⁴ + B over saxs.porod_q (weighted fit)"),
      c("porod_k_err", "curve units * (1/nm)^4", "its σ from the fit"),
      c("porod_k_ratio", "", "K/K₀, K₀ the mean over the initial-OCV sweeps"),
      c("porod_b", "curve units", "the fit's flat background B"),
      c("n_pixels", "", "points in the region's mean curve"),
    ],
  },
  porodSummary: {
    path: "saxs/porod_summary.csv",
    about:
      "per region: the invariant's largest and final change from the initial OCV, its detection limit, and the change the contrast calculator expects (also in run.json saxs)",
    columns: [
      c("region", "", "region"),
      c("detector", "", "detector"),
      c("invariant_initial", "curve units * (1/nm)^3", "Q*₀: mean over the initial-OCV sweeps"),
      c(
        "detection_limit",
        "",
        "3σ of the ratio Q*/Q*₀: σ the larger of the propagated Poisson σ and the initial-OCV sweeps' scatter",
      ),
      c("limit_from", "", "propagated | scatter: which σ set the limit"),
      c("max_rel_change", "", "largest |Q*/Q*₀ − 1| over the sweeps"),
      c("final_ratio", "", "Q*/Q*₀ at the last sweep"),
      c(
        "expected_ratio",
        "",
        "Q*/Q*₀ expected for saxs.conversion from the pore contrast (design contrast), all of Q* taken as pore scattering",
      ),
      c("within_limit", "", "yes where max_rel_change ≤ detection_limit (the SAXS is stable to the noise)"),
      c("porod_k_final_ratio", "", "K/K₀ at the last sweep (empty without saxs.porod_q)"),
      c("sweeps", "", "sweeps"),
    ],
  },
  invariantMap: {
    path: "saxs/invariant_map_<det>.csv",
    about: "the Porod invariant of every point per sweep, and its ratio to the point's initial-OCV mean",
    columns: [
      ...GRID,
      c("sweep", "", "sweep over the grid (0-based)"),
      FRAME_TIME,
      SOD,
      c("invariant", "curve units * (1/nm)^3", "Q* over saxs.invariant_q"),
      c("invariant_err", "curve units * (1/nm)^3", "its σ"),
      c("ratio", "", "Q*/Q*₀ of the point (empty without initial-OCV frames, or where opaque)"),
      c("ratio_err", "", "its σ"),
    ],
  },
  extra: {
    path: "extra/<name>_<det>.csv",
    about:
      "an extra measurement (config extra:) integrated with its detector's PONI, mask, bins and normalisation (Fig. 3c); no empty-cell subtraction",
    columns: [
      c("radial", "the detector's unit", "bin centre"),
      c("intensity", "curve units", "I / (exposure × monitor), as the frames"),
      c("sigma", "curve units", "its Poisson σ"),
    ],
  },
  reduced: {
    path: "reduced_<det>.h5",
    about: "every reduced curve in scan-log order (NeXus, /entry/data/I [frame, q])",
  },
  cansas: { path: "<det>_cansas.h5", about: "each region's mean SAXS curve per sweep as NXcanSAS (SasView)" },
  xye: {
    path: "xye/<det>_<region>_sweep<N>.xye",
    about:
      "each region's mean reduced curve per sweep as text for Rietveld programs (GSAS-II, TOPAS, FullProf): 2θ (deg, or q in 1/nm: config export.xye.x), I, σ; a # header with the wavelength, region, sweep, time and SOD",
  },
  h5: { path: "results.h5", about: "all of it as NeXus (paths in H5_PATHS)" },
  liveStatus: {
    path: "live_status.csv",
    about:
      "`swaxs run --follow` only: how far the reduction has got, one row replaced whole after each batch (the viewer's lag indicator)",
    columns: [
      c("updated", "ISO 8601 UTC", "when this row was written"),
      c("state", "", "following | stopped | finished"),
      c("frames_logged", "", "scan-log rows seen so far"),
      c("frames_reduced", "", "frames reduced so far"),
      c("newest_frame_time", "ISO 8601 UTC", "the newest reduced frame's time (as frames.csv)"),
      c(
        "newest_frame_landed",
        "ISO 8601 UTC",
        "when that frame's file was found complete on disk (this computer's clock)",
      ),
      c("lag_s", "s", "updated − newest_frame_landed: how far the results trail the detector"),
    ],
  },
} as const satisfies Record<string, FileSpec>;

/** The NeXus paths of results.h5. */
export const H5_PATHS = [
  [
    "/entry/<det>",
    "NXdata I [pixel, sweep, q] (+ I_errors), time and sod_pct per pixel and sweep, the OCV normaliser",
  ],
  [
    "/entry/maps/<band>_sod<N>",
    "NXdata value [row, col] with y_mm, x_mm, value_errors, opaque (1 where flagged)",
  ],
  [
    "/entry/maps/<band>_<state>",
    "as the SOD maps, at a named state of maps.at (value attributes band, state, about)",
  ],
  [
    "/entry/maps/<band>_<B>_minus_<A>",
    "as the SOD maps: the difference map B − A (value attributes band, state = B, minus = A)",
  ],
  ["/entry/regions", "NXdata code [row, col], an index into its labels attribute"],
  [
    "/entry/timeseries/<region>_<det>",
    "NXdata normalised mean curve [sweep, q] (+ I_errors), time, sod_pct, band_<band> (+ band_<band>_errors)",
  ],
  ["/entry/echem", "NXdata ewe_v vs time, with current, charge, SODC"],
  ["/entry/frames", "the frames.csv table as columns (band σ as band_<band>_errors)"],
  ["/entry/crystallite/<peak>", "NXdata size_nm vs time, with errors"],
  [
    "/entry/reflections/<peak>",
    "NXdata lattice_scale vs time, with every column of reflections/<peak>.csv (σ as <name>_errors)",
  ],
  ["/entry/caked/<region>_<det>", "NXdata region-mean (chi × q) image per sweep (config caking:)"],
] as const;

/** Column names of a CSV file of the contract (the fixed ones). */
export const columnsOf = (f: { columns?: readonly ColumnSpec[] }): string[] =>
  (f.columns ?? []).map((x) => x.name);

/** Paths of the files named by the config or the data. */
export const resultPath = {
  map: (band: string, sodPct: number) => `maps/${band}_sod${sodPct}.csv`,
  stateMap: (band: string, state: string) => `maps/${band}_${state}.csv`,
  differenceMap: (band: string, b: string, a: string) => `maps/${band}_${b}_minus_${a}.csv`,
  series: (region: string, band: string) => `timeseries/${region}_${band}.csv`,
  heatmap: (region: string, det: string) => `timeseries/${region}_${det}_heatmap.csv`,
  crystallite: (peak: string) => `crystallite/${peak}.csv`,
  reflections: (peak: string) => `reflections/${peak}.csv`,
  reduced: (det: string) => `reduced_${det}.h5`,
  cansas: (det: string) => `${det}_cansas.h5`,
  xye: (det: string, region: string, sweep: number) => `xye/${det}_${region}_sweep${sweep}.xye`,
  porod: (region: string, det: string) => `saxs/porod_${region}_${det}.csv`,
  invariantMap: (det: string) => `saxs/invariant_map_${det}.csv`,
  extra: (name: string, det: string) => `extra/${name}_${det}.csv`,
} as const;

/** Patterns that recognise those files inside their folders (file name only). */
export const resultPattern = {
  map: /^(.+)_sod(-?[\d.]+)\.csv$/,
  heatmap: /^(.+)_([^_]+)_heatmap\.csv$/,
  series: /^(.+)_([^_]+)\.csv$/,
  crystallite: /^(.+)\.csv$/,
  porod: /^porod_(.+)_([^_]+)\.csv$/,
  extra: /^(.+)_([^_]+)\.csv$/,
} as const;

/** The sub-folders of a results folder. */
export const RESULT_FOLDERS = [
  "maps",
  "crystallite",
  "reflections",
  "timeseries",
  "saxs",
  "extra",
  "xye",
] as const;

/** The schema as a Markdown table (docs/architecture.md is generated from it). */
export function schemaMarkdown(): string {
  const lines = ["| file | what | columns (units) |", "|---|---|---|"];
  for (const f of Object.values(RESULTS) as FileSpec[]) {
    const cols = (f.columns ?? []).map((x) => (x.units ? `${x.name} (${x.units})` : x.name)).join(", ");
    lines.push(`| \`${f.path}\` | ${f.about} | ${[cols, f.more].filter(Boolean).join("; then ")} |`);
  }
  lines.push("", "| results.h5 path | what |", "|---|---|");
  for (const [p, what] of H5_PATHS) lines.push(`| \`${p}\` | ${what} |`);
  return `${lines.join("\n")}\n`;
}
