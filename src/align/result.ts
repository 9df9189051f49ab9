/**
 * What `swaxs align` reports, as one plain object (snake_case keys with units, as the other
 * commands' --json): the scan, the edges with their errors, the plateaus, how many edges the data
 * support and why, the stack's extent and the proposed grid with its `regions.by_row` block.
 */
import { type EdgeFit, type FindEdgesOptions, FWHM_PER_SIGMA, findEdges, SIGMA_FLOOR } from "./edges.js";
import { byRowYaml, type GridOptions, proposeGrid } from "./grid.js";
import type { LineScan } from "./read.js";

export interface AlignmentResult {
  file: string;
  scan: LineScan["direction"];
  /** The coordinate the scan moves: y_mm (vertical) or x_mm (horizontal). */
  axis: "y_mm" | "x_mm";
  points: number;
  edges: {
    pos_mm: number;
    pos_err_mm: number;
    width_sigma_mm: number;
    width_sigma_err_mm: number;
    fwhm_mm: number;
    step_transmission: number;
    step_err: number;
    at_bound: boolean;
  }[];
  plateaus: { from_mm: number | null; to_mm: number | null; transmission: number; err: number }[];
  stack: { from_mm: number; to_mm: number; height_mm: number; height_err_mm: number } | null;
  fit: {
    chi2: number;
    chi2_red: number;
    parameters: number;
    sigma_floor: number;
    selection: EdgeFit["selection"];
    method: string;
  };
  grid: {
    step_mm: number;
    step_from: string;
    rows: { row: number; pos_mm: number; layer: string; near_edge: boolean }[];
    by_row: Record<string, string>;
    yaml: string;
  } | null;
}

export interface AlignOptions extends FindEdgesOptions, GridOptions {}

/** Fit the edges of one line scan and propose a grid over the stack they bound. */
export function alignScan(scan: LineScan, opts: AlignOptions = {}): AlignmentResult {
  const fit = findEdges(scan, opts);
  const e = fit.edges;
  const grid = e.length >= 2 ? proposeGrid(fit, opts) : null;
  const first = e[0];
  const last = e.at(-1);
  return {
    file: scan.file,
    scan: scan.direction,
    axis: scan.direction === "vertical" ? "y_mm" : "x_mm",
    points: scan.posMm.length,
    edges: e.map((x) => ({
      pos_mm: x.posMm,
      pos_err_mm: x.posErrMm,
      width_sigma_mm: x.widthMm,
      width_sigma_err_mm: x.widthErrMm,
      fwhm_mm: x.widthMm * FWHM_PER_SIGMA,
      step_transmission: x.step,
      step_err: x.stepErr,
      at_bound: x.atBound,
    })),
    plateaus: fit.plateaus.map((p, j) => ({
      from_mm: j > 0 ? e[j - 1]!.posMm : null,
      to_mm: j < e.length ? e[j]!.posMm : null,
      transmission: p.transmission,
      err: p.err,
    })),
    stack:
      first && last && e.length >= 2
        ? {
            from_mm: first.posMm,
            to_mm: last.posMm,
            height_mm: last.posMm - first.posMm,
            // the two positions' errors, taken as independent (their covariance is small: the
            // edges are far apart compared with their widths)
            height_err_mm: Math.hypot(first.posErrMm, last.posErrMm),
          }
        : null,
    fit: {
      chi2: fit.chi2,
      chi2_red: fit.chi2red,
      parameters: fit.parameters,
      sigma_floor: opts.sigmaFloor ?? SIGMA_FLOOR,
      selection: fit.selection,
      method:
        "erf steps by weighted Levenberg-Marquardt; edges added while an F-test gives p < 0.001 (errors scaled by chi2_red)",
    },
    grid: grid && {
      step_mm: grid.stepMm,
      step_from: grid.stepFrom === "option" ? "--step-mm" : "median FWHM of the edges",
      rows: grid.rows.map((r) => ({ row: r.row, pos_mm: r.posMm, layer: r.layer, near_edge: r.nearEdge })),
      by_row: grid.byRow,
      yaml: byRowYaml(grid),
    },
  };
}
