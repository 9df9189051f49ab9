/**
 * `swaxs report RESULTS --out report.html`: one self-contained HTML file (inline SVG figures,
 * images as data URIs, no scripts or links to fetch) with the paper's figure types and the numbers
 * behind each, and PNG copies of the figures beside it (`<name>_figures/`), rendered with
 * rsvg-convert where it is installed (librsvg2-bin); without it the PNGs are skipped, and said so.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, extname, join } from "node:path";
import { esc, unitText } from "../plot/index.js";
import { type PeakFitCheck, type RegionCheck, ResultsData } from "../results/index.js";
import { checkOutputFolder, InputError, markFolder } from "../util/index.js";
import { designSectionHtml } from "./design.js";
import {
  centralPixel,
  crystalliteFigure,
  dqdvFigure,
  type Figure,
  heatmapFigure,
  mapFigures,
  pixelFigures,
  reflectionFigures,
  saxsCyclingFigures,
} from "./figures.js";
import { bandInfos } from "./labels.js";
import { extraFigures, porodFigure, porodTableHtml } from "./saxs.js";
import { stateMapFigures } from "./state-maps.js";
import { stabilityTable, tableHtml } from "./tables.js";

export interface ReportResult {
  html: string;
  figures: string[];
  /** PNG files written, or null when no SVG renderer was found. */
  pngs: string[] | null;
}

const CSS = `body{font:14px/1.45 system-ui,sans-serif;max-width:1200px;margin:2em auto;padding:0 1em;color:#222}
h1{font-size:1.6em}h2{margin-top:2em;border-bottom:1px solid #ccc}figure{display:inline-block;vertical-align:top;margin:0 1em 1.5em 0}
figcaption{max-width:42em;font-size:.9em;color:#444}table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:2px 8px;text-align:right}
th{background:#f4f4f4}td:first-child,th:first-child{text-align:left}details{font-size:.85em}.warn{background:#fff3cd}p.warn{padding:.4em .6em;border-left:4px solid #c90}pre{max-height:20em;overflow:auto;background:#f8f8f8;padding:.5em}`;

function figureHtml(f: Figure): string {
  const data = `data:text/csv;base64,${Buffer.from(f.csv).toString("base64")}`;
  return `<figure data-figure="${esc(f.id)}">${f.svg}<figcaption><b>${esc(f.title)}.</b> ${esc(f.caption)}
<details><summary>numbers</summary><a download="${esc(f.id)}.csv" href="${data}">${esc(f.id)}.csv</a><pre>${esc(f.csv)}</pre></details></figcaption></figure>`;
}

/**
 * How the regions were found, one row per boundary; an uncertain boundary is stated above the table
 * in words (every region-resolved figure below depends on it) and its row marked.
 */
function regionsHtml(check: RegionCheck | null): string {
  if (!check || check.boundaries.length === 0) return "";
  const doubtful = check.boundaries.filter((b) => b.uncertain);
  const warn = doubtful.length
    ? `<p class="warn"><b>${doubtful.length} uncertain region boundar${doubtful.length > 1 ? "ies" : "y"}.</b> ${doubtful
        .map((b) =>
          esc(
            `${b.below}/${b.above} between rows ${b.rows[0]} and ${b.rows[1]}: ${b.why ?? "small margin"}.`,
          ),
        )
        .join(" ")} Check them with <code>swaxs regions</code>; region-resolved numbers depend on them.</p>`
    : "";
  const rows = check.boundaries
    .map(
      (b) =>
        `<tr${b.uncertain ? ' class="warn"' : ""}><td>${esc(`${b.below} / ${b.above}`)}</td><td>${b.rows[0]} | ${b.rows[1]}</td><td>${b.y_mm.toFixed(3)}</td><td>${b.margin.toFixed(2)}</td><td>${b.uncertain ? `uncertain: ${esc(b.why ?? "small margin")}` : "clear"}</td></tr>`,
    )
    .join("");
  return `<h3 id="region-boundaries">Region boundaries (found by ${esc(check.method)})</h3>${warn}
<table><tr><th>between</th><th>rows</th><th>y [mm]</th><th>margin [noise units]</th><th>status</th></tr>${rows}</table>`;
}

/**
 * How each peak's sweeps were fitted (run.json `peak_fits`), and a warning where the tied and the
 * free areas gave sizes that differ beyond their errors (issue 20): the computed intensity ratios
 * then do not describe the sample, and the size rests on the model chosen.
 */
function peakFitsHtml(fits: Record<string, PeakFitCheck>): string {
  const names = Object.keys(fits);
  if (names.length === 0) return "";
  const warn = names
    .filter((n) => fits[n]!.disagree > 0)
    .map(
      (n) =>
        `<p class="warn"><b>${esc(n)}: the tied and the free areas give sizes that differ beyond their errors in ${fits[n]!.disagree} sweep${fits[n]!.disagree > 1 ? "s" : ""}</b> (the ${fits[n]!.free > fits[n]!.ratio ? "free" : "tied"} ones were kept). The reflections' relative intensities differ from the computed ones (texture?); see the per-reflection areas.</p>`,
    )
    .join("");
  const rows = names
    .map((n) => {
      const f = fits[n]!;
      return `<tr${f.disagree > 0 ? ' class="warn"' : ""}><td>${esc(n)}</td><td>${esc(f.amplitudes)}</td><td>${esc(f.shape)}</td><td>${esc(f.base)}</td><td>${esc(f.background ?? "linear")}</td><td>${f.ratio} / ${f.free}</td><td>${f.disagree}</td><td>${f.size_eta_median ?? ""}</td></tr>`;
    })
    .join("");
  return `<h3 id="peak-fits">Peak fits</h3>${warn}
<table><tr><th>peak</th><th>areas</th><th>size shape</th><th>base</th><th>background</th><th>sweeps tied / free</th><th>tied ≠ free</th><th>η of the size broadening (median)</th></tr>${rows}</table>`;
}

/**
 * Figures made one after another: each takes the next clip-path id as it is drawn, so figures drawn
 * concurrently would number them by whichever read finished first, and the same results would give
 * a different report (a re-run after a crash must give the same bytes).
 */
async function inOrder(make: (() => Promise<Figure | null>)[]): Promise<Figure[]> {
  const out: Figure[] = [];
  for (const m of make) {
    const f = await m();
    if (f) out.push(f);
  }
  return out;
}

export async function writeReport(resultsDir: string, outPath: string): Promise<ReportResult> {
  if (extname(outPath).toLowerCase() !== ".html")
    throw new InputError(outPath, "the report must be an .html file");
  if (!existsSync(dirname(outPath)))
    throw new InputError(outPath, `cannot write: folder ${dirname(outPath)} does not exist`);
  // only a report of ours is replaced, and its figures folder only if we made it
  if (existsSync(outPath) && !readFileSync(outPath, "utf8").includes(REPORT_STAMP))
    throw new InputError(outPath, "exists and is not a report written by swaxs report; choose another --out");
  checkOutputFolder(figuresDir(outPath), { namedBy: "--out", key: "--out", command: REPORT_COMMAND });
  const data = await ResultsData.open(resultsDir);
  try {
    const s = data.summary();
    const at = centralPixel(data);
    const sections: [string, Figure[]][] = [
      ["Maps at states of discharge", await mapFigures(data)],
      ["Maps at other states, and differences between states", await stateMapFigures(data)],
      [
        "Regions through the experiment",
        await inOrder(
          s.regionNames
            .filter((r) => r !== "other")
            .flatMap((r) => s.detectors.map((d) => () => heatmapFigure(data, r, d.name))),
        ),
      ],
      ["One scan point through the experiment", await pixelFigures(data, at)],
      ["dQ/dV of the cycler log", [await dqdvFigure(data)].filter((f): f is Figure => f !== null)],
      ["Crystallite size", [await crystalliteFigure(data)].filter((f): f is Figure => f !== null)],
      ["Reflections one by one", await reflectionFigures(data)],
      ["SAXS through cycling", await saxsCyclingFigures(data)],
      [
        "SAXS: Porod invariant and extra measurements (Fig. 3c)",
        [porodFigure(data), ...(await extraFigures(data))].filter((f): f is Figure => f !== null),
      ],
    ];
    const stability = join(resultsDir, "band_stability.csv");
    const counts = s.regionNames.map((r) => `${r}: ${s.regions.filter((x) => x === r).length}`).join(", ");
    const summary = [
      ["results", resultsDir],
      [
        "grid",
        `${s.grid.rows} rows × ${s.grid.cols} columns (y ${fmtMm(s.grid.yMm)}, x ${fmtMm(s.grid.xMm)} mm)`,
      ],
      ["scan points per region", counts],
      [
        "detectors",
        s.detectors
          .map(
            (d) =>
              `${d.name}: ${d.frames} frames, q ${d.qMin.toPrecision(3)}–${d.qMax.toPrecision(3)} ${unitText(d.qUnits)}`,
          )
          .join("; "),
      ],
      [
        "time",
        `${new Date(s.time.start * 1000).toISOString()} to ${new Date(s.time.end * 1000).toISOString()} (${((s.time.end - s.time.start) / 3600).toFixed(1)} h)`,
      ],
      [
        "bands",
        s.bands
          .filter((b) => b.kind === "band")
          .map((b) => `${bandInfos(data).get(b.name)?.label ?? b.name} on ${b.detector}`)
          .join(", "),
      ],
    ];
    const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>operando-swaxs report: ${esc(basename(resultsDir))}</title>
<style>${CSS}</style></head><body><h1>Operando SAXS/WAXS report</h1>
<h2>Experiment</h2><table>${summary.map(([k, v]) => `<tr><th>${esc(k!)}</th><td>${esc(v!)}</td></tr>`).join("")}</table>
${regionsHtml(s.regionCheck)}
${peakFitsHtml(s.peakFits)}
${porodTableHtml(resultsDir)}
${existsSync(stability) ? `<h3>Band stability per region (largest and final change from the OCV value)</h3>${tableHtml(stabilityTable(readFileSync(stability, "utf8"), bandInfos(data), s.normalize))}` : ""}
${designSectionHtml(resultsDir)}
${sections
  .filter(([, f]) => f.length)
  .map(([title, figs]) => `<h2>${esc(title)}</h2>\n${figs.map(figureHtml).join("\n")}`)
  .join("\n")}
<p style="color:#777;font-size:.8em">${REPORT_STAMP} on ${new Date().toISOString()}.</p></body></html>\n`;
    // written under a temporary name and renamed, so a failure never leaves a partial report
    const tmp = `${outPath}.partial`;
    writeFileSync(tmp, html);
    renameSync(tmp, outPath);
    const figs = sections.flatMap(([, f]) => f);
    return { html: outPath, figures: figs.map((f) => f.id), pngs: writePngs(figs, outPath) };
  } finally {
    data.close();
  }
}

const REPORT_STAMP = "Written by operando-swaxs";
const REPORT_COMMAND = "swaxs report";
const figuresDir = (outPath: string) =>
  join(dirname(outPath), `${basename(outPath, extname(outPath))}_figures`);

const fmtMm = (v: number[]) => `${Math.min(...v).toFixed(2)}…${Math.max(...v).toFixed(2)}`;

/** Each figure as PNG (2× scale, for papers) in `<report>_figures/`, if rsvg-convert is there. */
function writePngs(figs: Figure[], outPath: string): string[] | null {
  const probe = spawnSync("rsvg-convert", ["--version"], { encoding: "utf8" });
  if (probe.status !== 0) return null;
  const dir = figuresDir(outPath);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  markFolder(dir, REPORT_COMMAND);
  return figs.map((f) => {
    const png = join(dir, `${f.id}.png`);
    const r = spawnSync("rsvg-convert", ["--zoom", "2", "--background-color", "white", "-o", png], {
      input: f.svg,
    });
    if (r.status !== 0) throw new InputError(png, `rsvg-convert failed: ${r.stderr.toString().trim()}`);
    writeFileSync(join(dir, `${f.id}.svg`), f.svg);
    return png;
  });
}
