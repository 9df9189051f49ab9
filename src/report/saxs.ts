/**
 * The report's SAXS argument (issue 15): the extra measurements over the region curves (the
 * paper's Fig. 3c: pristine carbon against the composite), the Porod invariant of each region
 * through the experiment against its detection limit and the change the pore contrast expects,
 * and the table of those numbers (saxs/porod_summary.csv, run.json saxs).
 */
import { esc, linePlot } from "../plot/index.js";
import {
  listExtras,
  numbers,
  type ResultsData,
  readExtra,
  readPorod,
  readPorodSummary,
  readRunJson,
  unixSeconds,
} from "../results/index.js";
import type { Figure } from "./figures.js";
import { radialTitle, sig } from "./labels.js";

const COLORS = ["#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02"];
const EXTRA_DASH = "6 3";

const csvOf = (cols: Record<string, ArrayLike<number>>) => {
  const names = Object.keys(cols);
  const n = Math.max(...names.map((k) => cols[k]!.length));
  const lines = [names.join(",")];
  for (let i = 0; i < n; i++)
    lines.push(
      names
        .map((k) => {
          const v = cols[k]![i];
          return v !== undefined && Number.isFinite(v) ? String(Number(v.toPrecision(7))) : "";
        })
        .join(","),
    );
  return `${lines.join("\n")}\n`;
};

/** A region's mean reduced curve over its points' first visits (the initial state, as measured). */
async function initialRegionCurve(
  data: ResultsData,
  region: string,
  det: string,
): Promise<Float64Array | null> {
  const s = data.summary();
  let sum: Float64Array | null = null;
  let n = 0;
  for (let p = 0; p < s.regions.length; p++) {
    if (s.regions[p] !== region) continue;
    const px = await data.pixel(det, Math.floor(p / s.grid.cols), p % s.grid.cols);
    const nq = Number(px.meta.nq);
    if (!(Number(px.meta.visits) > 0)) continue;
    sum ??= new Float64Array(nq);
    for (let j = 0; j < nq; j++) sum[j]! += px.columns.I![j]!;
    n++;
  }
  return sum && n ? sum.map((v) => v / n) : null;
}

/** Fig. 3c: each extra measurement of a detector over its regions' initial curves (log–log). */
export async function extraFigures(data: ResultsData): Promise<Figure[]> {
  const s = data.summary();
  const extras = listExtras(data.dir);
  const out: Figure[] = [];
  for (const det of [...new Set(extras.map((x) => x.detector))]) {
    const info = s.detectors.find((d) => d.name === det);
    if (!info) continue;
    const series: Parameters<typeof linePlot>[0]["series"] = [];
    const cols: Record<string, ArrayLike<number>> = {};
    const regions = s.regionNames.filter((r) => r !== "other");
    for (const [k, region] of regions.entries()) {
      const y = await initialRegionCurve(data, region, det);
      if (!y) continue;
      const q = (await data.pixel(det, 0, 0)).columns.q!;
      series.push({
        x: q,
        y,
        label: `${region} (first visit)`,
        color: COLORS[k % COLORS.length]!,
        width: 1.5,
      });
      cols[`${region}_q`] = q;
      cols[`${region}_I`] = y;
    }
    for (const [k, x] of extras.filter((e) => e.detector === det).entries()) {
      const c = readExtra(data.dir, x.name, det);
      series.push({
        x: c.radial,
        y: c.intensity,
        label: x.name.replaceAll("_", " "),
        color: COLORS[(regions.length + k) % COLORS.length]!,
        width: 2,
        dash: EXTRA_DASH,
      });
      cols[`${x.name}_q`] = c.radial;
      cols[`${x.name}_I`] = c.intensity;
      cols[`${x.name}_sigma`] = c.sigma;
    }
    if (series.length === 0) continue;
    out.push({
      id: `extra_${det}`,
      title: `${det.toUpperCase()}: extra measurements against the regions (Fig. 3c)`,
      caption: `The config's extra measurements (dashed; integrated with ${det}'s PONI, mask, bins and I/(exposure × monitor), no empty-cell subtraction) over each region's mean reduced curve at its points' first visit (empty cell subtracted). A pore feature of the pristine carbon that is gone from the cathode says the pores are filled (the paper's Fig. 3c).`,
      svg: linePlot({
        width: 560,
        height: 380,
        series,
        title: `${det.toUpperCase()}: extra measurements and region curves`,
        subtitle: "I per exposure × monitor; dashed: extra measurements",
        xLabel: radialTitle(data, det),
        yLabel: "I (a.u.)",
        xScale: "log",
        yScale: "log",
      }),
      csv: csvOf(cols),
    });
  }
  return out;
}

/** The invariant ratio Q* / Q*₀ of each region per sweep, with the detection limit and the expected ratio. */
export function porodFigure(data: ResultsData): Figure | null {
  const rows = readPorodSummary(data.dir);
  if (!rows || rows.length === 0) return null;
  const t0 = data.summary().time.start;
  // regions whose Q*₀ is noise (opaque metal, outside the cell) say nothing: limit above 50 %
  const shown = rows.filter((r) => r.detectionLimit < 0.5);
  if (shown.length === 0) return null;
  const series: Parameters<typeof linePlot>[0]["series"] = [];
  const cols: Record<string, ArrayLike<number>> = {};
  let tMax = 0;
  for (const [k, r] of shown.entries()) {
    const t = readPorod(data.dir, r.region, r.detector);
    if (!t) continue;
    const h = Float64Array.from(unixSeconds(t, "time"), (v) => (v - t0) / 3600);
    tMax = Math.max(tMax, ...h);
    const color = COLORS[k % COLORS.length]!;
    series.push({
      x: h,
      y: numbers(t, "invariant_ratio"),
      yErr: numbers(t, "invariant_ratio_err"),
      label: `${r.region} (limit ±${sig(r.detectionLimit, 2)})`,
      color,
      markers: true,
    });
    cols[`${r.region}_time_h`] = h;
    cols[`${r.region}_ratio`] = numbers(t, "invariant_ratio");
    cols[`${r.region}_ratio_err`] = numbers(t, "invariant_ratio_err");
  }
  const expected = rows[0]!.expectedRatio;
  series.push({
    x: [0, tMax],
    y: [expected, expected],
    label: `expected (${sig(expected, 3)})`,
    color: "#555",
    dash: "4 4",
  });
  series.push({ x: [0, tMax], y: [1, 1], color: "#999", width: 0.8 });
  return {
    id: "saxs_invariant",
    title: "SAXS Porod invariant through the experiment",
    caption: `Q*/Q*₀ per region and sweep (Q* = ∫q²I dq over the config's saxs.invariant_q on the region's mean reduced curve; Q*₀ its mean over the initial OCV), bars 1σ; the legend gives each region's detection limit (3σ, see the table). Dashed: the ratio the pore contrast predicts for the stated conversion (an upper bound on the change: all of Q* taken as pore scattering).`,
    svg: linePlot({
      width: 560,
      height: 340,
      series,
      title: "Porod invariant relative to the initial OCV",
      subtitle: "the paper's stable-SAXS argument, made quantitative",
      xLabel: "time (h)",
      yLabel: "Q*/Q*₀ (–)",
    }),
    csv: csvOf(cols),
  };
}

/** The measured change beside the detection limit and the expected one, per region; "" without saxs/. */
export function porodTableHtml(dir: string): string {
  const rows = readPorodSummary(dir);
  if (!rows || rows.length === 0) return "";
  const saxs = (
    readRunJson(dir) as unknown as {
      saxs?: { assumption?: string; conversion?: number; detection_limit_rule?: string };
    }
  ).saxs;
  const body = rows
    .map(
      (r) =>
        `<tr><td>${esc(r.region)}</td><td>${esc(r.detector)}</td><td>${sig(r.invariantInitial)}</td><td>${sig(r.maxRelChange, 3)}</td><td>${sig(r.finalRatio, 4)}</td><td>±${sig(r.detectionLimit, 2)} (${esc(r.limitFrom)})</td><td>${r.withinLimit ? "stable" : "changed"}</td><td>${sig(r.expectedRatio, 3)}</td><td>${Number.isFinite(r.porodKFinalRatio) ? sig(r.porodKFinalRatio, 3) : ""}</td></tr>`,
    )
    .join("");
  const note = saxs
    ? `<p>Expected ratio for a conversion of ${esc(String(saxs.conversion ?? ""))}: ${esc(saxs.assumption ?? "")}. Detection limit: ${esc(saxs.detection_limit_rule ?? "")}.</p>`
    : "";
  return `<h3 id="saxs-porod">SAXS Porod invariant: measured change, detection limit and the contrast's expectation</h3>
<table><tr><th>region</th><th>detector</th><th>Q*₀</th><th>largest |Q*/Q*₀ − 1|</th><th>final Q*/Q*₀</th><th>detection limit</th><th>verdict</th><th>expected Q*/Q*₀</th><th>final K/K₀</th></tr>${body}</table>${note}`;
}
