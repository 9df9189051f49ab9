/**
 * The report's figures, one function per figure type of the paper, each returning SVG text and
 * the numbers behind it as CSV. All drawing is src/plot's; this file only chooses what to show.
 */
import { colorDomains, gridMap, heatmap, linePlot, voltageCapacity, waterfall } from "../plot/index.js";
import type { Columns, ResultsData } from "../results/index.js";
import { encodePng } from "../util/png.js";
import { bandInfos, normalisation, radialTitle } from "./labels.js";

export interface Figure {
  id: string;
  title: string;
  caption: string;
  svg: string;
  /** The numbers behind the figure. */
  csv: string;
}

const pngUri = (rgba: Uint8Array, w: number, h: number) =>
  `data:image/png;base64,${encodePng(w, h, rgba).toString("base64")}`;
const hours = (t: ArrayLike<number>, t0: number) => Float64Array.from(t, (v) => (v - t0) / 3600);
const csvOf = (cols: Record<string, ArrayLike<number> | string[]>) => {
  const names = Object.keys(cols);
  const n = Math.max(...names.map((k) => cols[k]!.length));
  const lines = [names.join(",")];
  for (let i = 0; i < n; i++) lines.push(names.map((k) => fmtCell(cols[k]![i])).join(","));
  return `${lines.join("\n")}\n`;
};
function fmtCell(v: unknown): string {
  if (typeof v === "number") return Number.isFinite(v) ? String(Number(v.toPrecision(7))) : "";
  return v === undefined ? "" : String(v);
}

export interface MapOptions {
  /**
   * "shared" (default): the maps of one band at every SOD take one colour range, the 2nd–98th
   * percentile of all their values, so the same colour is the same value in each; "free": each map
   * its own range (the structure inside one state, at the cost of comparing states).
   */
  colorScale?: "shared" | "free";
}

/** The frame of every map figure: its size, the scan grid and its regions. */
export function mapFrame(s: ReturnType<ResultsData["summary"]>) {
  return {
    width: 340,
    height: 460,
    rows: s.grid.rows,
    cols: s.grid.cols,
    xMm: s.grid.xMm,
    yMm: s.grid.yMm,
    regions: s.regions,
  };
}

/** Maps of every band at every SOD the pipeline wrote (the paper's Fig. 2b, 4b–c). */
export async function mapFigures(data: ResultsData, o: MapOptions = {}): Promise<Figure[]> {
  const s = data.summary();
  const bands = bandInfos(data);
  const out: Figure[] = [];
  // what every map figure shares: the grid, its regions, and each point's row and column
  const onGrid = mapFrame(s);
  const rowCol = {
    row: Array.from(s.regions, (_, p) => Math.floor(p / s.grid.cols)),
    col: Array.from(s.regions, (_, p) => p % s.grid.cols),
  };
  const shared = o.colorScale !== "free";
  for (const name of [...new Set(s.maps.map((m) => m.band))]) {
    const sods = s.maps.filter((m) => m.band === name).map((m) => m.sod);
    const maps: Columns["columns"][] = [];
    for (const sod of sods) maps.push((await data.map(name, sod)).columns);
    const domains = colorDomains(
      maps.map((m) => m.value!),
      { shared },
    );
    const errDomains = colorDomains(
      maps.map((m) => m.value_err!),
      { shared },
    );
    const det = s.bands.find((b) => b.name === name)?.detector ?? "";
    const norm = normalisation(data, det);
    const band = bands.get(name) ?? { label: name, window: "" };
    const unit = norm.kind === "none" ? "(a.u.)" : norm.short;
    const scale = shared
      ? `colours shared by ${sods.join(", ")} % SOD (2nd–98th percentile)`
      : "colours of this map alone (2nd–98th percentile)";
    const subtitle = `${band.window ? `${band.window}; ` : ""}${norm.says}; ${scale}`;
    sods.forEach((sod, k) => {
      const map = maps[k]!;
      const v = map.value!;
      const opaque = Array.from(map.opaque!).filter((x) => x === 1).length;
      out.push({
        id: `map_${name}_sod${sod}`,
        title: `${name} at ${sod} % SOD`,
        caption: `Mean ${band.label} band of each scan point (${norm.says}) at the moment the cell reached ${sod} % of its first discharge (interpolated between the point's own visits). ${shared ? `The maps of ${name} at ${sods.join(", ")} % SOD share one colour scale, so equal colours are equal values; arrows on the colour bar: values beyond it.` : "Colour scale of this map alone."} Lines: region boundaries. Grey: no value${opaque ? ` (${opaque} opaque point${opaque > 1 ? "s" : ""}, transmission < 1 %, flagged instead of a ratio of noise)` : ""}. Its 1σ is the next figure.`,
        svg: gridMap({
          ...onGrid,
          values: v,
          domain: domains[k]!,
          title: `${name}, ${sod} % SOD`,
          subtitle,
          colorBarLabel: `${band.label} ${unit}`,
        }),
        csv: csvOf({
          ...rowCol,
          region: s.regions,
          value: v,
          value_err: map.value_err!,
          opaque: map.opaque!,
        }),
      });
      out.push({
        id: `map_${name}_sod${sod}_err`,
        title: `${name} at ${sod} % SOD: 1σ`,
        caption: `The 1σ of each value of the map before (Poisson errors through the empty-cell subtraction and the normalisation, and the two visits' weights in the interpolation), in the map's units.`,
        svg: gridMap({
          ...onGrid,
          values: map.value_err!,
          domain: errDomains[k]!,
          title: `σ(${name}), ${sod} % SOD`,
          subtitle,
          colorBarLabel: `σ of ${band.label} ${unit}`,
        }),
        csv: csvOf({
          ...rowCol,
          value_err: map.value_err!,
        }),
      });
    });
  }
  return out;
}

/** A region's normalised curves as a q × time heatmap with the potential and its band (Fig. 2a). */
export async function heatmapFigure(data: ResultsData, region: string, det: string): Promise<Figure | null> {
  const s = data.summary();
  if (!s.heatmaps.some((h) => h.region === region && h.detector === det)) return null;
  const hm = await data.heatmap(region, det);
  const h = hm.columns;
  const label = String(hm.meta.label);
  const ec = s.hasEchem ? (await data.echem()).columns : null;
  const t0 = s.time.start;
  const band = s.bands
    .filter((b) => b.kind === "band")
    .find((b) => b.detector === det && s.series.some((x) => x.region === region && x.band === b.name));
  const series = band ? (await data.series(region, band.name)).columns : null;
  const norm = normalisation(data, det);
  const info = band ? bandInfos(data).get(band.name) : undefined;
  // what the image is: the pipeline's normalised curves, or (a detector it left raw) each sweep ÷
  // the first, which ResultsData.heatmap does so that changes show rather than the curve's shape
  const shownAs =
    norm.kind === "none"
      ? `${det.toUpperCase()} not normalised by the run (run.json normalize: none); shown here as I ÷ the first sweep`
      : `I ${norm.says}`;
  return {
    id: `heatmap_${region}_${det}`,
    title: `${region}: ${det.toUpperCase()} through the experiment`,
    caption: `Mean ${det.toUpperCase()} curve of the ${region} region per sweep as ${label} (q × time; ${shownAs}), with the cell potential on the left${band ? ` and the ${info?.label ?? band.name} band on the right (shaded: ±1σ from the Poisson errors)` : ""}.`,
    svg: heatmap({
      width: 760,
      height: 420,
      x: h.q!,
      y: hours(h.time!, t0),
      values: h.shown!,
      encodePng: pngUri,
      title: `${region}, ${det.toUpperCase()} (${label})`,
      subtitle: `${shownAs}${info?.window ? `. Right: ${info.label} band (${norm.short === "a.u." ? "a.u." : norm.short}), ±1σ shaded` : ""}`,
      xLabel: radialTitle(data, det),
      yLabel: "time (h)",
      colorBarLabel: label,
      ...(ec && { left: { x: ec.ewe_v!, y: hours(ec.time!, t0), label: "E (V)" } }),
      ...(series &&
        band && {
          right: {
            x: series.value!,
            xErr: series.value_err!,
            y: hours(series.time!, t0),
            label: `${band.name} (${norm.short})`,
            markers: true,
          },
        }),
    }),
    csv: csvOf({
      time_h: hours(h.time!, t0),
      sod_pct: h.sod!,
      ...(series &&
        band && { [`band_${band.name}`]: series.value!, [`band_${band.name}_err`]: series.value_err! }),
    }),
  };
}

/** The scan point in the middle of the cathode (or of the grid). */
export function centralPixel(data: ResultsData, region = "cathode"): { row: number; col: number } {
  const s = data.summary();
  const cells = s.regions.flatMap((r, p) => (r === region ? [p] : []));
  const p = cells.length ? cells[cells.length >> 1]! : (s.grid.rows * s.grid.cols) >> 1;
  return { row: Math.floor(p / s.grid.cols), col: p % s.grid.cols };
}

/** One scan point's SAXS and WAXS through the experiment, with the voltage curve (Fig. 1c). */
export async function pixelFigures(data: ResultsData, at: { row: number; col: number }): Promise<Figure[]> {
  const s = data.summary();
  const out: Figure[] = [];
  const t0 = s.time.start;
  for (const d of s.detectors) {
    const px = await data.pixel(d.name, at.row, at.col);
    const c = px.columns;
    const nq = Number(px.meta.nq);
    const curves = Array.from({ length: Number(px.meta.visits) }, (_, k) =>
      c.I!.subarray(k * nq, (k + 1) * nq),
    );
    const isSaxs = d.name.toLowerCase().includes("saxs");
    out.push({
      id: `waterfall_${d.name}`,
      title: `${d.name.toUpperCase()} at row ${at.row}, column ${at.col}`,
      caption: `Reduced ${d.name.toUpperCase()} curves of one scan point (row ${at.row}, column ${at.col}, ${s.regions[at.row * s.grid.cols + at.col]}) at each visit, offset and coloured by time.`,
      svg: waterfall({
        width: 420,
        height: 520,
        x: c.q!,
        curves,
        times: hours(c.time!, t0),
        timeLabel: "time (h)",
        title: `${d.name.toUpperCase()}, row ${at.row} col ${at.col}`,
        subtitle: "reduced I (÷ exposure × monitor, empty cell subtracted), before any normalisation",
        xLabel: radialTitle(data, d.name),
        yLabel: `I (a.u.; each visit ${isSaxs ? "× a factor" : "+ an offset"})`,
        ...(isSaxs && { xScale: "log" as const, yScale: "log" as const }),
        ticks: isSaxs ? [] : tickSets(data, d.name),
      }),
      csv: csvOf({ time_h: hours(c.time!, t0), sod_pct: c.sod! }),
    });
  }
  if (s.hasEchem) {
    const e = (await data.echem()).columns;
    out.push({
      id: "voltage",
      title: "Potential vs capacity",
      caption: "Cell potential against specific capacity; discharge and charge drawn separately.",
      svg: voltageCapacity({
        width: 360,
        height: 520,
        capacity: e.capacity_mah_g!,
        voltage: e.ewe_v!,
        current: e.i_ma!,
        halfCycle: e.half_cycle!,
        title: "Potential vs specific capacity",
        xLabel: "capacity (mAh/g)",
      }),
      csv: csvOf({ time_h: hours(e.time!, t0), ewe_v: e.ewe_v!, capacity_mah_g: e.capacity_mah_g! }),
    });
  }
  return out;
}

const PHASE_COLORS = ["#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#8c564b", "#e377c2"];

function tickSets(data: ResultsData, det: string) {
  return data
    .reflections(det)
    .phases.slice(0, PHASE_COLORS.length)
    .map((p, i) => ({ label: p.phase, color: PHASE_COLORS[i]!, x: p.q }));
}

/**
 * dQ/dV of the cycler log against voltage, one curve per half-cycle (dqdv.csv): the plateaus as
 * peaks, discharge below the axis so the two directions stand apart.
 */
export async function dqdvFigure(data: ResultsData): Promise<Figure | null> {
  if (!data.summary().hasDqdv) return null;
  const c = (await data.dqdv()).columns;
  const perG = Array.from(c.dqdv_mah_g_v!).some(Number.isFinite);
  const y = perG ? c.dqdv_mah_g_v! : c.dqdv_mah_v!;
  const hc = c.half_cycle!;
  const halves = [...new Set(Array.from(hc))];
  let nd = 0;
  let nc = 0;
  const series = halves.map((h) => {
    const idx = [...hc.keys()].filter((i) => hc[i] === h);
    const dis = c.discharge![idx[0]!] === 1;
    const n = dis ? ++nd : ++nc;
    return {
      x: Float64Array.from(idx, (i) => c.voltage_v![i]!),
      y: Float64Array.from(idx, (i) => (dis ? -1 : 1) * y[i]!),
      label: `${dis ? "discharge" : "charge"} ${n}`,
      color: (dis ? ["#c9262b", "#e8787b", "#f2b2b4"] : ["#1f6fb4", "#6fa6d6", "#b0cfe9"])[
        Math.min(n - 1, 2)
      ]!,
    };
  });
  const units = perG ? "mAh/(g·V)" : "mAh/V";
  return {
    id: "dqdv",
    title: "dQ/dV",
    caption: `dQ/dV of each half-cycle (${units}): the charge passed in each voltage bin divided by its width (a histogram on a voltage grid, robust to noise; never across a turning point or a rest). Discharge drawn negative.`,
    svg: linePlot({
      width: 560,
      height: 340,
      series,
      title: "dQ/dV of the cycler log",
      subtitle: "per half-cycle; discharge drawn negative",
      xLabel: "Ewe (V)",
      yLabel: `dQ/dV (${units})`,
    }),
    csv: csvOf({
      time_h: hours(c.time!, data.summary().time.start),
      half_cycle: hc,
      voltage_v: c.voltage_v!,
      dqdv_mah_v: c.dqdv_mah_v!,
      dqdv_mah_g_v: c.dqdv_mah_g_v!,
    }),
  };
}

/** Crystallite size of each fitted phase through the experiment (Fig. 3b). */
export async function crystalliteFigure(data: ResultsData): Promise<Figure | null> {
  const s = data.summary();
  if (!s.peaks.length) return null;
  const t0 = s.time.start;
  const all: Record<string, Columns["columns"]> = {};
  for (const p of s.peaks) all[p] = (await data.crystallite(p)).columns;
  return {
    id: "crystallite",
    title: "Crystallite size",
    caption:
      "Scherrer crystallite size (L = 2πK/FWHM after removing the instrumental width) of each fitted phase per sweep, with 1σ errors; gaps where the phase is too weak to fit.",
    svg: linePlot({
      width: 560,
      height: 340,
      series: s.peaks.map((p, i) => ({
        x: hours(all[p]!.time!, t0),
        y: all[p]!.size_nm!,
        yErr: all[p]!.size_err_nm!,
        label: p,
        color: PHASE_COLORS[i % PHASE_COLORS.length]!,
        markers: true,
      })),
      title: "Crystallite size",
      subtitle: "Scherrer L = 2πK/FWHM, instrumental width removed; bars: 1σ (fit and peak-shape model)",
      xLabel: "time (h)",
      yLabel: "size (nm)",
    }),
    csv: csvOf(
      Object.fromEntries(
        s.peaks.flatMap((p) => [
          [`${p}_time_h`, hours(all[p]!.time!, t0)],
          [`${p}_size_nm`, all[p]!.size_nm!],
          [`${p}_size_err_nm`, all[p]!.size_err_nm!],
        ]),
      ),
    ),
  };
}

/**
 * Each reflection of each peak's phase on its own through the experiment (reflections/<peak>.csv):
 * its area relative to its largest, so a reflection that fades before the others (the paper's
 * In(110)) stands apart.
 */
export async function reflectionFigures(data: ResultsData): Promise<Figure[]> {
  const s = data.summary();
  const t0 = s.time.start;
  const out: Figure[] = [];
  for (const p of s.peaks) {
    let r: Columns;
    try {
      r = await data.trackedReflections(p);
    } catch {
      continue;
    }
    const hkl = r.meta.hkl as string[];
    if (hkl.length === 0) continue;
    const x = hours(r.columns.time!, t0);
    const rel = (name: string) => {
      const a = r.columns[`area_${name}`]!;
      const e = r.columns[`area_${name}_err`]!;
      const max = Math.max(...Array.from(a).filter(Number.isFinite), 0);
      return {
        y: Float64Array.from(a, (v) => (max > 0 ? v / max : Number.NaN)),
        err: Float64Array.from(e, (v) => (max > 0 ? v / max : Number.NaN)),
      };
    };
    const series = hkl.map((h, i) => {
      const { y, err } = rel(h);
      return {
        x,
        y,
        yErr: err,
        label: `(${h})`,
        color: PHASE_COLORS[i % PHASE_COLORS.length]!,
        markers: true,
      };
    });
    out.push({
      id: `reflections_${p}`,
      title: `${p}: each reflection`,
      caption: `The area of each ${p} reflection in its window per sweep, relative to its largest, with 1σ errors (all lines fitted together with free areas; centres and widths of each line fitted on its own are in reflections/${p}.csv). A reflection that fades or grows before the others shows here.`,
      svg: linePlot({
        width: 560,
        height: 340,
        series,
        title: `${p}: each reflection`,
        xLabel: "time (h)",
        yLabel: "area ÷ its largest",
      }),
      csv: csvOf({
        time_h: x,
        ...Object.fromEntries(
          hkl.flatMap((h) => [
            [`area_${h}_rel`, rel(h).y],
            [`area_${h}_rel_err`, rel(h).err],
          ]),
        ),
      }),
    });
  }
  return out;
}

/**
 * A region's SAXS through discharge and through charge, one panel each (Fig. 3d–e): the mean curve
 * per sweep, coloured by time.
 */
export async function saxsCyclingFigures(data: ResultsData, region = "cathode"): Promise<Figure[]> {
  const s = data.summary();
  const det = s.detectors.find((d) => d.name.toLowerCase().includes("saxs"));
  if (!det || !s.heatmaps.some((h) => h.region === region && h.detector === det.name)) return [];
  const h = (await data.heatmap(region, det.name)).columns;
  const nq = h.q!.length;
  const t0 = s.time.start;
  const norm = normalisation(data, det.name);
  const out: Figure[] = [];
  for (const [kind, sign] of [
    ["discharge", -1],
    ["charge", 1],
  ] as const) {
    const ks = Array.from(h.time!, (_, k) => k).filter((k) => Math.sign(h.current![k]!) === sign);
    if (ks.length < 2) continue;
    const curves = ks.map((k) => h.I!.subarray(k * nq, (k + 1) * nq));
    out.push({
      id: `saxs_${region}_${kind}`,
      title: `${region} SAXS during ${kind}`,
      caption: `Mean SAXS curve of the ${region} region per sweep during ${kind}, coloured by time; ${norm.says}.`,
      svg: waterfall({
        width: 420,
        height: 380,
        x: h.q!,
        curves,
        times: Float64Array.from(ks, (k) => (h.time![k]! - t0) / 3600),
        timeLabel: "time (h)",
        step: 1,
        title: `${region} SAXS, ${kind}`,
        subtitle: `I ${norm.says}`,
        xLabel: radialTitle(data, det.name),
        yLabel: norm.kind === "none" ? "I (a.u.)" : `I ${norm.short} (–)`,
        xScale: "log",
        yScale: "log",
      }),
      csv: csvOf({
        time_h: Float64Array.from(ks, (k) => (h.time![k]! - t0) / 3600),
        sod_pct: Float64Array.from(ks, (k) => h.sod![k]!),
      }),
    });
  }
  return out;
}
