/**
 * The Region panel: a region's normalised curves as a q × time heatmap with the potential beside
 * it and the integrated band on the right (paper Fig. 2a), the crystallite size through the
 * experiment (Fig. 3b), each reflection of the peak's phase on its own (reflections-figure.js),
 * the region's SAXS curves during discharge and during charge (Fig. 3d–e), and dQ/dV of the cycler
 * log on the crystallite sizes' time axis. Reflection ticks of the cell's phases mark the WAXS heatmap.
 */
import { categorical, heatmap, linePlot, waterfall } from "../../plot/index.js";
import { col, getColumns, getJson, url } from "./api.js";
import { innerWidth, select } from "./dom.js";
import { encodePng, toCsv } from "./export.js";
import { figure } from "./figure.js";
import { isSmallAngle } from "./pixel-panel.js";
import { reflectionsFigure } from "./reflections-figure.js";
import { axisTime, axisTimes, recordRender } from "./state.js";

/** @typedef {import("./state.js").AppState} AppState */
/** @typedef {import("./wire.js").Columns} Columns */

/**
 * @param {AppState} st
 * @param {HTMLElement} controls
 * @param {HTMLElement} figs
 */
export function regionPanel(st, controls, figs) {
  const s = st.summary;
  const regions = [...new Set(s.heatmaps.map((h) => h.region))];
  let region = regions.includes("cathode") ? "cathode" : (regions[0] ?? "");
  const dets = s.detectors.filter((d) => s.heatmaps.some((h) => h.detector === d.name));
  const wide = [...dets].sort((a, b) => b.qMax - a.qMax)[0];
  let det = wide?.name ?? "";
  const saxs = dets.find(isSmallAngle);
  const bands = s.bands.filter((b) => b.kind === "band");
  const bandFor = () => bands.find((b) => b.detector === det)?.name ?? bands[0]?.name ?? "";
  let band = bandFor();
  let peak = s.peaks[0] ?? "";

  const redraw = () => update(performance.now()).catch((e) => console.error(e));
  select(
    controls,
    "region",
    regions.map((r) => ({ value: r, text: r })),
    region,
    (v) => {
      region = v;
      redraw();
    },
    "region-select",
  );
  select(
    controls,
    "heatmap detector",
    dets.map((d) => ({ value: d.name, text: d.name })),
    det,
    (v) => {
      det = v;
      band = bandFor();
      bandSel.value = band;
      redraw();
    },
  );
  const bandSel = select(
    controls,
    "band",
    bands.map((b) => ({ value: b.name, text: b.name })),
    band,
    (v) => {
      band = v;
      redraw();
    },
  );
  if (s.peaks.length)
    select(
      controls,
      "peak",
      s.peaks.map((p) => ({ value: p, text: p })),
      peak,
      (v) => {
        peak = v;
        redraw();
      },
    );

  const heatFig = figure(figs, "region-heatmap");
  const sizeFig = s.peaks.length ? figure(figs, "crystallite") : null;
  const dqdvFig = s.hasDqdv ? figure(figs, "dqdv") : null;
  /** @type {Promise<Columns> | null} */
  let dqdvCols = null;
  const reflFig = reflectionsFigure(st, controls, figs);
  const dischargeFig = saxs ? figure(figs, "saxs-discharge") : null;
  const chargeFig = saxs ? figure(figs, "saxs-charge") : null;
  // the extra measurements (config extra:) over the region's first SAXS sweep (Fig. 3c)
  const extraFig = saxs ? figure(figs, "saxs-extras") : null;
  /** @type {Promise<{name: string, detector: string}[]> | null} */
  let extraList = null;

  /** @param {number} t0 */
  async function update(t0) {
    const W = innerWidth(figs);
    const [hm, series, sizes, sx] = await Promise.all([
      getColumns(url("heatmap", { region, det })),
      s.series.some((x) => x.region === region && x.band === band)
        ? getColumns(url("series", { region, band }))
        : null,
      peak ? getColumns(url("crystallite", { peak })) : null,
      saxs && s.heatmaps.some((h) => h.region === region && h.detector === saxs.name)
        ? getColumns(url("heatmap", { region, det: saxs.name }))
        : null,
    ]);
    drawHeatmap(hm, series, sizeFig ? Math.floor(W * 0.62) : W);
    if (sizeFig && sizes) drawSizes(sizes, W - Math.floor(W * 0.62) - 10);
    if (dqdvFig) {
      dqdvCols ??= getColumns(url("dqdv", {}));
      drawDqdv(await dqdvCols, W);
    }
    await reflFig?.update(peak, W);
    if (dischargeFig && chargeFig && saxs) drawSaxs(sx, saxs, Math.floor((W - 10) / 2));
    if (extraFig && saxs) {
      extraList ??= getJson("/api/extras");
      const mine = (await extraList).filter((x) => x.detector === saxs.name);
      const extras = await Promise.all(
        mine.map((x) => getColumns(url("extra", { name: x.name, det: x.detector }))),
      );
      drawExtras(sx, extras, saxs, W);
    }
    recordRender("region", performance.now() - t0);
  }

  /**
   * @param {Columns} hm
   * @param {Columns | null} series
   * @param {number} width
   */
  function drawHeatmap(hm, series, width) {
    const time = col(hm, "time");
    const q = col(hm, "q");
    const info = s.detectors.find((d) => d.name === det);
    const e = st.echem;
    /** @type {import("../../plot/index.js").SidePanel | undefined} */
    let left;
    if (e && time.length) {
      // the potential over the heatmap's time span only (the log may run longer)
      const lo = time[0] ?? 0;
      const hi = time[time.length - 1] ?? 0;
      const pad = (hi - lo) * 0.02;
      const keep = [];
      for (let i = 0; i < e.time.length; i++) {
        const t = e.time[i] ?? 0;
        if (t >= lo - pad && t <= hi + pad) keep.push(i);
      }
      left = {
        x: keep.map((i) => e.ewe[i] ?? Number.NaN),
        y: keep.map((i) => axisTime(st, e.time[i] ?? 0)),
        label: "Ewe (V)",
      };
    }
    const phases = info && !isSmallAngle(info) ? (st.reflections[det] ?? []) : [];
    heatFig.show(
      heatmap({
        width,
        height: 420,
        x: q,
        y: axisTimes(st, time),
        values: col(hm, "shown"),
        encodePng,
        title: `${region}: ${det.toUpperCase()} (${String(hm.meta.label ?? "I")}) through the experiment`,
        xLabel: `q (${info?.qUnits ?? ""})`,
        yLabel: st.unit.label,
        colorBarLabel: String(hm.meta.label ?? "I"),
        left,
        right: series
          ? {
              x: col(series, "value"),
              xErr: col(series, "value_err"),
              y: axisTimes(st, col(series, "time")),
              label: `${band} band (±1σ)`,
              markers: true,
              color: "#c9262b",
            }
          : undefined,
        ticks: phases.map((p, i) => ({ label: p.phase, color: categorical(i + 3), x: p.q })),
        cursorY: axisTime(st, st.t),
      }),
    );
    const nq = q.length;
    heatFig.setCsv(() =>
      toCsv(
        ["time_unix_s", "sod_pct", ...Array.from(q, String)],
        [
          time,
          col(hm, "sod"),
          ...Array.from(q, (_, j) =>
            Float32Array.from(time, (_, i) => col(hm, "I")[i * nq + j] ?? Number.NaN),
          ),
        ],
      ),
    );
  }

  /**
   * @param {Columns} c
   * @param {number} width
   */
  function drawSizes(c, width) {
    if (!sizeFig) return;
    const t = axisTimes(st, col(c, "time"));
    sizeFig.show(
      linePlot({
        width,
        height: 420,
        series: [
          { x: t, y: col(c, "size_nm"), yErr: col(c, "size_err_nm"), markers: true, color: "#1f6fb4" },
        ],
        title: `${peak} crystallite size`,
        xLabel: st.unit.label,
        yLabel: "size (nm)",
      }),
    );
    sizeFig.setCsv(() =>
      toCsv(
        ["time_unix_s", "sod_pct", "size_nm", "size_err_nm"],
        [col(c, "time"), col(c, "sod"), col(c, "size_nm"), col(c, "size_err_nm")],
      ),
    );
  }

  /**
   * dQ/dV of each half-cycle at its bins' times, on the X-ray time axis (the crystallite sizes'
   * axis): its peaks mark when each plateau ran. Per gram where the run knew the mass.
   * @param {Columns} c
   * @param {number} width
   */
  function drawDqdv(c, width) {
    if (!dqdvFig) return;
    const perG = col(c, "dqdv_mah_g_v");
    const g = Array.from(perG).some(Number.isFinite);
    const y = g ? perG : col(c, "dqdv_mah_v");
    const hc = col(c, "half_cycle");
    const dis = col(c, "discharge");
    const t = axisTimes(st, col(c, "time"));
    // one series per direction, broken (NaN) between half-cycles
    const series = [1, 0].map((d) => {
      /** @type {number[]} */ const xs = [];
      /** @type {number[]} */ const ys = [];
      for (let i = 0; i < y.length; i++) {
        if (dis[i] !== d) continue;
        if (xs.length && hc[i] !== hc[i - 1]) {
          xs.push(Number.NaN);
          ys.push(Number.NaN);
        }
        xs.push(t[i] ?? Number.NaN);
        ys.push(y[i] ?? Number.NaN);
      }
      return { x: xs, y: ys, label: d ? "discharge" : "charge", color: d ? "#c9262b" : "#1f6fb4" };
    });
    dqdvFig.show(
      linePlot({
        width,
        height: 220,
        series,
        title: "dQ/dV of the cycler log",
        xLabel: st.unit.label,
        yLabel: g ? "dQ/dV (mAh/(g·V))" : "dQ/dV (mAh/V)",
      }),
    );
    dqdvFig.setCsv(() =>
      toCsv(
        ["time_unix_s", "half_cycle", "voltage_v", "dqdv_mah_v", "dqdv_mah_g_v"],
        [col(c, "time"), hc, col(c, "voltage_v"), col(c, "dqdv_mah_v"), perG],
      ),
    );
  }

  /**
   * SAXS mean curves of the region in the sweeps measured while discharging, and while charging,
   * overlaid (no offset) and coloured by SOD / SOC.
   * @param {Columns | null} c
   * @param {import("../api.js").DetectorInfo} d
   * @param {number} width
   */
  function drawSaxs(c, d, width) {
    if (!dischargeFig || !chargeFig) return;
    for (const [fig, charge] of /** @type {const} */ ([
      [dischargeFig, false],
      [chargeFig, true],
    ])) {
      const what = charge ? "charge" : "discharge";
      if (!c) {
        fig.show(linePlot({ width, height: 340, series: [], title: `no ${d.name} curves for ${region}` }));
        continue;
      }
      const q = col(c, "q");
      const I = col(c, "I");
      const cur = col(c, "current");
      const sod = col(c, "sod");
      const nq = q.length;
      /** @type {number[]} */
      const rows = [];
      for (let i = 0; i < cur.length; i++) if (charge ? (cur[i] ?? 0) > 0 : (cur[i] ?? 0) < 0) rows.push(i);
      const curves = rows.map((i) => I.subarray(i * nq, (i + 1) * nq));
      fig.show(
        waterfall({
          width,
          height: 340,
          x: q,
          curves,
          times: rows.map((i) => sod[i] ?? Number.NaN),
          step: 1,
          timeLabel: charge ? "SOC (%)" : "SOD (%)",
          title: `${region}: ${d.name.toUpperCase()} during ${what} (${rows.length} sweeps)`,
          xLabel: `q (${d.qUnits})`,
          yLabel: "I",
          xScale: "log",
          yScale: "log",
        }),
      );
      fig.setCsv(() => toCsv(["q", ...rows.map((i) => `I@SOD${(sod[i] ?? 0).toFixed(1)}`)], [q, ...curves]));
    }
  }

  /**
   * The region's first sweep against each extra measurement (dashed), log–log (the paper's Fig. 3c).
   * @param {Columns | null} c the region's SAXS heatmap columns
   * @param {Columns[]} extras
   * @param {import("../api.js").DetectorInfo} d
   * @param {number} width
   */
  function drawExtras(c, extras, d, width) {
    if (!extraFig) return;
    if (extras.length === 0) {
      extraFig.show(
        linePlot({ width, height: 320, series: [], title: "no extra measurements (config extra:)" }),
      );
      return;
    }
    const series = [];
    if (c) {
      const q = col(c, "q");
      series.push({
        x: q,
        y: col(c, "I").subarray(0, q.length),
        label: `${region}, first sweep`,
        color: "#1b9e77",
        width: 1.5,
      });
    }
    for (const [k, e] of extras.entries())
      series.push({
        x: col(e, "radial"),
        y: col(e, "intensity"),
        label: String(e.meta.name).replaceAll("_", " "),
        color: categorical(k + 1),
        width: 2,
        dash: "6 3",
      });
    extraFig.show(
      linePlot({
        width,
        height: 320,
        series,
        title: `${region}: ${d.name.toUpperCase()} against the extra measurements (Fig. 3c)`,
        subtitle: "dashed: extra measurements (no empty-cell subtraction)",
        xLabel: `q (${d.qUnits})`,
        yLabel: "I",
        xScale: "log",
        yScale: "log",
      }),
    );
    extraFig.setCsv(() =>
      toCsv(
        extras.flatMap((e) => [`${e.meta.name}_q`, `${e.meta.name}_I`]),
        extras.flatMap((e) => [col(e, "radial"), col(e, "intensity")]),
      ),
    );
  }

  return { update };
}
