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
 * opaque points flagged in maps, /entry/reflections.
 */
export const RESULTS_SCHEMA_VERSION = 5;

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
  reduced: {
    path: "reduced_<det>.h5",
    about: "every reduced curve in scan-log order (NeXus, /entry/data/I [frame, q])",
  },
  cansas: { path: "<det>_cansas.h5", about: "each region's mean SAXS curve per sweep as NXcanSAS (SasView)" },
  h5: { path: "results.h5", about: "all of it as NeXus (paths in H5_PATHS)" },
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
  series: (region: string, band: string) => `timeseries/${region}_${band}.csv`,
  heatmap: (region: string, det: string) => `timeseries/${region}_${det}_heatmap.csv`,
  crystallite: (peak: string) => `crystallite/${peak}.csv`,
  reflections: (peak: string) => `reflections/${peak}.csv`,
  reduced: (det: string) => `reduced_${det}.h5`,
  cansas: (det: string) => `${det}_cansas.h5`,
} as const;

/** Patterns that recognise those files inside their folders (file name only). */
export const resultPattern = {
  map: /^(.+)_sod(-?[\d.]+)\.csv$/,
  heatmap: /^(.+)_([^_]+)_heatmap\.csv$/,
  series: /^(.+)_([^_]+)\.csv$/,
  crystallite: /^(.+)\.csv$/,
} as const;

/** The sub-folders of a results folder. */
export const RESULT_FOLDERS = ["maps", "crystallite", "reflections", "timeseries"] as const;

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
