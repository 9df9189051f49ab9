/**
 * `swaxs report` on a simulated experiment: every figure type of the issue is there, the file is
 * self-contained (nothing to fetch), each SVG is well-formed, and the PNG figures match committed
 * snapshots within a tolerance (where rsvg-convert is installed; UPDATE_SNAPSHOTS=1 rewrites them).
 */
import { spawnSync } from "node:child_process";
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { chromiumPresent, launchChromium } from "../../test/support/browser.js";
import { swaxs } from "../../test/support/cli.js";
import { decodePng, imageDiff } from "../../test/support/png-decode.js";
import { toolAvailable } from "../../test/support/tools.js";
import { findAll, parseXml } from "../../test/support/xml.js";
import { runExperiment } from "../pipeline/run.js";
import { robustDomain } from "../plot/index.js";
import { fmt, parseCsv, ResultsData } from "../results/index.js";
import { PRESETS, simulate } from "../simulate/index.js";
import { mapFigures } from "./figures.js";
import { writeReport } from "./report.js";

const root = mkdtempSync(join(tmpdir(), "swaxs-report-"));
const dir = join(root, "sim");
const out = join(root, "report.html");
const SNAP = fileURLToPath(new URL("../../test/fixtures/report/", import.meta.url));
let html = "";
let r: Awaited<ReturnType<typeof writeReport>>;

beforeAll(async () => {
  await simulate({ ...PRESETS.tiny, rows: 8, cols: 2, sweeps: 6 }, dir, { seed: 11 });
  await runExperiment(join(dir, "experiment.yaml"));
  r = await writeReport(join(dir, "results"), out);
  html = readFileSync(out, "utf8");
}, 120_000);

const rsvg = spawnSync("rsvg-convert", ["--version"]).status === 0;

describe("swaxs report", () => {
  it("has every figure the issue lists", () => {
    const ids = [...html.matchAll(/<figure data-figure="([^"]+)"/g)].map((m) => m[1]);
    for (const sod of [0, 50, 100]) {
      expect(ids).toContain(`map_Li2S_sod${sod}`);
      expect(ids).toContain(`map_S_sod${sod}`);
    }
    for (const id of [
      "heatmap_cathode_waxs",
      "waterfall_saxs",
      "waterfall_waxs",
      "voltage",
      "crystallite",
      "reflections_Li2S",
      "saxs_cathode_discharge",
    ])
      expect(ids).toContain(id);
    expect(html).toMatch(/<h2>Experiment<\/h2>/);
    expect(html).toMatch(/Band stability per region/);
    expect(ids).toEqual(r.figures);
  });

  it("shows every analysis of issue 15 on the simulated cell, and its Cell design (125 N, 4.40 mm)", () => {
    const ids = [...html.matchAll(/<figure data-figure="([^"]+)"/g)].map((m) => m[1]);
    for (const id of [
      "map_Li2S_charge1_sodc0",
      "map_Li2S_charge1_sodc0_minus_sod100",
      "dqdv",
      "saxs_invariant",
      "extra_saxs",
    ])
      expect(ids).toContain(id);
    expect(html).toContain('id="saxs-porod"');
    expect(html).toContain('id="cell-design"');
    // F = P·A = 25 MPa × 5 mm², x = F / 28.42 N/mm (the paper's spring, written by the simulator)
    expect(html).toMatch(/data-design="force_n" data-value="[^"]+">125 N</);
    expect(html).toMatch(/data-design="compression_mm" data-value="[^"]+">4\.40 mm</);
  });

  it("lists every region boundary of run.json with its margin; an uncertain one is stated in words", async () => {
    const run = JSON.parse(readFileSync(join(dir, "results", "run.json"), "utf8")) as {
      regions: { boundaries: { below: string; above: string; uncertain: boolean; why?: string }[] };
    };
    const table = html.slice(html.indexOf('id="region-boundaries"'));
    const rows = table.slice(0, table.indexOf("</table>")).match(/<tr( class="warn")?><td>/g) ?? [];
    expect(rows).toHaveLength(run.regions.boundaries.length);
    expect(rows.filter((r) => r.includes("warn"))).toHaveLength(
      run.regions.boundaries.filter((b) => b.uncertain).length,
    );
    // the same results with the first boundary marked uncertain: a warning that names it and why
    const copy = join(root, "doubtful");
    cpSync(join(dir, "results"), copy, { recursive: true });
    const b0 = run.regions.boundaries[0]!;
    run.regions.boundaries[0] = { ...b0, uncertain: true, why: "the fingerprints put row 99 elsewhere" };
    writeFileSync(join(copy, "run.json"), JSON.stringify(run));
    await writeReport(copy, join(root, "doubtful.html"));
    const h = readFileSync(join(root, "doubtful.html"), "utf8");
    expect(h).toMatch(/<p class="warn"><b>\d+ uncertain region boundar/);
    expect(h).toContain(`${b0.below}/${b0.above} between rows`);
    expect(h).toContain("the fingerprints put row 99 elsewhere");
  });

  it("lists each peak's fit model (run.json peak_fits); tied and free sizes that disagree are stated", async () => {
    const run = JSON.parse(readFileSync(join(dir, "results", "run.json"), "utf8")) as {
      peak_fits: Record<string, { disagree: number; ratio: number; free: number }>;
    };
    const names = Object.keys(run.peak_fits);
    expect(names.length).toBeGreaterThan(0);
    const table = html.slice(html.indexOf('id="peak-fits"'));
    expect(table.slice(0, table.indexOf("</table>")).match(/<tr( class="warn")?><td>/g)).toHaveLength(
      names.length,
    );
    // the same results with the first peak's fits disagreeing in 2 sweeps: a warning that says so
    const copy = join(root, "disagree");
    cpSync(join(dir, "results"), copy, { recursive: true });
    run.peak_fits[names[0]!]!.disagree = 2;
    writeFileSync(join(copy, "run.json"), JSON.stringify(run));
    await writeReport(copy, join(root, "disagree.html"));
    const h = readFileSync(join(root, "disagree.html"), "utf8");
    expect(h).toContain(
      `${names[0]}: the tied and the free areas give sizes that differ beyond their errors in 2 sweeps`,
    );
  });

  it("is self-contained: no scripts, links or remote sources; images and CSVs are data: URIs", () => {
    expect(html).not.toMatch(/<script|<link|<iframe|@import/i);
    // url() only for the figures' own clip paths
    for (const m of html.matchAll(/url\(([^)]*)\)/g)) expect(m[1]).toMatch(/^#clip-\d+$/);
    const refs = [...html.matchAll(/\b(?:src|href)="([^"]*)"/g)].map((m) => m[1]!);
    expect(refs.length).toBeGreaterThan(10);
    for (const ref of refs) expect(ref).toMatch(/^data:(image\/png|text\/csv);base64,/);
  });

  it("each figure is well-formed SVG with content, and carries its numbers", () => {
    const svgs = [...html.matchAll(/<svg[\s\S]*?<\/svg>/g)].map((m) => m[0]);
    expect(svgs.length).toBe(r.figures.length);
    for (const svg of svgs) {
      const doc = parseXml(svg);
      expect(doc.name).toBe("svg");
      expect(svg.length).toBeGreaterThan(1000);
    }
    const csvs = [...html.matchAll(/href="data:text\/csv;base64,([^"]+)"/g)].map((m) =>
      Buffer.from(m[1]!, "base64").toString(),
    );
    expect(csvs.length).toBe(r.figures.length);
    const map = csvs[0]!.trim().split("\n");
    expect(map[0]).toBe("row,col,region,value,value_err,opaque");
    expect(map.length).toBe(1 + 8 * 2);
  });

  it("maps of one band at several SODs share one colour range, the 2nd–98th percentile of all; free on request", async () => {
    const data = await ResultsData.open(join(dir, "results"));
    try {
      const domainOf = (svg: string) =>
        findAll(parseXml(svg), "g")
          .find((g) => g.attrs.class === "colorbar")!
          .attrs["data-domain"]!.split(" ")
          .map(Number);
      const sods = [0, 50, 100];
      for (const band of ["Li2S", "S"]) {
        const values = await Promise.all(sods.map(async (sod) => (await data.map(band, sod)).columns.value!));
        const shared = await mapFigures(data);
        const d = sods.map((sod) => domainOf(shared.find((f) => f.id === `map_${band}_sod${sod}`)!.svg));
        expect(d[1]).toEqual(d[0]);
        expect(d[2]).toEqual(d[0]);
        const want = robustDomain(values);
        expect(d[0]![0]).toBeCloseTo(want[0], 12);
        expect(d[0]![1]).toBeCloseTo(want[1], 12);
        // no map is washed out: at most a few points of each lie beyond the shared colours
        for (const v of values) {
          const finite = Array.from(v).filter(Number.isFinite);
          const beyond = finite.filter((x) => x < want[0] - 1e-12 || x > want[1] + 1e-12).length;
          expect(beyond / finite.length).toBeLessThanOrEqual(0.15);
        }
        const free = await mapFigures(data, { colorScale: "free" });
        sods.forEach((sod, k) => {
          const own = robustDomain([values[k]!]);
          const f = domainOf(free.find((x) => x.id === `map_${band}_sod${sod}`)!.svg);
          expect(f[0]).toBeCloseTo(own[0], 12);
          expect(f[1]).toBeCloseTo(own[1], 12);
        });
      }
      // the band reads as a q window with its unit, and the normalisation is stated from run.json
      const s0 = (await mapFigures(data)).find((f) => f.id === "map_S_sod0")!.svg;
      const words = findAll(parseXml(s0), "text")
        .map((t) => t.text)
        .join(" ");
      expect(words).toMatch(/S \(q [\d.]+–[\d.]+ nm⁻¹\)/);
      expect(words).toContain("run.json normalize: none");
    } finally {
      data.close();
    }
  });

  it("states each heatmap's normalisation and shows band-stability numbers with human headers", () => {
    const fig = (id: string) =>
      html.slice(
        html.indexOf(`data-figure="${id}"`),
        html.indexOf("</figure>", html.indexOf(`data-figure="${id}"`)),
      );
    expect(fig("heatmap_cathode_waxs")).toContain("run.json normalize: ocv-mean");
    expect(fig("heatmap_cathode_saxs")).toMatch(
      /run\.json normalize: none\); shown here as I ÷ the first sweep/,
    );
    const t = html.slice(html.indexOf("Band stability per region"));
    const table = t.slice(0, t.indexOf("</table>"));
    expect(table).toContain("<th>largest change from OCV</th>");
    expect(table).not.toMatch(/max_rel_change|initial_value/);
    // cells: at most 4 significant figures
    for (const m of table.matchAll(/<td>(-?[\d.]+(?:e-?\d+)?)( %)?<\/td>/g))
      expect(
        m[1]!
          .replace(/e.*$/, "")
          .replace(/^[-0.]+/, "")
          .replace(".", "").length,
      ).toBeLessThanOrEqual(4);
  });

  it("writes the results' numbers rounded (fmt, 8 significant figures): regions.csv and the rest", () => {
    const files = ["regions.csv", "regions_evidence.csv", "band_stability.csv", "maps/Li2S_sod50.csv"];
    for (const f of files) {
      const rows = parseCsv(readFileSync(join(dir, "results", f), "utf8"));
      for (const v of rows.slice(1).flat())
        if (/^-?\d*\.?\d+(e[-+]?\d+)?$/.test(v)) expect(v, `${f}: ${v}`).toBe(fmt(Number(v)));
    }
  });

  it.runIf(toolAvailable("rsvg-convert (librsvg2-bin)", rsvg))(
    "PNG figures beside the report match the snapshots within tolerance",
    () => {
      expect(r.pngs).not.toBeNull();
      for (const id of ["map_Li2S_sod100", "heatmap_cathode_waxs", "crystallite"]) {
        const png = r.pngs!.find((p) => p.endsWith(`/${id}.png`))!;
        const snap = join(SNAP, `${id}.png`);
        if (process.env.UPDATE_SNAPSHOTS === "1") {
          mkdirSync(SNAP, { recursive: true });
          copyFileSync(png, snap);
        }
        expect(existsSync(snap), `${snap} missing: UPDATE_SNAPSHOTS=1 writes it`).toBe(true);
        const d = imageDiff(decodePng(readFileSync(png)), decodePng(readFileSync(snap)));
        // fonts and antialiasing may differ between machines; the figure itself must not
        expect(d.mean, id).toBeLessThan(1);
        expect(d.changed, id).toBeLessThan(0.001);
      }
    },
  );

  it.runIf(toolAvailable("rsvg-convert (librsvg2-bin)", rsvg))(
    "the PNG reader sees a known image right",
    () => {
      const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20"><rect width="40" height="20" fill="white"/><rect x="20" width="20" height="20" fill="#ff0000"/></svg>`;
      const png = spawnSync("rsvg-convert", [], { input: svg }).stdout as Buffer;
      const img = decodePng(png);
      expect([img.width, img.height]).toEqual([40, 20]);
      const at = (x: number, y: number) =>
        Array.from(img.rgba.subarray((y * 40 + x) * 4, (y * 40 + x) * 4 + 4));
      expect(at(5, 10)).toEqual([255, 255, 255, 255]);
      expect(at(35, 10)).toEqual([255, 0, 0, 255]);
    },
  );
});

describe("swaxs report: bad input", () => {
  it("a folder that is not a results folder: one line naming it, exit 2, no report", () => {
    const res = swaxs("report", root, "--out", join(root, "bad.html"));
    expect(res.code).toBe(2);
    expect(res.stderr.trim().split("\n")).toHaveLength(1);
    expect(res.stderr).toMatch(/not a results folder/);
    expect(existsSync(join(root, "bad.html"))).toBe(false);
  });
});

describe.skipIf(!toolAvailable("chromium", chromiumPresent()))("the report in Chromium, offline", () => {
  it("opens with the network off: every figure drawn, nothing fetched, no console errors; screenshot kept", async () => {
    const browser = await launchChromium();
    try {
      const context = await browser.newContext({ offline: true, viewport: { width: 1300, height: 900 } });
      const page = await context.newPage();
      const problems: string[] = [];
      const fetched: string[] = [];
      page.on("console", (m) => {
        if (m.type() === "error") problems.push(m.text());
      });
      page.on("pageerror", (e) => problems.push(e.message));
      page.on("request", (q) => {
        if (!/^(file|data):/.test(q.url())) fetched.push(q.url());
      });
      await page.goto(`file://${out}`);
      const sizes = await page.$$eval("figure[data-figure] svg", (els) =>
        els.map((e) => {
          const b = e.getBoundingClientRect();
          return b.width * b.height;
        }),
      );
      expect(sizes.length).toBe(r.figures.length);
      for (const a of sizes) expect(a).toBeGreaterThan(100 * 100);
      // the heatmaps are <image> elements carrying their PNG as a data: URI
      const images = await page.$$eval("svg image", (els) => els.length);
      expect(images).toBeGreaterThan(0);
      expect(fetched).toEqual([]);
      expect(problems).toEqual([]);
      mkdirSync("test-artifacts", { recursive: true });
      await page.screenshot({ path: "test-artifacts/report.png", fullPage: true });
    } finally {
      await browser.close();
    }
  }, 60_000);
});
