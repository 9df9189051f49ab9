/**
 * Maps at any state and difference maps (issue 15) on the tiny digital twin: the end of the first
 * charge against its truth (the charge returns `charge_return` of the discharge, and the twin's
 * Li2S follows SODC), states landing on the frames frames.csv times say, differences read back
 * through src/results, results.h5 read by h5py, and unreachable states refused in one line.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { pythonWith, runPython, toolAvailable } from "../../test/support/tools.js";
import { colorAt, colormap, symmetricDomain } from "../plot/index.js";
import { writeReport } from "../report/index.js";
import {
  numbers,
  RESULTS,
  ResultsData,
  readCsvSync,
  resultPath,
  strings,
  unixSeconds,
} from "../results/index.js";
import { PRESETS, simulate } from "../simulate/index.js";
import { loadConfig } from "./config.js";
import { runExperiment } from "./run.js";

const dir = join(mkdtempSync(join(tmpdir(), "swaxs-mapstates-")), "tiny");
const results = join(dir, "results");
const MAPS =
  "maps: {at_sod: [0, 100], at: [{sodc: 0, after: charge}, {sodc: 50, after: charge, name: midcharge}, {time_h: 5.3}, {time_h: 12}], differences: [[sod100, charge1_sodc0], [sod0, sod100]]}";
let truth: {
  layers: string[];
  cycler: { start_utc: string; ocv_s: number; discharge_s: number; charge_return: number };
};
let yaml = "";

beforeAll(async () => {
  await simulate(PRESETS.tiny, dir, { seed: 4 });
  yaml = readFileSync(join(dir, "experiment.yaml"), "utf8");
  writeFileSync(join(dir, "experiment.yaml"), yaml.replace(/^maps: .*$/m, MAPS));
  await runExperiment(join(dir, "experiment.yaml"));
  truth = JSON.parse(readFileSync(join(dir, "truth.json"), "utf8"));
}, 120_000);

/** A map's values by scan point (row·cols + col), NaN where empty. */
function mapValues(file: string): { value: number[]; err: number[]; flag: string[] } {
  const t = readCsvSync(join(results, file));
  return {
    value: Array.from(numbers(t, "value")),
    err: Array.from(numbers(t, "value_err")),
    flag: strings(t, "flag"),
  };
}

/**
 * The Li2S band at Unix time `t` for every scan point, from frames.csv alone: linear between the
 * point's two WAXS frames around t (the independent reading of "a map at a moment").
 */
function fromFrames(t: number): number[] {
  const f = readCsvSync(join(results, RESULTS.frames.path));
  const time = unixSeconds(f, "time");
  const det = strings(f, "detector");
  const row = numbers(f, "row");
  const col = numbers(f, "col");
  const v = numbers(f, "band_Li2S");
  const cols = PRESETS.tiny.cols;
  const out = new Array<number>(PRESETS.tiny.rows * cols).fill(Number.NaN);
  const last = new Map<number, number>();
  for (let i = 0; i < time.length; i++) {
    if (det[i] !== "waxs") continue;
    const p = row[i]! * cols + col[i]!;
    const a = last.get(p);
    if (a !== undefined && time[a]! <= t && time[i]! >= t)
      out[p] = v[a]! + ((t - time[a]!) / (time[i]! - time[a]!)) * (v[i]! - v[a]!);
    last.set(p, i);
  }
  return out;
}

/** Largest relative deviation of a map from the frames' values, over the points not flagged opaque. */
function worstDeviation(
  got: { value: number[]; flag: string[] },
  want: number[],
): { worst: number; compared: number } {
  let worst = 0;
  let compared = 0;
  want.forEach((w, p) => {
    if (!Number.isFinite(w) || got.flag[p] === "opaque") return;
    const g = got.value;
    expect(Number.isFinite(g[p]!), `point ${p}`).toBe(true);
    worst = Math.max(worst, Math.abs(g[p]! - w) / Math.abs(w));
    compared++;
  });
  return { worst, compared };
}

describe("maps at any state (issue 15)", () => {
  it("{sodc: 0, after: charge}: the end of the first charge; the cathode's Li2S is down to 1 − charge_return of its rise", () => {
    const end = mapValues(resultPath.stateMap("Li2S", "charge1_sodc0"));
    const full = mapValues(resultPath.map("Li2S", 100));
    const cols = PRESETS.tiny.cols;
    const ratios: number[] = [];
    end.value.forEach((v, p) => {
      if (truth.layers[Math.floor(p / cols)] !== "cathode" || end.flag[p] === "opaque") return;
      expect(v).toBeLessThan(full.value[p]!);
      // ocv-mean normalised: value − 1 is the Li2S the point gained since the OCV, ∝ SODC in the twin
      ratios.push((v - 1) / (full.value[p]! - 1));
    });
    expect(ratios.length).toBeGreaterThanOrEqual(2);
    const mean = ratios.reduce((a, b) => a + b, 0) / ratios.length;
    // measured 0.673 against 0.63 (the band holds a little more than Li2S: S8 and the amorphous background)
    expect(Math.abs(mean - (1 - truth.cycler.charge_return))).toBeLessThan(0.06);
  });

  it("a difference map is B − A of the two maps read back through src/results, σ in quadrature", async () => {
    const data = await ResultsData.open(results);
    const s = data.summary();
    expect(s.maps).toEqual(
      expect.arrayContaining([
        { band: "Li2S", sod: 0 },
        { band: "Li2S", sod: 100 },
      ]),
    );
    expect(s.maps.every((m) => m.band === "Li2S" || m.band === "S")).toBe(true);
    const d = s.stateMaps.find((m) => m.band === "Li2S" && m.state === "charge1_sodc0_minus_sod100");
    expect(d?.difference).toEqual({ a: "sod100", b: "charge1_sodc0" });
    expect(d?.about).toBe("0 % SODC in charge 1 minus 100 % SOD");
    const diff = (await data.stateMap("Li2S", "charge1_sodc0_minus_sod100")).columns;
    const b = (await data.stateMap("Li2S", "charge1_sodc0")).columns;
    const a = (await data.map("Li2S", 100)).columns;
    let worst = 0;
    let worstErr = 0;
    let n = 0;
    for (let p = 0; p < diff.value!.length; p++) {
      const want = b.value![p]! - a.value![p]!;
      if (!Number.isFinite(want)) {
        expect(Number.isNaN(diff.value![p]!)).toBe(true);
        continue;
      }
      worst = Math.max(worst, Math.abs(diff.value![p]! - want));
      worstErr = Math.max(
        worstErr,
        Math.abs(diff.value_err![p]! / Math.hypot(a.value_err![p]!, b.value_err![p]!) - 1),
      );
      n++;
    }
    expect(n).toBeGreaterThanOrEqual(10);
    // the CSVs carry 8 significant digits of values near 1
    expect(worst).toBeLessThan(1e-6);
    expect(worstErr).toBeLessThan(1e-5);
    // where Li2S was consumed on charge, the difference is negative in the cathode
    const cols = PRESETS.tiny.cols;
    for (let p = 0; p < diff.value!.length; p++)
      if (truth.layers[Math.floor(p / cols)] === "cathode" && Number.isFinite(diff.value![p]!))
        expect(diff.value![p]!).toBeLessThan(-3 * diff.value_err![p]!);
  });

  it("time_h states land on the frames frames.csv times (hours after the first frame)", () => {
    const f = readCsvSync(join(results, RESULTS.frames.path));
    const t0 = Math.min(...unixSeconds(f, "time"));
    for (const h of [5.3, 12]) {
      const got = mapValues(resultPath.stateMap("Li2S", `t${h}h`));
      const { worst, compared } = worstDeviation(got, fromFrames(t0 + h * 3600));
      expect(compared).toBeGreaterThanOrEqual(14);
      expect(worst).toBeLessThan(1e-6);
    }
  });

  it("{sodc: 50, after: charge} is the middle of the constant-current charge (its start + chargeH/2 on the cycler's plan)", () => {
    const p = PRESETS.tiny;
    const c = truth.cycler;
    const t = Date.parse(c.start_utc) / 1000 + c.ocv_s + c.discharge_s + (p.restH + p.chargeH / 2) * 3600;
    const got = mapValues(resultPath.stateMap("Li2S", "midcharge"));
    const { worst, compared } = worstDeviation(got, fromFrames(t));
    expect(compared).toBeGreaterThanOrEqual(14);
    // the cycler log's records are 1 s apart or less; a second of a 4 h charge moves the band by < 1e-6
    expect(worst).toBeLessThan(1e-5);
  });

  it("run.json says what each state is", () => {
    const run = JSON.parse(readFileSync(join(results, RESULTS.run.path), "utf8"));
    expect(run.maps_at).toContainEqual({ name: "charge1_sodc0", about: "0 % SODC in charge 1" });
    expect(run.maps_differences).toContainEqual(["sod100", "charge1_sodc0"]);
  });

  const py = pythonWith(["h5py", "numpy", "silx.io.nxdata"]);
  it.runIf(toolAvailable("python3-h5py + python3-silx", py !== null))(
    "results.h5 holds the state and difference maps as valid NXdata equal to the CSVs (h5py, silx)",
    () => {
      const out = runPython(
        py!,
        `
import sys, csv, json, h5py, numpy as np
from silx.io.nxdata import is_valid_nxdata
d = sys.argv[1]
f = h5py.File(d + "/results.h5", "r")
out = {}
for name in ["Li2S_charge1_sodc0", "Li2S_charge1_sodc0_minus_sod100", "S_t12h"]:
    g = f["entry/maps/" + name]
    v = g["value"][()]
    rows = list(csv.DictReader(open(d + "/maps/" + name + ".csv")))
    ref = np.array([float(r["value"]) if r["value"] else np.nan for r in rows]).reshape(v.shape)
    out[name] = [bool(is_valid_nxdata(g)), float(np.nanmax(np.abs(v - ref) / np.maximum(np.abs(ref), 1e-30)))]
print(json.dumps(out))
`,
        [results],
      );
      const r = JSON.parse(out) as Record<string, [boolean, number]>;
      for (const [name, [valid, dev]] of Object.entries(r)) {
        expect(valid, name).toBe(true);
        expect(dev, name).toBeLessThan(1e-6);
      }
    },
  );
});

describe("map states the config or the experiment cannot give: one line naming the key", () => {
  const withMaps = (maps: string) => {
    const f = join(dir, `bad-${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(f, yaml.replace(/^maps: .*$/m, maps).replace(/^out: .*$/m, "out: bad-results"));
    return f;
  };
  it.each([
    ["maps: {at: [{sodc: 5, time_h: 2}]}", "maps.at[0]: expected one of sodc: P"],
    ["maps: {at: [{time_h: 2, after: charge}]}", "maps.at[0]: after: and cycle: go with sodc:"],
    ["maps: {at: [{sodc: 5, name: x_sod5}]}", 'maps.at[0].name: "x_sod5"'],
    ["maps: {at: [{time_h: 2}, {time_h: 3, name: t2h}]}", 'maps.at[1].name: "t2h" is used twice'],
    [
      "maps: {at_sod: [50], at: [{sodc: 50}]}",
      "maps.at[0]: SODC 50 % of the first discharge is listed twice",
    ],
    [
      "maps: {at_sod: [50], differences: [[sod50, nope]]}",
      'maps.differences[0]: no state named "nope" (states: sod50)',
    ],
    ["maps: {at: [{sodc: 5, after: rest}]}", "maps.at[0].after: expected discharge | charge"],
  ])("%s", async (maps, msg) => {
    const err = await loadConfig(withMaps(maps)).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toContain(msg);
    expect((err as Error).message.split("\n")).toHaveLength(1);
  });

  it.each([
    [
      "maps: {at: [{sodc: 0, after: charge, cycle: 2}]}",
      "cycling.mpt) has 1 discharge and 1 charge half-cycles, so no charge 2",
    ],
    ["maps: {at: [{time_h: 40}]}", "maps.at[0]: time_h 40 is after the last frame (the frames span 0–15."],
  ])("%s: refused before the reduction", async (maps, msg) => {
    const err = await runExperiment(withMaps(maps)).catch((e: Error) => e);
    expect((err as Error).name).toBe("InputError");
    expect((err as Error).message).toContain(msg);
    expect((err as Error).message.split("\n")).toHaveLength(1);
  });
});

describe("difference maps are drawn on a diverging scale centred on 0", () => {
  it("RdBu: ColorBrewer's published ends and white centre; lightness rises to the centre and falls after", () => {
    const t = colormap("rdbu");
    expect(colorAt(t, 0)).toBe("#053061");
    // the centre sample (#f7f7f7) falls between entries 127 and 128 of the 256: both within 1/255
    for (const k of [127, 128])
      for (let c = 0; c < 3; c++) expect(Math.abs(t.table[k * 3 + c]! - 0xf7)).toBeLessThanOrEqual(1);
    expect(colorAt(t, 1)).toBe("#67001f");
    const light = (k: number) =>
      0.3 * t.table[k * 3]! + 0.59 * t.table[k * 3 + 1]! + 0.11 * t.table[k * 3 + 2]!;
    for (let k = 1; k <= 127; k++) expect(light(k)).toBeGreaterThanOrEqual(light(k - 1) - 1e-9);
    for (let k = 129; k < 256; k++) expect(light(k)).toBeLessThanOrEqual(light(k - 1) + 1e-9);
    // ±the 98th percentile of |v| (numpy's linear percentile of 0.5, 1, …, 50 is 49.01)
    const v = Array.from({ length: 100 }, (_, i) => (i % 2 ? 1 : -1) * (i + 1) * 0.5);
    const d = symmetricDomain([...v, Number.NaN]);
    expect(d[0]).toBeCloseTo(-49.01, 10);
    expect(d[1]).toBeCloseTo(49.01, 10);
  });

  it("the report shows each state map and each difference, the difference in RdBu", async () => {
    const out = join(dir, "report.html");
    const r = await writeReport(results, out);
    expect(r.figures).toEqual(
      expect.arrayContaining([
        "map_Li2S_charge1_sodc0",
        "map_Li2S_t12h",
        "map_Li2S_charge1_sodc0_minus_sod100",
        "map_S_sod100_minus_sod0",
      ]),
    );
    const html = readFileSync(out, "utf8");
    expect(html).toContain("Maps at other states, and differences between states");
    expect(html).toContain("Δ Li2S, charge1_sodc0 − sod100");
  }, 60_000);
});
