/**
 * `swaxs run`'s files beyond the CSV contract, read back by independent tools: results.h5 through
 * h5py and silx's NXdata validator, the SAXS region curves through SasView's own loader; and a run
 * killed half-way resuming from its reduced-curve stores to the same results as an unbroken run.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";
import { swaxs } from "../../test/support/cli.js";
import { pythonWith, runPython, toolAvailable } from "../../test/support/tools.js";
import { openH5 } from "../formats/h5.js";
import { readFrame, writeCbf } from "../formats/index.js";
import { numbers, readCsvSync, strings } from "../results/index.js";
import { PRESETS, simulate } from "../simulate/index.js";
import { runExperiment } from "./run.js";

const root = mkdtempSync(join(tmpdir(), "swaxs-out-"));
const dir = join(root, "sim");
const results = join(dir, "results");
const small = { ...PRESETS.tiny, rows: 6, cols: 2, sweeps: 4 };

beforeAll(async () => {
  await simulate(small, dir, { seed: 7 });
  await runExperiment(join(dir, "experiment.yaml"));
}, 120_000);

describe("results.h5 (NeXus) read back by h5py and silx", () => {
  const py = pythonWith(["h5py", "numpy", "silx.io.nxdata"]);
  it.runIf(toolAvailable("python3-h5py + python3-silx", py !== null))(
    "curves equal the reduced frames; maps and regions equal the CSVs; every NXdata is valid",
    () => {
      const out = runPython(
        py!,
        `
import sys, csv, json, h5py, numpy as np
from silx.io.nxdata import is_valid_nxdata
d = sys.argv[1]
f = h5py.File(d + "/results.h5", "r")
frames = list(csv.DictReader(open(d + "/frames.csv")))
bad = []
f.visititems(lambda n, o: bad.append(n) if isinstance(o, h5py.Group) and o.attrs.get("NX_class") == "NXdata" and not is_valid_nxdata(o) else None)
worst = 0.0
checked = 0
for det in ["saxs", "waxs"]:
    red = h5py.File(d + f"/reduced_{det}.h5", "r")["entry/data/I"][()]
    cube = f[f"entry/{det}/I"][()]
    rows_ = [r for r in frames if r["detector"] == det]
    ncol = int(max(int(r["col"]) for r in frames)) + 1
    seen = {}
    for k, r in enumerate(rows_):
        p = int(r["row"]) * ncol + int(r["col"])
        s = seen.get(p, 0); seen[p] = s + 1
        worst = max(worst, float(np.max(np.abs(cube[p, s] - red[k]))))
        checked += 1
maps = {}
for name in f["entry/maps"]:
    v = f[f"entry/maps/{name}/value"][()]
    rows = list(csv.DictReader(open(d + f"/maps/{name}.csv")))
    ref = np.array([float(r["value"]) if r["value"] else np.nan for r in rows]).reshape(v.shape)
    maps[name] = float(np.nanmax(np.abs(v - ref) / np.maximum(np.abs(ref), 1e-30)))
labels = f["entry/regions/value"].attrs["labels"].split(",")
codes = f["entry/regions/value"][()]
regions = [r["region"] for r in csv.DictReader(open(d + "/regions.csv"))]
same = [labels[c] for c in codes.ravel()] == regions
print(json.dumps({"bad": bad, "worst": worst, "checked": checked, "maps": maps, "regions": same,
  "default": f["entry"].attrs["default"], "shape": list(f["entry/waxs/I"].shape)}))
`,
        [results],
      );
      const r = JSON.parse(out) as {
        bad: string[];
        worst: number;
        checked: number;
        maps: Record<string, number>;
        regions: boolean;
        shape: number[];
      };
      expect(r.bad).toEqual([]);
      expect(r.checked).toBe(2 * small.rows * small.cols * small.sweeps);
      expect(r.worst).toBe(0);
      expect(r.shape).toEqual([small.rows * small.cols, small.sweeps, PRESETS.tiny.waxs.npt]);
      expect(Object.keys(r.maps).length).toBeGreaterThanOrEqual(3);
      for (const dev of Object.values(r.maps)) expect(dev).toBeLessThan(1e-6);
      expect(r.regions).toBe(true);
    },
  );
});

describe("SAXS region curves as NXcanSAS, loaded by SasView (sasdata)", () => {
  const py = pythonWith(["sasdata.dataloader.loader", "h5py", "numpy"]);
  it.runIf(toolAvailable("python3-sasdata", py !== null))(
    "one data set per region and sweep, each the mean of that region's reduced SAXS curves",
    () => {
      const out = runPython(
        py!,
        `
import sys, csv, json, h5py, numpy as np
from sasdata.dataloader.loader import Loader
d = sys.argv[1]
sets = Loader().load(d + "/saxs_cansas.h5")
frames = [r for r in csv.DictReader(open(d + "/frames.csv")) if r["detector"] == "saxs"]
regions = [r["region"] for r in csv.DictReader(open(d + "/regions.csv"))]
ncol = int(max(int(r["col"]) for r in frames)) + 1
red = h5py.File(d + "/reduced_saxs.h5", "r")["entry/data"]
I = red["I"][()]; q = red["q"][()]
# sweeps: a pixel seen again starts the next one
sweep, seen, s = [], set(), 0
for r in frames:
    p = int(r["row"]) * ncol + int(r["col"])
    if p in seen: s += 1; seen = set()
    seen.add(p); sweep.append(s)
worst, qdev, kept = 0.0, 0.0, 1.0
for ds in sets:
    region, sw = ds.run[0].rsplit("_sweep", 1)
    ks = [k for k, r in enumerate(frames) if sweep[k] == int(sw) and regions[int(r["row"]) * ncol + int(r["col"])] == region]
    ref = I[ks].mean(axis=0)
    # SasView drops points it cannot use (I = 0 or NaN where no pixel reached the bin): match on q
    at = np.clip(np.searchsorted(q, ds.x * 10 * (1 - 1e-9)), 0, len(q) - 1)
    qdev = max(qdev, float(np.max(np.abs(ds.x * 10 - q[at]) / q[at])))
    worst = max(worst, float(np.max(np.abs(ds.y - ref[at]) / np.abs(ref[at]))))
    kept = min(kept, len(ds.x) / len(q))
print(json.dumps({"n": len(sets), "worst": worst, "qdev": qdev, "kept": kept, "xunit": sets[0].x_unit}))
`,
        [results],
      );
      const r = JSON.parse(out) as { n: number; worst: number; qdev: number; kept: number; xunit: string };
      const regions = new Set(strings(readCsvSync(join(results, "regions.csv")), "region"));
      expect(r.n).toBe(regions.size * small.sweeps);
      expect(r.worst).toBeLessThan(1e-5);
      expect(r.qdev).toBeLessThan(1e-9);
      expect(r.kept).toBeGreaterThan(0.5);
      expect(r.xunit).toMatch(/A/);
    },
  );
});

/** Start `swaxs run` and SIGKILL it once its progress reports `atLeast` frames reduced. */
function killMidway(yaml: string, atLeast: number): Promise<string> {
  const entry = fileURLToPath(new URL("../../test/support/swaxs-dev.ts", import.meta.url));
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", entry, "run", yaml]);
    let err = "";
    child.stderr.on("data", (b: Buffer) => {
      err += b.toString();
      const m = [...err.matchAll(/reduce: (\d+)\//g)].map((x) => Number(x[1]));
      if (m.some((n) => n >= atLeast)) child.kill("SIGKILL");
    });
    child.on("exit", () => resolve(err));
  });
}

describe("an interrupted run resumes where it stopped", () => {
  it("killed half-way: no results folder appears; the re-run resumes and matches an unbroken run", async () => {
    const yaml = join(dir, "experiment.yaml");
    // the config's paths are relative to it: a copy beside the original, writing elsewhere
    const resumedYaml = join(dir, "again.yaml");
    writeFileSync(resumedYaml, readFileSync(yaml, "utf8").replace(/^out: .*$/m, "out: resumed"));
    const log = await killMidway(resumedYaml, 40);
    expect(log).not.toMatch(/reduced \d+ frames/);
    expect(existsSync(join(dir, "resumed"))).toBe(false);
    expect(existsSync(join(dir, "resumed.partial", ".work"))).toBe(true);
    const r = swaxs("run", resumedYaml);
    expect(r.code, r.stderr).toBe(0);
    const n = Number(/resumed: (\d+) frames/.exec(r.stderr)?.[1]);
    expect(n).toBeGreaterThanOrEqual(20);
    expect(existsSync(join(dir, "resumed.partial"))).toBe(false);
    for (const f of [
      "frames.csv",
      "regions.csv",
      "maps/Li2S_sod100.csv",
      "timeseries/cathode_waxs_heatmap.csv",
    ])
      expect(readFileSync(join(dir, "resumed", f), "utf8")).toBe(readFileSync(join(results, f), "utf8"));
  }, 120_000);
});

describe("swaxs run: a scan log missing a column", () => {
  it("names the file and the column, exit 2, and writes no results", () => {
    const yaml = join(dir, "nocol.yaml");
    writeFileSync(
      yaml,
      readFileSync(join(dir, "experiment.yaml"), "utf8")
        .replace(/^scan: .*$/m, "scan: nocol.csv")
        .replace(/^out: .*$/m, "out: nocol"),
    );
    const text = readFileSync(join(dir, "scan.csv"), "utf8").split("\n");
    writeFileSync(join(dir, "nocol.csv"), text.map((l) => l.split(",").slice(0, -1).join(",")).join("\n"));
    const r = swaxs("run", yaml);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/nocol\.csv: .*\bit\b/);
    expect(r.stderr.trim().split("\n")).toHaveLength(1);
    expect(existsSync(join(dir, "nocol"))).toBe(false);
  });
});

describe("2D caking (config caking:)", () => {
  it("with one azimuthal bin the caked region means equal the 1D ones; with 36, one image per sweep and region", async () => {
    const yaml = join(dir, "caked.yaml");
    const cfg = readFileSync(join(dir, "experiment.yaml"), "utf8").replace(/^out: .*$/m, "out: caked");
    writeFileSync(yaml, `${cfg}caking: {detector: waxs, npt_azim: 1, npt: ${PRESETS.tiny.waxs.npt}}\n`);
    await runExperiment(yaml);
    const f = await openH5(join(dir, "caked", "results.h5"));
    const get = (p: string) => (f.get(p) as { value: Float32Array }).value;
    const regions = strings(readCsvSync(join(dir, "caked", "regions.csv")), "region");
    const cube = get("entry/waxs/I");
    const npt = PRESETS.tiny.waxs.npt;
    const cake = get("entry/caked/cathode_waxs/I");
    const pix = regions.flatMap((r, p) => (r === "cathode" ? [p] : []));
    expect(pix.length).toBeGreaterThan(0);
    let worst = 0;
    for (let s = 0; s < small.sweeps; s++)
      for (let j = 0; j < npt; j++) {
        const m = pix.reduce((a, p) => a + cube[(p * small.sweeps + s) * npt + j]!, 0) / pix.length;
        if (m !== 0) worst = Math.max(worst, Math.abs(cake[s * npt + j]! / m - 1));
      }
    f.close();
    // two independent paths (the 2D engine with one χ bin, the 1D engine) through the same frames
    expect(worst).toBeLessThan(1e-5);

    writeFileSync(yaml, `${cfg}caking: {detector: waxs, npt_azim: 36, npt: 100}\n`);
    await runExperiment(yaml);
    const g = await openH5(join(dir, "caked", "results.h5"));
    const ds = g.get("entry/caked/cathode_waxs/I") as { shape: number[] };
    expect(ds.shape).toEqual([small.sweeps, 36, 100]);
    g.close();
  }, 60_000);
});

describe("worker threads (config workers:)", () => {
  it("reading, integrating and fitting on 2 worker threads gives what the main thread alone gives, bit for bit", async () => {
    const cfg = readFileSync(join(dir, "experiment.yaml"), "utf8");
    for (const n of [0, 2]) {
      writeFileSync(
        join(dir, `workers${n}.yaml`),
        `${cfg.replace(/^out: .*$/m, `out: workers${n}`)}workers: ${n}\n`,
      );
      await runExperiment(join(dir, `workers${n}.yaml`));
    }
    // frames.csv holds the frame-by-frame sizes (fitted on the workers with workers: 2)
    const sizes = readFileSync(join(dir, "workers2", "frames.csv"), "utf8")
      .split("\n")
      .filter((l) => /,waxs,/.test(l) && /\d/.test(l.split(",").at(-1) ?? ""));
    expect(sizes.length).toBeGreaterThan(0);
    for (const f of [
      "frames.csv",
      "maps/Li2S_sod50.csv",
      "timeseries/cathode_waxs_heatmap.csv",
      "crystallite/Li2S.csv",
    ])
      expect(readFileSync(join(dir, "workers2", f), "utf8")).toBe(
        readFileSync(join(dir, "workers0", f), "utf8"),
      );
  }, 90_000);
});

describe("an empty cell counted differently from the frames (background: {det: {file, exposure_s, i0}})", () => {
  it("stating how it was counted gives the same results; leaving it out would not", async () => {
    const e = await readFrame(join(dir, "empty_waxs.cbf"));
    const doubled = Int32Array.from(e.data as Int32Array, (v) => (v > 0 ? 2 * v : v));
    await writeCbf(join(dir, "empty2_waxs.cbf"), { ...e, data: doubled });
    const scan = readCsvSync(join(dir, "scan.csv"));
    const dets = strings(scan, "detector");
    const i0s = Array.from(numbers(scan, "i0"))
      .filter((_, i) => dets[i] === "waxs")
      .sort((a, b) => a - b);
    const i0 = i0s[i0s.length >> 1]!;
    const base = readFileSync(join(dir, "experiment.yaml"), "utf8").replace(
      /^ {2}waxs: empty_waxs\.cbf$/m,
      "  waxs: WAXS",
    );
    expect(base).toContain("waxs: WAXS");
    const band = (out: string) => {
      const t = readCsvSync(join(dir, out, "frames.csv"));
      const dets = strings(t, "detector");
      return Array.from(numbers(t, "band_Li2S")).filter((_, i) => dets[i] === "waxs");
    };
    const ref = band("results");
    const run = async (out: string, bg: string) => {
      const yaml = join(dir, `${out}.yaml`);
      writeFileSync(yaml, base.replace("WAXS", bg).replace(/^out: .*$/m, `out: ${out}`));
      await runExperiment(yaml);
      return band(out);
    };
    const stated = await run(
      "bg_stated",
      `{file: empty2_waxs.cbf, exposure_s: ${2 * small.dwellS}, i0: ${i0}}`,
    );
    const unstated = await run("bg_unstated", "empty2_waxs.cbf");
    const dev = (a: number[]) =>
      Math.max(...a.map((v, k) => Math.abs(v / ref[k]! - 1)).filter(Number.isFinite));
    expect(dev(stated)).toBeLessThan(1e-3);
    expect(dev(unstated)).toBeGreaterThan(1e-2);
  }, 60_000);
});
