import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { swaxs } from "../../test/support/cli.js";
import { readCsvCells } from "../../test/support/fixtures.js";
import { pearson } from "../../test/support/stats.js";
import { endOfDischargeSize, regionsRight } from "../../test/support/truth.js";
import {
  type CsvTable,
  columnIndex,
  numbers,
  RESULTS,
  readCsvSync,
  resultPath,
  strings,
  unixSeconds,
} from "../results/index.js";
import { PRESETS, simulate } from "../simulate/index.js";
import { runExperiment } from "./run.js";

const dir = join(mkdtempSync(join(tmpdir(), "swaxs-run-")), "tiny");
const csv = readCsvCells;

let truth: {
  layers: string[];
  li2s_at_sod: Record<string, number[][]>;
  li2s_size_nm_end_of_discharge: number;
  frame_sod: number[];
  instrument_fwhm_q: { waxs: number };
  transmission_by_row: number[];
};

beforeAll(async () => {
  await simulate(PRESETS.tiny, dir, { seed: 4 });
  await runExperiment(join(dir, "experiment.yaml"));
  truth = JSON.parse(readFileSync(join(dir, "truth.json"), "utf8"));
}, 120_000);

describe("swaxs run on the tiny digital twin recovers its truth", () => {
  it("regions: ≥95 % of pixels right; run.json gives each boundary's margin, regions_evidence.csv each row's fingerprints", () => {
    expect(regionsRight(join(dir, "results"), truth.layers).fraction).toBeGreaterThanOrEqual(0.95);
    const run = JSON.parse(readFileSync(join(dir, "results/run.json"), "utf8"));
    expect(["fingerprint", "footprint+fingerprint"]).toContain(run.regions.method);
    expect(run.regions.boundaries.length).toBeGreaterThanOrEqual(3);
    for (const b of run.regions.boundaries)
      expect(Number.isFinite(b.margin) && typeof b.uncertain === "boolean").toBe(true);
    const ev = readCsvSync(join(dir, "results", RESULTS.regionEvidence.path));
    expect(ev.rows.length).toBe(truth.layers.length);
    // the anode's In lines stand out in the anode's row(s) and nowhere else
    const anode = numbers(ev, "layer3_anode");
    const rows = truth.layers.flatMap((l, r) => (l === "anode" ? [r] : []));
    const inAnode = Math.max(...rows.map((r) => anode[r]!));
    truth.layers.forEach((l, r) => {
      if (l !== "anode" && Math.abs(r - rows[0]!) > 1) expect(anode[r]!).toBeLessThan(0.2 * inAnode);
    });
  });

  it.each([
    [100, 0.9],
    [50, 0.8],
  ])(
    "Li2S map at %i %% SOD correlates with the true Li2S amount (r ≥ %f); opaque rows flagged, not filled",
    (sod, rMin) => {
      const t = readCsvSync(join(dir, "results", resultPath.map("Li2S", sod)));
      const row = numbers(t, "row");
      const col = numbers(t, "col");
      const value = numbers(t, "value");
      const err = numbers(t, "value_err");
      const flag = strings(t, "flag");
      const T = truth.transmission_by_row;
      const kept: number[] = [];
      row.forEach((r, i) => {
        // the plungers (T ≈ 0) are flagged; rows that pass a few % of the beam are not
        if (T[r]! < 0.005) expect(flag[i], `row ${r}`).toBe("opaque");
        if (T[r]! > 0.02) expect(flag[i], `row ${r}`).toBe("");
        if (flag[i] === "opaque") expect(Number.isNaN(value[i]!) && Number.isNaN(err[i]!)).toBe(true);
        else {
          expect(Number.isFinite(value[i]!) && err[i]! > 0, `row ${r}`).toBe(true);
          kept.push(i);
        }
      });
      const li2s = kept.map((i) => truth.li2s_at_sod[String(sod)]![row[i]!]![col[i]!]!);
      expect(
        pearson(
          kept.map((i) => value[i]!),
          li2s,
        ),
      ).toBeGreaterThanOrEqual(rMin);
    },
  );

  it("instrumental width measured on the calibrant within 10 % (run.json says where it came from)", () => {
    const run = JSON.parse(readFileSync(join(dir, "results/run.json"), "utf8"));
    const w = run.instrument_fwhm_q.Li2S;
    expect(w.from).toBe("calibrant_waxs.cbf (CeO2 111, 200)");
    expect(Math.abs(w.value / truth.instrument_fwhm_q.waxs - 1)).toBeLessThan(0.1);
  });

  it("crystallite size at the end of discharge within 15 % (instrument from the calibrant)", () => {
    const size = endOfDischargeSize(join(dir, "results"), "Li2S");
    expect(size).not.toBeNull();
    expect(Math.abs(size! / truth.li2s_size_nm_end_of_discharge - 1)).toBeLessThan(0.15);
  });

  it("every WAXS frame's SODC within 1 % during the first discharge", () => {
    const frames = readCsvSync(join(dir, "results", RESULTS.frames.path));
    const det = strings(frames, "detector");
    const sod = Array.from(numbers(frames, "sod_pct")).filter((_, i) => det[i] === "waxs");
    expect(sod.length).toBe(truth.frame_sod.length);
    sod.forEach((s, i) => {
      const t = truth.frame_sod[i]!;
      if (t < 1) expect(Math.abs(s - 100 * t)).toBeLessThan(1);
    });
  });
});

describe("region time series (the paper's Fig. 2a, right panel)", () => {
  it("the cathode's Li2S band rises through discharge and falls on charge; the separator's stays flat", () => {
    const series = (region: string) => readCsvSync(join(dir, "results", resultPath.series(region, "Li2S")));
    const cath = series("cathode");
    const v = (t: CsvTable) => Array.from(numbers(t, "value"));
    const c = v(cath);
    const dis = Array.from(numbers(cath, "step"), (s) => s === 1);
    const cd = c.filter((_, i) => dis[i]);
    for (let i = 1; i < cd.length; i++) expect(cd[i]!).toBeGreaterThan(cd[i - 1]! - 0.01);
    expect(cd[cd.length - 1]!).toBeGreaterThan(1.3);
    expect(c[c.length - 1]!).toBeLessThan(cd[cd.length - 1]!);
    for (const x of v(series("separator"))) expect(Math.abs(x - 1)).toBeLessThan(0.06);
    const stab = readCsvSync(join(dir, "results", RESULTS.stability.path));
    const change = (region: string, band: string) => {
      const r = strings(stab, "region");
      const b = strings(stab, "band");
      return numbers(stab, "max_rel_change")[r.findIndex((x, i) => x === region && b[i] === band)]!;
    };
    expect(change("cathode", "Li2S")).toBeGreaterThan(0.3);
    expect(change("separator", "Li2S")).toBeLessThan(0.06);
    const heat = csv(join(dir, "results/timeseries/cathode_waxs_heatmap.csv"));
    expect(heat.length).toBe(1 + cath.rows.length);
    expect(heat[1]!.length).toBe(heat[0]!.length);
  });
});

describe("reference-state normalisation (the liquid cell's SAXS, normalised at 30 % SOD)", () => {
  it("the cathode's SAXS band is ≈1 near the reference state and clearly different before it", async () => {
    const liq = join(dir, "..", "liquid");
    await simulate({ ...PRESETS["paper-liquid"], rows: 8, cols: 1, sweeps: 6 }, liq, { seed: 3 });
    const yaml = join(liq, "experiment.yaml");
    expect(readFileSync(yaml, "utf8")).toMatch(/saxs: \{reference: \{sod: 30\}\}/);
    // region finding is tuned to the solid-state cell; name the liquid cell's cathode rows by hand
    const layers = (JSON.parse(readFileSync(join(liq, "truth.json"), "utf8")) as { layers: string[] }).layers;
    const byRow = layers.map((l, r) => `${r}: ${l}`).join(", ");
    writeFileSync(yaml, `${readFileSync(yaml, "utf8")}regions: {by_row: {${byRow}}}\n`);
    await runExperiment(yaml);
    // the Eiger's calibrant (an HDF5 stack) gives the WAXS width, its hot pixels notwithstanding
    const run = JSON.parse(readFileSync(join(liq, "results/run.json"), "utf8"));
    expect(run.instrument_fwhm_q.Li2S.from).toBe("calibrant_waxs.h5 (CeO2 111, 200)");
    const t = readCsvSync(join(liq, "results", resultPath.series("cathode", "S")));
    const sod = numbers(t, "sod_pct");
    const value = numbers(t, "value");
    let near = 0;
    sod.forEach((s, i) => {
      if (Math.abs(s - 30) < Math.abs(sod[near]! - 30)) near = i;
    });
    expect(Math.abs(value[near]! - 1)).toBeLessThan(0.15);
    expect(Math.abs(value[0]! - 1)).toBeGreaterThan(0.2);
  }, 120_000);
});

describe("hand-set regions override the found ones", () => {
  it("a row set by hand in the config keeps its region; the others are still found", async () => {
    const other = join(dir, "..", "byhand");
    await simulate(PRESETS.tiny, other, { seed: 4 });
    const yaml = join(other, "experiment.yaml");
    const row = truth.layers.indexOf("separator");
    writeFileSync(yaml, `${readFileSync(yaml, "utf8")}regions: {by_row: {${row}: cathode}}\n`);
    const s = await runExperiment(yaml);
    // s.regions: one per scan point, row-major
    const rowOf = (p: number) => Math.floor(p / s.cols);
    expect(s.regions.filter((r, p) => rowOf(p) === row && r === "cathode")).toHaveLength(s.cols);
    const others = s.regions.filter((r, p) => rowOf(p) !== row && r === truth.layers[rowOf(p)]).length;
    expect(others).toBe(s.regions.length - s.cols);
  });
});

describe("frames timed at mid-exposure (issue 20)", () => {
  it("a longer exposure moves each frame by half of it on the cycler clock: time and SODC", async () => {
    const other = join(dir, "..", "exposure");
    await simulate({ ...PRESETS.tiny, rows: 2, cols: 1, sweeps: 6 }, other, { seed: 3 });
    const yaml = join(other, "experiment.yaml");
    await runExperiment(yaml);
    const scan = readCsvSync(join(other, "scan.csv"));
    const e0 = numbers(scan, "exposure_s");
    // the same frames, logged as exposed for 20 min from the same start
    const text = readFileSync(join(other, "scan.csv"), "utf8");
    const col = scan.header.indexOf("exposure_s");
    writeFileSync(
      join(other, "scan.csv"),
      text
        .trim()
        .split("\n")
        .map((l, k) =>
          k === 0
            ? l
            : l
                .split(",")
                .map((v, j) => (j === col ? "1200" : v))
                .join(","),
        )
        .join("\n"),
    );
    writeFileSync(yaml, readFileSync(yaml, "utf8").replace(/^out: .*$/m, "out: long"));
    // the last frames now end after the cycler log does: left off the clock, counted
    await runExperiment(yaml, { allowMissing: true });
    const a = readCsvSync(join(other, "results", "frames.csv"));
    const b = readCsvSync(join(other, "long", "frames.csv"));
    const ta = unixSeconds(a, "time");
    const tb = unixSeconds(b, "time");
    const idx = numbers(a, "index");
    for (let k = 0; k < ta.length; k++) expect(tb[k]! - ta[k]!).toBeCloseTo((1200 - e0[idx[k]!]!) / 2, 2);
    // during the discharge SODC grows linearly in time (constant current): the shift in SODC is
    // the rate times the shift in time
    const sa = numbers(a, "sod_pct");
    const sb = numbers(b, "sod_pct");
    const mid = Array.from(sa.keys()).filter((k) => sa[k]! > 5 && sa[k]! < 95 && sb[k]! > 5 && sb[k]! < 95);
    expect(mid.length).toBeGreaterThan(2);
    const first = mid[0]!;
    const last = mid[mid.length - 1]!;
    const rate = (sa[last]! - sa[first]!) / (ta[last]! - ta[first]!);
    for (const k of mid) expect(sb[k]! - sa[k]!).toBeCloseTo(rate * (tb[k]! - ta[k]!), 1);
    expect(sb[first]! - sa[first]!).toBeGreaterThan(0.5 * rate * 1200 * 0.9);
  });
});

describe("a reference state between visits far apart (issue 20)", () => {
  it("is warned about in run.json with the widest SODC gap between the visits it comes from", async () => {
    const other = join(dir, "..", "refgap");
    await simulate({ ...PRESETS.tiny, rows: 2, cols: 1, sweeps: 6 }, other, { seed: 5 });
    const yaml = join(other, "experiment.yaml");
    writeFileSync(
      yaml,
      readFileSync(yaml, "utf8").replace(/^ {2}saxs: none$/m, "  saxs: {reference: {sod: 50}}"),
    );
    expect(readFileSync(yaml, "utf8")).toContain("reference: {sod: 50}");
    await runExperiment(yaml);
    const run = JSON.parse(readFileSync(join(other, "results", "run.json"), "utf8")) as {
      warnings: string[];
    };
    // the gap, from frames.csv: per SAXS scan point, the SODC of its visits on either side of 50 %
    const f = readCsvSync(join(other, "results", "frames.csv"));
    const det = strings(f, "detector");
    const row = numbers(f, "row");
    const sod = numbers(f, "sod_pct");
    let widest = 0;
    for (const r of [0, 1]) {
      const s = Array.from(sod).filter((_, i) => det[i] === "saxs" && row[i] === r);
      const k = s.findIndex((v) => v >= 50);
      if (k > 0) widest = Math.max(widest, s[k]! - s[k - 1]!);
    }
    expect(widest).toBeGreaterThan(5);
    const w = run.warnings.find((x) => x.startsWith("normalize.saxs: the reference state is interpolated"));
    expect(w, run.warnings.join("\n")).toBeDefined();
    expect(w).toContain(`up to ${widest.toFixed(1)} % SOD apart`);
  });
});

describe("swaxs run: bad input names what and where", () => {
  it("a detector in the scan log that the config lacks", async () => {
    const other = join(dir, "..", "nodet");
    await simulate({ ...PRESETS.tiny, rows: 2, cols: 1, sweeps: 2 }, other, { seed: 1 });
    const yaml = join(other, "experiment.yaml");
    const text = readFileSync(yaml, "utf8")
      .split("\n")
      .filter((l) => !l.trim().startsWith("saxs:") && !l.includes("detector: saxs"))
      .join("\n");
    writeFileSync(yaml, text);
    const r = swaxs("run", yaml);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/scan\.csv: detector "saxs" is in the scan log but not in experiment\.yaml/);
  });

  it("a cycler log that does not cover the scan (clock stated 12 h off)", async () => {
    const other = join(dir, "..", "offclock");
    await simulate({ ...PRESETS.tiny, rows: 2, cols: 1, sweeps: 2 }, other, { seed: 1 });
    const yaml = join(other, "experiment.yaml");
    writeFileSync(yaml, readFileSync(yaml, "utf8").replace(/timezone: .*/, "clock_offset_s: -86400"));
    const r = swaxs("run", yaml);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/cycling\.mpt: the cycler log does not cover 8 of 8 frames/);
  });

  it("a cycler log read in the wrong zone: the gap is a whole number of hours, and the message names echem.timezone", async () => {
    const other = join(dir, "..", "wrongzone");
    await simulate({ ...PRESETS.tiny, rows: 2, cols: 1, sweeps: 2 }, other, { seed: 1 });
    const yaml = join(other, "experiment.yaml");
    const text = readFileSync(yaml, "utf8");
    // the twin's cycler PC keeps Central European time; read as UTC its log is 1–2 h late
    expect(text).toMatch(/timezone: Europe\//);
    writeFileSync(yaml, text.replace(/timezone: .*/, "timezone: UTC"));
    const r = swaxs("run", yaml);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(r.stderr).toMatch(
      /cycling\.mpt: the cycler log does not cover \d+ of 8 frames .*; every frame is inside it if the log's clock is [12] h (earlier|later): is echem\.timezone \(or echem\.clock_offset_s\) right\?/,
    );
  });

  it("a frame file missing → exit 2; --allow-missing goes on and counts", () => {
    const f = join(dir, "frames/waxs/waxs_s005_r009_c01.cbf");
    rmSync(f);
    const r = swaxs("run", join(dir, "experiment.yaml"));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/waxs_s005_r009_c01\.cbf: frame file missing \(scan log line \d+\)/);
    const ok = swaxs("run", join(dir, "experiment.yaml"), "--allow-missing");
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stderr).toMatch(/1 frame files missing/);
  });
});

describe("crystallite size frame by frame (frames.csv size_<peak>_nm)", () => {
  it("near the end of discharge the cathode frames' median size is the true size; no size where there is no Li2S", () => {
    const truth = JSON.parse(readFileSync(join(dir, "truth.json"), "utf8")) as {
      li2s_size_nm_end_of_discharge: number;
    };
    const frames = readCsvSync(join(dir, "results/frames.csv"));
    const at = (name: string) => columnIndex(frames, name);
    expect(at("size_Li2S_nm")).toBeGreaterThan(0);
    const rows = frames.rows;
    const regions = strings(readCsvSync(join(dir, "results/regions.csv")), "region");
    const cathode = (r: string[]) =>
      regions[Number(r[at("row")]) * PRESETS.tiny.cols + Number(r[at("col")])] === "cathode";
    const end = rows
      .filter(
        (r) =>
          r[at("detector")] === "waxs" &&
          cathode(r) &&
          Number(r[at("sod_pct")]) > 90 &&
          r[at("size_Li2S_nm")] !== "",
      )
      .map((r) => Number(r[at("size_Li2S_nm")]))
      .sort((a, b) => a - b);
    expect(end.length).toBeGreaterThan(0);
    const median = end[end.length >> 1]!;
    expect(Math.abs(median / truth.li2s_size_nm_end_of_discharge - 1)).toBeLessThan(0.2);
    const ocv = rows.filter(
      (r) => r[at("detector")] === "waxs" && Number(r[at("half_cycle")]) < 0 && Number(r[at("cycle")]) === 0,
    );
    expect(ocv.length).toBeGreaterThan(0);
    for (const r of ocv) expect(r[at("size_Li2S_nm")]).toBe("");
  });
});
