/**
 * The report's tables from the results files: headers a reader understands, with units, and
 * numbers to 3–4 significant figures (the files keep 8).
 */
import { esc } from "../plot/index.js";
import { parseCsv } from "../results/index.js";
import { type BandInfo, percent, sig } from "./labels.js";

export interface Table {
  head: string[];
  rows: string[][];
}

/** How run.json `normalize` reads in a table. */
function normText(kind: string | undefined): string {
  if (kind === "none") return "none (a.u.)";
  if (kind === undefined || kind === "ocv-mean") return "÷ initial-OCV mean";
  return `÷ ${kind.replace(/^reference: /, "")}`;
}

/**
 * band_stability.csv as the report shows it: the band with its q window, how it was normalised,
 * its OCV value (4 significant figures) and its largest and final change from it in % (3).
 * @param csv the file's text
 * @param bands each band's window (labels.ts bandInfos)
 * @param normalize run.json `normalize`, per detector
 */
export function stabilityTable(
  csv: string,
  bands: Map<string, Pick<BandInfo, "label">>,
  normalize: Record<string, string>,
): Table {
  const [head, ...rows] = parseCsv(csv);
  if (!head) return { head: [], rows: [] };
  const col = (name: string) => head.indexOf(name);
  const at = (r: string[], name: string) => r[col(name)] ?? "";
  const num = (s: string) => (s === "" ? Number.NaN : Number(s));
  return {
    head: [
      "region",
      "band (q window)",
      "detector",
      "normalised",
      "value at OCV",
      "largest change from OCV",
      "final change from OCV",
      "sweeps",
    ],
    rows: rows.map((r) => [
      at(r, "region"),
      bands.get(at(r, "band"))?.label ?? at(r, "band"),
      at(r, "detector"),
      normText(normalize[at(r, "detector")]),
      sig(num(at(r, "initial_value")), 4),
      percent(num(at(r, "max_rel_change"))),
      percent(num(at(r, "final_rel_change"))),
      at(r, "sweeps"),
    ]),
  };
}

/** A table as HTML (text escaped). */
export function tableHtml(t: Table): string {
  if (t.head.length === 0) return "";
  return `<table><tr>${t.head.map((h) => `<th>${esc(h)}</th>`).join("")}</tr>${t.rows
    .map((r) => `<tr>${r.map((c) => `<td>${esc(c)}</td>`).join("")}</tr>`)
    .join("")}</table>`;
}
