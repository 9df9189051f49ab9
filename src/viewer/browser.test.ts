/**
 * The viewer in real headless Chromium: the page loads without console errors, the map has
 * coloured cells, a click on a scan point changes the waterfalls, the slider changes the map, the
 * region selector redraws the heatmap, the reflections figure draws each reflection and another
 * quantity on request, and the exports produce SVG, PNG and CSV files.
 * Screenshots go to test-artifacts/.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromiumPresent, launchChromium } from "../../test/support/browser.js";
import { tinyResults } from "../../test/support/results.js";
import { toolAvailable } from "../../test/support/tools.js";
import { startViewer, type Viewer } from "./index.js";

const ARTIFACTS = "test-artifacts";
const present = toolAvailable("chromium", chromiumPresent());

let v: Viewer;
let browser: Browser;
let page: Page;
let resultsDir = "";
const problems: string[] = [];

/** Wait until the app has finished `n` redraws of a kind (it counts them on <body>). */
async function renders(kind: "map" | "pixel" | "region"): Promise<number> {
  return Number((await page.getAttribute("body", `data-${kind}-renders`)) ?? 0);
}
async function waitRenders(kind: "map" | "pixel" | "region", above: number): Promise<void> {
  await page.waitForFunction(
    ([k, n]) => Number(document.body.getAttribute(`data-${k}-renders`) ?? 0) > Number(n),
    [kind, above] as const,
  );
}

describe.skipIf(!present)("swaxs view in Chromium", () => {
  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    resultsDir = await tinyResults({ sweeps: 4 });
    v = await startViewer(resultsDir);
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true });
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
    await page.goto(v.url);
    await page.waitForSelector("body[data-ready=true]", { timeout: 20_000 });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await v?.close();
  });

  it("loads without console errors and draws every panel", async () => {
    await page.screenshot({ path: `${ARTIFACTS}/viewer-loaded.png`, fullPage: true });
    expect(problems).toEqual([]);
    for (const id of [
      "fig-map",
      "fig-pixel-saxs",
      "fig-pixel-waxs",
      "fig-voltage",
      "fig-region-heatmap",
      "fig-crystallite",
    ])
      expect(await page.locator(`#${id} svg`).count(), id).toBe(1);
  });

  it("states the uncertain region boundaries of run.json above the panels, or nothing when all are clear", async () => {
    const run = JSON.parse(readFileSync(join(resultsDir, "run.json"), "utf8")) as {
      regions: { boundaries: { below: string; above: string; uncertain: boolean }[] };
    };
    const doubtful = run.regions.boundaries.filter((b) => b.uncertain);
    const box = page.locator("#region-warning");
    expect(await box.isVisible()).toBe(doubtful.length > 0);
    const text = (await box.textContent()) ?? "";
    for (const b of doubtful) expect(text).toContain(`${b.below}/${b.above} between rows`);
  });

  it("states where a peak's tied and free areas disagree (run.json peak_fits), or nothing", async () => {
    const run = JSON.parse(readFileSync(join(resultsDir, "run.json"), "utf8")) as {
      peak_fits: Record<string, { disagree: number }>;
    };
    const disagree = Object.entries(run.peak_fits).filter(([, f]) => f.disagree > 0);
    const box = page.locator("#fit-warning");
    expect(await box.isVisible()).toBe(disagree.length > 0);
    const text = (await box.textContent()) ?? "";
    for (const [name, f] of disagree)
      expect(text).toContain(
        `${name}: the tied and the free areas give sizes that differ beyond their errors in ${f.disagree} sweep`,
      );
  });

  it("shows a map with coloured cells", async () => {
    const fills = await page.$$eval("#fig-map rect.cell", (cells) =>
      cells.map((c) => c.getAttribute("fill")),
    );
    expect(fills.length).toBeGreaterThan(0);
    const coloured = fills.filter((f) => f && f !== "#e6e6e6");
    expect(coloured.length).toBeGreaterThan(fills.length / 2);
  });

  it("changes the waterfalls when another scan point is clicked", async () => {
    const before = await page.innerHTML("#fig-pixel-waxs .plot");
    const n = await renders("pixel");
    await page.click('#fig-map rect.cell[data-row="5"][data-col="1"]');
    await waitRenders("pixel", n);
    expect(await page.innerHTML("#fig-pixel-waxs .plot")).not.toBe(before);
    expect(await page.textContent("#pixel-label")).toContain("row 5, col 1");
    expect(await page.locator("#fig-map rect.selected").count()).toBe(1);
  });

  it("changes the map when the slider moves", async () => {
    const before = await page.$$eval("#fig-map rect.cell", (cells) =>
      cells.map((c) => c.getAttribute("fill")),
    );
    const n = await renders("map");
    await page.$eval("#time-slider", (s) => {
      const input = s as HTMLInputElement;
      input.value = "800";
      input.dispatchEvent(new Event("input"));
      input.dispatchEvent(new Event("change"));
    });
    await waitRenders("map", n);
    const after = await page.$$eval("#fig-map rect.cell", (cells) =>
      cells.map((c) => c.getAttribute("fill")),
    );
    expect(after).not.toEqual(before);
    await page.screenshot({ path: `${ARTIFACTS}/viewer-slider.png`, fullPage: true });
  });

  it("redraws the heatmap for another region", async () => {
    const before = await page.innerHTML("#fig-region-heatmap .plot");
    const n = await renders("region");
    await page.selectOption("#region-select", "separator");
    await waitRenders("region", n);
    const after = await page.innerHTML("#fig-region-heatmap .plot");
    expect(after).not.toBe(before);
    expect(after).toContain("separator");
  });

  it("draws each reflection of the peak, and another quantity when asked", async () => {
    const [header = [], ...rows] = readFileSync(join(resultsDir, "reflections/Li2S.csv"), "utf8")
      .trim()
      .split("\n")
      .map((l) => l.split(","));
    const hkl = header.filter((h) => /^area_[^_]+$/.test(h)).map((h) => h.slice(5));
    expect(hkl.length).toBeGreaterThan(1);
    /** Reflections with a value of `what` in some sweep: the ones with markers. */
    const detected = (what: string) =>
      hkl.filter((h) => rows.some((r) => (r[header.indexOf(`${what}_${h}`)] ?? "") !== ""));
    const markerColours = async () =>
      new Set(
        await page.$$eval("#fig-reflections .plot circle", (cs) => cs.map((c) => c.getAttribute("fill"))),
      ).size;
    expect(await page.locator("#fig-reflections .plot svg").count()).toBe(1);
    expect(await page.$$eval("#fig-reflections .legend text", (ts) => ts.map((t) => t.textContent))).toEqual(
      hkl.map((h) => `(${h})`),
    );
    expect(await markerColours()).toBe(detected("area").length);
    const before = await page.innerHTML("#fig-reflections .plot");

    const n = await renders("region");
    await page.selectOption("#reflections-quantity", "center_q");
    await waitRenders("region", n);
    const after = await page.innerHTML("#fig-reflections .plot");
    expect(after).not.toBe(before);
    expect(after).toContain("centre q (1/nm)");
    expect(await markerColours()).toBe(detected("center_q").length);
    await page.hover("#fig-reflections");
    const [csv] = await Promise.all([
      page.waitForEvent("download"),
      page.click("#fig-reflections .export-csv"),
    ]);
    expect(readFileSync(await csv.path(), "utf8").split("\n")[0]).toBe(
      ["time_unix_s", "sod_pct", ...hkl.flatMap((h) => [`center_q_${h}`, `center_q_${h}_err`])].join(","),
    );
  });

  it("exports SVG, PNG and CSV", async () => {
    await page.hover("#fig-pixel-waxs");
    const [svg] = await Promise.all([
      page.waitForEvent("download"),
      page.click("#fig-pixel-waxs .export-svg"),
    ]);
    expect(svg.suggestedFilename()).toBe("pixel-waxs.svg");
    expect(readFileSync(await svg.path(), "utf8")).toMatch(/^<svg /);
    const [png] = await Promise.all([
      page.waitForEvent("download"),
      page.click("#fig-pixel-waxs .export-png"),
    ]);
    const bytes = readFileSync(await png.path());
    expect(bytes.subarray(1, 4).toString()).toBe("PNG");
    const [csv] = await Promise.all([
      page.waitForEvent("download"),
      page.click("#fig-pixel-waxs .export-csv"),
    ]);
    expect(readFileSync(await csv.path(), "utf8").split("\n")[0]).toMatch(/^q,I@/);
    // the heatmap's embedded image survives the SVG → PNG export
    await page.hover("#fig-region-heatmap");
    const [hpng] = await Promise.all([
      page.waitForEvent("download"),
      page.click("#fig-region-heatmap .export-png"),
    ]);
    expect(readFileSync(await hpng.path()).length).toBeGreaterThan(10_000);
    expect(problems).toEqual([]);
    await page.screenshot({ path: `${ARTIFACTS}/viewer-final.png`, fullPage: true });
  });
});
