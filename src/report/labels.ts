/**
 * What the report's figures and tables say about their numbers, from run.json: each band's q window
 * and unit (a SAXS band named "S" is a q range, not sulfur) and how each detector was normalised.
 */
import { bandLabel, radialLabel, shortNumber } from "../plot/index.js";
import { type ResultsData, readRunJson } from "../results/index.js";

export interface BandInfo {
  name: string;
  detector: string;
  /** "S (q 0.2–1 nm⁻¹)"; the name alone where run.json gives no window. */
  label: string;
  /** "q 0.2–1 nm⁻¹"; "" where run.json gives no window. */
  window: string;
}

/** Each band of run.json (`bands: [{name, detector, q: [lo, hi]}]`) with its window in its detector's unit. */
export function bandInfos(data: ResultsData): Map<string, BandInfo> {
  const s = data.summary();
  const run = readRunJson(data.dir);
  const listed = Array.isArray(run.bands)
    ? (run.bands as { name: string; detector: string; q?: number[] }[])
    : [];
  const out = new Map<string, BandInfo>();
  for (const b of s.bands.filter((x) => x.kind === "band")) {
    const q = listed.find((x) => x.name === b.name)?.q;
    const unit = s.detectors.find((d) => d.name === b.detector)?.qUnits ?? "";
    const label = bandLabel(b.name, q, unit);
    const window = label === b.name ? "" : label.slice(b.name.length + 2, -1);
    out.set(b.name, { name: b.name, detector: b.detector, label, window });
  }
  return out;
}

export interface Normalisation {
  /** As run.json spells it: "ocv-mean", "none", "reference: 30 % SOD". */
  kind: string;
  /** For an axis or colour bar: "÷ OCV", "a.u.", "÷ 30 % SOD". */
  short: string;
  /** For a subtitle: what the values are, and where that was read. */
  says: string;
}

/** How `swaxs run` normalised a detector's curves and bands, as run.json `normalize` records it. */
export function normalisation(data: ResultsData, det: string): Normalisation {
  const kind = data.summary().normalize[det] ?? "ocv-mean";
  const from = `run.json normalize: ${kind}`;
  if (kind === "none") return { kind, short: "a.u.", says: `not normalised (${from})` };
  if (kind === "ocv-mean") return { kind, short: "÷ OCV", says: `÷ initial-OCV mean (${from})` };
  const state = kind.replace(/^reference: /, "");
  return { kind, short: `÷ ${state}`, says: `÷ the state at ${state} (${from})` };
}

/** The radial axis title of a detector: "q (nm⁻¹)". */
export function radialTitle(data: ResultsData, det: string): string {
  return radialLabel(data.summary().detectors.find((d) => d.name === det)?.qUnits ?? "");
}

/** A value with `digits` significant figures for a table; "–" when missing. */
export const sig = (v: number, digits = 4): string => shortNumber(v, digits);

/** A fraction as a percentage with 3 significant figures: 0.22949 → "22.9 %", 0.0003227 → "0.0323 %". */
export function percent(v: number): string {
  if (!Number.isFinite(v)) return "–";
  return v === 0 ? "0 %" : `${(v * 100).toPrecision(3)} %`;
}
