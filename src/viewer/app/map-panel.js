/**
 * The Map panel: the scan grid coloured by a band interpolated at the selected time, by one of
 * the pipeline's maps at an SOD, or by region; click a scan point to select it.
 */
import { CATEGORICAL, gridMap, quantileDomain, symmetricDomain } from "../../plot/index.js";
import { col, getColumns, url } from "./api.js";
import { innerWidth, select } from "./dom.js";
import { figure } from "./figure.js";
import { groupByPixel, mapAt } from "./interp.js";
import { axisTime, recordRender } from "./state.js";

/** @typedef {import("./state.js").AppState} AppState */
/** @typedef {import("./interp.js").PixelSeries} PixelSeries */

/**
 * @param {AppState} st
 * @param {HTMLElement} controls
 * @param {HTMLElement} figs
 * @param {(row: number, col: number) => void} onPick
 */
export function mapPanel(st, controls, figs, onPick) {
  const s = st.summary;
  const nPix = s.grid.rows * s.grid.cols;
  const options = [
    ...s.bands.map((b) => ({
      value: `band:${b.name}`,
      text:
        b.kind === "size"
          ? `${b.name} (nm, ${b.detector}) at slider time`
          : `${b.name} band (${b.detector}) at slider time`,
    })),
    ...s.maps.flatMap((m) => [
      { value: `map:${m.band}:${m.sod}`, text: `${m.band} band at SOD ${m.sod} % (pipeline)` },
      { value: `map:${m.band}:${m.sod}:err`, text: `σ of ${m.band} band at SOD ${m.sod} % (pipeline)` },
    ]),
    // maps at the named states of maps.at and differences between two (index into s.stateMaps)
    ...s.stateMaps.flatMap((m, k) => [
      { value: `state:${k}`, text: `${m.band} band${m.difference ? ", " : " at "}${m.about} (pipeline)` },
      {
        value: `state:${k}:err`,
        text: `σ of ${m.band} band${m.difference ? ", " : " at "}${m.about} (pipeline)`,
      },
    ]),
    { value: "region", text: "region" },
  ];
  let source = options[0]?.value ?? "region";
  /** @param {string} name */
  const label = (name) =>
    s.bands.find((b) => b.name === name)?.kind === "size" ? `${name} (nm)` : `${name} band`;
  select(
    controls,
    "colour by",
    options,
    source,
    (v) => {
      source = v;
      update(performance.now()).catch(report);
    },
    "map-source",
  );
  const fig = figure(figs, "map");
  /** @type {Map<string, Promise<{ series: PixelSeries, domain: [number, number] }>>} */
  const bands = new Map();
  const values = new Float32Array(nPix);

  /** @param {string} band */
  function bandSeries(band) {
    let p = bands.get(band);
    if (!p) {
      p = getColumns(url("band", { band })).then((c) => {
        const value = col(c, "value");
        // one colour scale for the whole experiment, so moving the slider shows change
        return {
          series: groupByPixel(col(c, "time"), col(c, "pixel"), value, nPix),
          domain: quantileDomain(value, 0.01, 0.99),
        };
      });
      bands.set(band, p);
    }
    return p;
  }

  /** @param {number} t0 when the interaction started (performance.now) */
  async function update(t0) {
    const width = Math.min(innerWidth(figs), 460);
    const height = Math.max(360, Math.min(640, 26 * s.grid.rows + 90));
    const base = {
      width,
      height,
      rows: s.grid.rows,
      cols: s.grid.cols,
      xMm: s.grid.xMm,
      yMm: s.grid.yMm,
      regions: s.regions,
      selected: st.pixel,
    };
    /** @type {import("../../plot/index.js").GridMapSpec} */
    let spec;
    if (source === "region") {
      const idx = Float32Array.from(s.regions, (r) => s.regionNames.indexOf(r));
      spec = {
        ...base,
        values: idx,
        title: "regions",
        categories: { names: s.regionNames, colors: CATEGORICAL },
      };
    } else if (source.startsWith("map:")) {
      const [, band, sod, err] = source.split(":");
      const c = await getColumns(url("map", { band: band ?? "", sod: sod ?? "" }));
      const opaque = Array.from(col(c, "opaque")).filter((x) => x === 1).length;
      // grey cells: no value; opaque points (transmission < 1 %) are flagged rather than shown
      const note = opaque ? ` (${opaque} opaque)` : "";
      spec = err
        ? {
            ...base,
            values: col(c, "value_err"),
            title: `σ of ${band} band at SOD ${sod} %${note}`,
            colorBarLabel: `σ of ${band} band`,
          }
        : {
            ...base,
            values: col(c, "value"),
            title: `${band} band at SOD ${sod} %${note}`,
            colorBarLabel: `${band} band`,
          };
    } else if (source.startsWith("state:")) {
      const [, k, err] = source.split(":");
      const m = /** @type {import("../../results/types.js").StateMapInfo} */ (s.stateMaps[Number(k)]);
      const c = await getColumns(url("map", { band: m.band, state: m.state }));
      const opaque = Array.from(col(c, "opaque")).filter((x) => x === 1).length;
      const note = opaque ? ` (${opaque} opaque)` : "";
      const what = `${m.band} band${m.difference ? ", " : " at "}${m.about}`;
      const v = col(c, "value");
      spec = err
        ? {
            ...base,
            values: col(c, "value_err"),
            title: `σ of ${what}${note}`,
            colorBarLabel: `σ of ${m.band} band`,
          }
        : m.difference
          ? // a difference on a diverging scale centred on 0: red grew, blue fell, white unchanged
            {
              ...base,
              values: v,
              domain: symmetricDomain(v),
              cmap: "rdbu",
              title: `${what}${note}`,
              colorBarLabel: `Δ ${m.band} band`,
            }
          : { ...base, values: v, title: `${what}${note}`, colorBarLabel: `${m.band} band` };
    } else {
      const band = source.slice(5);
      const { series, domain } = await bandSeries(band);
      mapAt(series, st.t, values);
      const at = axisTime(st, st.t);
      spec = {
        ...base,
        values,
        domain,
        title: `${label(band)} at ${at.toFixed(2)} ${st.unit.label.replace(/time \((.*)\)/, "$1")}`,
        colorBarLabel: label(band),
      };
    }
    fig.show(gridMap(spec));
    recordRender("map", performance.now() - t0);
  }

  fig.plot.addEventListener("click", (ev) => {
    const cell = /** @type {Element} */ (ev.target).closest("[data-row]");
    if (!cell) return;
    onPick(Number(cell.getAttribute("data-row")), Number(cell.getAttribute("data-col")));
  });

  /** @param {unknown} e */
  function report(e) {
    console.error(e);
  }

  return { update };
}
