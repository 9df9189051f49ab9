/**
 * The viewer app: loads the summary, builds the three panels and links them. The slider sets the
 * selected time (directly, or as SOD/SOC along one half-cycle); a click on the map selects a scan
 * point. Map and pixel figures follow the slider while it moves, the region heatmap when it stops.
 */
import { clearCache, getColumns, getJson } from "./api.js";
import { echemFrom, stateAt, timeAtSod } from "./cycler.js";
import { byId, status } from "./dom.js";
import { listenLive } from "./live.js";
import { mapPanel } from "./map-panel.js";
import { pixelPanel } from "./pixel-panel.js";
import { regionPanel } from "./region-panel.js";
import { axisTime, timeUnit } from "./state.js";

/** @typedef {import("../api.js").Summary} Summary */
/** @typedef {import("../api.js").Reflections} Reflections */
/** @typedef {import("./state.js").AppState} AppState */

const SLIDER_STEPS = 1000;

/**
 * Says above the panels which region boundaries the run found uncertain (run.json `regions`), since
 * every region-resolved figure depends on them; hidden when all are clear.
 * @param {Summary} summary
 */
function regionWarning(summary) {
  const doubtful = (summary.regionCheck?.boundaries ?? []).filter((b) => b.uncertain);
  const el = byId("region-warning");
  if (doubtful.length === 0) return;
  el.textContent = `Uncertain region boundar${doubtful.length > 1 ? "ies" : "y"}: ${doubtful
    .map(
      (b) => `${b.below}/${b.above} between rows ${b.rows[0]} and ${b.rows[1]} (${b.why ?? "small margin"})`,
    )
    .join(
      "; ",
    )}. Region-resolved figures depend on ${doubtful.length > 1 ? "them" : "it"}; check with swaxs regions.`;
  el.hidden = false;
}

/**
 * Says above the panels where a peak's tied and free areas gave sizes that differ beyond their
 * errors (run.json `peak_fits`): the crystallite sizes then rest on the model chosen.
 * @param {Summary} summary
 */
function fitWarning(summary) {
  const fits = Object.entries(summary.peakFits ?? {}).filter(([, f]) => f.disagree > 0);
  if (fits.length === 0) return;
  const el = byId("fit-warning");
  el.textContent = fits
    .map(
      ([name, f]) =>
        `${name}: the tied and the free areas give sizes that differ beyond their errors in ${f.disagree} sweep${f.disagree > 1 ? "s" : ""} (the ${f.free > f.ratio ? "free" : "tied"} ones were kept); see the reflections figure.`,
    )
    .join(" ");
  el.hidden = false;
}

async function main() {
  status("loading…");
  /** @type {Summary} */
  const summary = await getJson("/api/summary");
  const echem = summary.hasEchem ? echemFrom(await getColumns("/api/echem")) : null;
  /** @type {Record<string, import("../api.js").PhaseReflections[]>} */
  const reflections = {};
  await Promise.all(
    summary.detectors.map(async (d) => {
      reflections[d.name] = /** @type {Reflections} */ (
        await getJson(`/api/reflections?det=${encodeURIComponent(d.name)}`)
      ).phases;
    }),
  );
  // start on the first cathode point: that is where the chemistry happens
  const p0 = Math.max(0, summary.regions.indexOf("cathode"));
  /** @type {AppState} */
  const st = {
    summary,
    echem,
    t: summary.time.start,
    pixel: { row: Math.floor(p0 / summary.grid.cols), col: p0 % summary.grid.cols },
    reflections,
    unit: timeUnit(summary),
  };

  regionWarning(summary);
  fitWarning(summary);
  const slider = /** @type {HTMLInputElement} */ (byId("time-slider"));
  slider.max = String(SLIDER_STEPS);
  const modeSel = /** @type {HTMLSelectElement} */ (byId("slider-mode"));
  const modes = [
    { value: "time", text: "time" },
    ...(echem?.runs ?? []).map((r, k) => ({ value: `run:${k}`, text: r.label })),
  ];
  for (const m of modes) modeSel.append(new Option(m.text, m.value));

  const map = mapPanel(st, byId("map-controls"), byId("map-figs"), (row, c) => {
    st.pixel = { row, col: c };
    const t0 = performance.now();
    Promise.all([map.update(t0), pixel.updatePixel(t0)]).catch(fail);
  });
  const pixel = pixelPanel(st, byId("pixel-figs"));
  const region = regionPanel(st, byId("region-controls"), byId("region-figs"));

  /** Slider position → selected time. */
  function sliderTime() {
    const f = Number(slider.value) / SLIDER_STEPS;
    const m = modeSel.value;
    if (m.startsWith("run:") && echem) {
      const t = timeAtSod(echem, Number(m.slice(4)), f * 100);
      if (Number.isFinite(t)) return t;
    }
    return summary.time.start + f * (summary.time.end - summary.time.start);
  }

  function label() {
    const at = axisTime(st, st.t);
    let s = `${new Date(st.t * 1000).toISOString().slice(0, 19)}Z  ${at.toFixed(2)} ${st.unit.label.replace(/time \((.*)\)/, "$1")}`;
    if (echem) {
      const e = stateAt(echem, st.t);
      s += `  ${e.ewe.toFixed(3)} V  ${e.charge ? "SOC" : "SOD"} ${e.sodc.toFixed(1)} %`;
    }
    byId("time-label").textContent = s;
  }

  slider.addEventListener("input", () => {
    const t0 = performance.now();
    st.t = sliderTime();
    label();
    pixel.updateTime();
    map.update(t0).catch(fail);
  });
  slider.addEventListener("change", () => {
    region.update(performance.now()).catch(fail);
  });
  modeSel.addEventListener("change", () => {
    slider.value = "0";
    slider.dispatchEvent(new Event("input"));
    slider.dispatchEvent(new Event("change"));
  });

  label();
  const t0 = performance.now();
  await Promise.all([map.update(t0), pixel.updatePixel(t0), region.update(t0)]);
  document.body.dataset.ready = "true";
  status("");

  // a live run: when the results change, re-read the summary (and cycler) and redraw every panel
  listenLive(async (ev) => {
    clearCache();
    Object.assign(summary, await getJson("/api/summary"));
    if (echem && summary.hasEchem) Object.assign(echem, echemFrom(await getColumns("/api/echem")));
    const t = performance.now();
    await Promise.all([map.update(t), pixel.updatePixel(t), region.update(t)]);
    document.body.dataset.liveSeq = String(ev.seq);
  });
}

/** @param {unknown} e */
function fail(e) {
  console.error(e);
  status(String(e instanceof Error ? e.message : e), true);
}

main().catch(fail);
