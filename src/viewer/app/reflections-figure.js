/**
 * The Region panel's per-reflection figure (reflections/<peak>.csv, the paper's "(110) goes
 * first"): each reflection of the selected peak's phase on its own through the experiment — its
 * area relative to its largest, its centre or its FWHM — or the phase's lattice parameter, with 1σ
 * error bars and gaps where a reflection was not detected. Only results with reflections for the
 * peak show it.
 */
import { categorical, linePlot } from "../../plot/index.js";
import { col, getColumns, url } from "./api.js";
import { select } from "./dom.js";
import { toCsv } from "./export.js";
import { figure } from "./figure.js";
import { axisTimes, recordRender } from "./state.js";

/** @typedef {import("./state.js").AppState} AppState */
/** @typedef {import("./wire.js").Columns} Columns */
/** @typedef {"area" | "center_q" | "fwhm_q" | "a_nm"} Quantity */

/** @type {{ value: Quantity, text: string, yLabel: string }[]} */
export const QUANTITIES = [
  { value: "area", text: "area (relative to its largest)", yLabel: "area / its largest" },
  { value: "center_q", text: "centre q", yLabel: "centre q (1/nm)" },
  { value: "fwhm_q", text: "FWHM", yLabel: "FWHM (1/nm)" },
  { value: "a_nm", text: "lattice parameter a (nm)", yLabel: "a (nm)" },
];

/**
 * What to draw of one quantity: a series per reflection (one for the lattice parameter), with the
 * CSV columns of exactly what is drawn.
 * @param {Columns} c /api/tracked columns
 * @param {Quantity} what
 */
export function reflectionSeries(c, what) {
  if (what === "a_nm") return [{ label: "a", name: "a_nm", y: col(c, "a_nm"), err: col(c, "a_nm_err") }];
  const hkl = /** @type {string[]} */ (c.meta.hkl ?? []);
  return hkl.map((h) => {
    const y = col(c, `${what}_${h}`);
    const err = col(c, `${what}_${h}_err`);
    if (what !== "area") return { label: `(${h})`, name: `${what}_${h}`, y, err };
    // relative to its own largest area, so that one fading before the others stands apart
    let max = 0;
    for (const v of y) if (v > max) max = v;
    const rel = /** @param {number} v */ (v) => (max > 0 ? v / max : Number.NaN);
    return {
      label: `(${h})`,
      name: `area_${h}_rel`,
      y: Float64Array.from(y, rel),
      err: Float64Array.from(err, rel),
    };
  });
}

/**
 * The quantity selector (in `controls`) and the figure (in `figs`); null when no peak has
 * reflections.
 * @param {AppState} st
 * @param {HTMLElement} controls
 * @param {HTMLElement} figs
 */
export function reflectionsFigure(st, controls, figs) {
  const tracked = st.summary.tracked;
  if (tracked.length === 0) return null;
  /** @type {Quantity} */
  let what = "area";
  let peak = "";
  let width = 0;
  const sel = select(
    controls,
    "reflections",
    QUANTITIES,
    what,
    (v) => {
      what = /** @type {Quantity} */ (v);
      const t0 = performance.now();
      draw()
        .then(() => recordRender("region", performance.now() - t0))
        .catch((e) => console.error(e));
    },
    "reflections-quantity",
  );
  const label = /** @type {HTMLElement} */ (sel.parentElement);
  const fig = figure(figs, "reflections");

  async function draw() {
    const shown = tracked.includes(peak);
    label.hidden = !shown;
    fig.root.hidden = !shown;
    if (!shown) {
      fig.setCsv(null);
      return;
    }
    const c = await getColumns(url("tracked", { peak }));
    const q = QUANTITIES.find((x) => x.value === what) ?? QUANTITIES[0];
    const series = reflectionSeries(c, what);
    const x = axisTimes(st, col(c, "time"));
    const hkl = /** @type {string[]} */ (c.meta.hkl ?? []);
    fig.show(
      linePlot({
        width,
        height: 320,
        series: series.map((s, i) => ({
          x,
          y: s.y,
          yErr: s.err,
          label: s.label,
          color: categorical(i),
          markers: true,
        })),
        title:
          what === "a_nm"
            ? `${peak}: lattice parameter a (±1σ)`
            : hkl.length
              ? `${peak}: each reflection, ${q?.text} (±1σ)`
              : `${peak}: no reflections tracked`,
        xLabel: st.unit.label,
        yLabel: q?.yLabel,
      }),
    );
    fig.setCsv(() =>
      toCsv(
        ["time_unix_s", "sod_pct", ...series.flatMap((s) => [s.name, `${s.name}_err`])],
        [col(c, "time"), col(c, "sod"), ...series.flatMap((s) => [s.y, s.err])],
      ),
    );
  }

  return {
    /**
     * Draw for the panel's peak at this width.
     * @param {string} p
     * @param {number} w
     */
    update(p, w) {
      peak = p;
      width = w;
      return draw();
    },
  };
}
