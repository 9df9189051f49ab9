/**
 * Interaction times of `swaxs view` in headless Chromium on the demo result:
 *   npm run bench:viewer [-- --results DIR] [--preset demo] [--rounds 20] [--screenshot FILE]
 * Without --results the demo preset is simulated and run first (about half a minute).
 * Three interactions, each timed in the page (performance.now from the event to the redrawn
 * figure in the DOM, as the app records it) and end to end from here (playwright: dispatch the
 * event, wait until the page reports the redraw, polled once per animation frame, so it includes
 * the frame that paints it):
 *   pixel   click a scan point → SAXS and WAXS waterfalls and voltage curve redrawn (new curves fetched)
 *   slider  move the time slider → map re-interpolated and redrawn (plus the red curve and cursor)
 *   region  choose another region → heatmap, crystallite and SAXS figures redrawn
 * Prints one JSON object with median and p95 in ms.
 */
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Page } from "playwright-core";
import { runExperiment } from "../src/pipeline/run.js";
import { PRESETS, type PresetName, simulate } from "../src/simulate/index.js";
import { startViewer } from "../src/viewer/index.js";
import { launchChromium } from "../test/support/browser.js";
import { arg } from "./args.js";

const rounds = Number(arg("--rounds") ?? 20);
const screenshot = arg("--screenshot") ?? "test-artifacts/viewer-demo.png";

let results = arg("--results");
const preset = (arg("--preset") ?? "demo") as PresetName;
if (!results) {
  const dir = join(mkdtempSync(join(tmpdir(), "swaxs-bench-view-")), preset);
  await simulate(PRESETS[preset], dir, { seed: 1 });
  await runExperiment(join(dir, "experiment.yaml"));
  results = join(dir, "results");
}

type Kind = "pixel" | "map" | "region";

function stats(xs: number[]) {
  const s = [...xs].sort((a, b) => a - b);
  const at = (p: number) => s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)] ?? Number.NaN;
  const r = (v: number) => Math.round(v * 10) / 10;
  return {
    n: s.length,
    median_ms: r(at(0.5)),
    p95_ms: r(at(0.95)),
    max_ms: r(s[s.length - 1] ?? Number.NaN),
  };
}

async function count(page: Page, kind: Kind): Promise<number> {
  return page.evaluate(
    (k) => (window as unknown as { __viewer: { renders: Record<string, number> } }).__viewer.renders[k] ?? 0,
    kind,
  );
}

async function lastInPage(page: Page, kind: Kind): Promise<number> {
  return page.evaluate((k) => {
    const ms = (window as unknown as { __viewer: { ms: Record<string, number[]> } }).__viewer.ms[k] ?? [];
    return ms[ms.length - 1] ?? Number.NaN;
  }, kind);
}

/** Run `act`, wait until the page reports one more redraw of `kind`; returns [in-page, end-to-end] ms. */
async function timed(page: Page, kind: Kind, act: () => Promise<void>): Promise<[number, number]> {
  const n = await count(page, kind);
  const t0 = performance.now();
  await act();
  await page.waitForFunction(
    ([k, c]) =>
      ((window as unknown as { __viewer: { renders: Record<string, number> } }).__viewer.renders[
        k as string
      ] ?? 0) > Number(c),
    [kind, n] as const,
    { polling: "raf" },
  );
  const e2e = performance.now() - t0;
  return [await lastInPage(page, kind), e2e];
}

const viewer = await startViewer(results);
const browser = await launchChromium();
const page = await browser.newPage({ viewport: { width: 1500, height: 1000 } });
const t0 = performance.now();
await page.goto(viewer.url);
await page.waitForSelector("body[data-ready=true]", { timeout: 60_000 });
const loadMs = performance.now() - t0;

const summary = await page.evaluate(() => fetch("/api/summary").then((r) => r.json()));
const { rows, cols } = summary.grid as { rows: number; cols: number };
const regions = [...new Set((summary.heatmaps as { region: string }[]).map((h) => h.region))];

const res: Record<string, { inPage: number[]; e2e: number[] }> = {
  pixel: { inPage: [], e2e: [] },
  slider: { inPage: [], e2e: [] },
  region: { inPage: [], e2e: [] },
};
for (let i = 0; i < rounds; i++) {
  // a different scan point every time (first visits fetch their curves from the server)
  const p = (i * 7 + 3) % (rows * cols);
  // a dispatched click: playwright's page.click first waits two frames for the target to be
  // "stable", which would add ~35 ms of test harness to every measurement
  const [a, b] = await timed(page, "pixel", () =>
    page.$eval(`#fig-map rect.cell[data-row="${Math.floor(p / cols)}"][data-col="${p % cols}"]`, (c) => {
      c.dispatchEvent(new MouseEvent("click", { bubbles: true }));
    }),
  );
  res.pixel!.inPage.push(a);
  res.pixel!.e2e.push(b);
  const v = String(Math.round(((i * 337) % 1000) + 1));
  const [c, d] = await timed(page, "map", () =>
    page.$eval(
      "#time-slider",
      (s, value) => {
        const input = s as HTMLInputElement;
        input.value = value;
        input.dispatchEvent(new Event("input"));
      },
      v,
    ),
  );
  res.slider!.inPage.push(c);
  res.slider!.e2e.push(d);
  const region = regions[(i + 1) % regions.length] ?? "";
  const [e, f] = await timed(page, "region", () =>
    page.selectOption("#region-select", region).then(() => {}),
  );
  res.region!.inPage.push(e);
  res.region!.e2e.push(f);
}

// what end-to-end adds by itself: one CDP round trip to the page and back, and one HTTP request
const roundTrip: number[] = [];
const httpGet: number[] = [];
for (let i = 0; i < rounds; i++) {
  const t = performance.now();
  await page.evaluate(() => 0);
  roundTrip.push(performance.now() - t);
  httpGet.push(
    await page.evaluate(async () => {
      const t1 = performance.now();
      await (await fetch("/api/summary")).arrayBuffer();
      return performance.now() - t1;
    }),
  );
}

mkdirSync("test-artifacts", { recursive: true });
await page.selectOption("#region-select", "cathode");
await page.$eval("#time-slider", (s) => {
  const input = s as HTMLInputElement;
  input.value = "450";
  input.dispatchEvent(new Event("input"));
  input.dispatchEvent(new Event("change"));
});
await page.waitForTimeout(500);
await page.screenshot({ path: screenshot, fullPage: true });
await browser.close();
await viewer.close();

console.log(
  JSON.stringify(
    {
      results,
      grid: `${rows}x${cols}`,
      rounds,
      page_load_ms: Math.round(loadMs),
      pixel_click_waterfalls: { in_page: stats(res.pixel!.inPage), end_to_end: stats(res.pixel!.e2e) },
      slider_map: { in_page: stats(res.slider!.inPage), end_to_end: stats(res.slider!.e2e) },
      region_switch_heatmap: { in_page: stats(res.region!.inPage), end_to_end: stats(res.region!.e2e) },
      baseline: { playwright_round_trip: stats(roundTrip), http_get_in_page: stats(httpGet) },
      screenshot,
    },
    null,
    2,
  ),
);
