/**
 * Issue 15's run outputs read back by independent tools: the `.xye` region curves with numpy
 * (2θ ↔ q through pyFAI's own unit equations at the header's wavelength; I and σ equal to the
 * NXcanSAS region curves, and for WAXS to the region mean of results.h5's per-pixel curves), and
 * dqdv.csv through the results reader.
 */
import { mkdtempSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { pythonWith, runPython, toolAvailable } from "../../test/support/tools.js";
import { ResultsData } from "../results/index.js";
import { PRESETS, simulate } from "../simulate/index.js";
import { runExperiment } from "./run.js";
import { qAndTwoTheta, xyeText } from "./write/xye.js";

const root = mkdtempSync(join(tmpdir(), "swaxs-xye-"));
const dir = join(root, "sim");
const results = join(dir, "results");

beforeAll(async () => {
  await simulate({ ...PRESETS.tiny, rows: 6, cols: 2, sweeps: 4 }, dir, { seed: 11 });
  await runExperiment(join(dir, "experiment.yaml"));
}, 120_000);

describe(".xye region curves", () => {
  it("one file per detector × region × sweep", () => {
    const files = readdirSync(join(results, "xye"));
    for (const det of ["saxs", "waxs"])
      expect(files.some((f) => f.startsWith(`${det}_cathode_sweep`))).toBe(true);
    expect(files.every((f) => /^(saxs|waxs)_[a-z]+_sweep\d+\.xye$/.test(f))).toBe(true);
  });

  const py = pythonWith(["numpy", "h5py", "pyFAI.units"]);
  it.runIf(toolAvailable("python3-pyfai + python3-h5py", py !== null))(
    "numpy reads them; 2θ equals pyFAI's 2θ of q at the wavelength; I and σ equal the NXcanSAS and results.h5 curves",
    () => {
      const out = runPython(
        py!,
        `
import sys, os, re, csv, json, h5py, numpy as np
import pyFAI.units as U
d = sys.argv[1]
can = h5py.File(d + "/saxs_cansas.h5", "r")
runs = {can[e]["run"][()].decode() if isinstance(can[e]["run"][()], bytes) else str(can[e]["run"][()]): can[e]["sasdata"] for e in can}
res = h5py.File(d + "/results.h5", "r")
regions = list(csv.DictReader(open(d + "/regions.csv")))
ncol = max(int(r["col"]) for r in regions) + 1
worst = {"tth_vs_pyfai_deg": 0.0, "saxs_I_rel": 0.0, "saxs_sigma_rel": 0.0, "waxs_I_rel": 0.0}
n = {"saxs": 0, "waxs": 0}
for name in sorted(os.listdir(d + "/xye")):
    det, region, sweep = re.match(r"(\\w+?)_(\\w+)_sweep(\\d+)\\.xye$", name).groups()
    text = open(d + "/xye/" + name).read()
    lam_m = float(re.search(r"wavelength ([0-9.eE+-]+) angstrom", text).group(1)) * 1e-10
    x, I, s = np.loadtxt(d + "/xye/" + name, unpack=True)
    if det == "saxs":
        g = runs[f"{region}_sweep{sweep}"]
        q, Ic, Sc = g["Q"][()], g["I"][()], g["Idev"][()]
        ok = np.isfinite(Ic) & np.isfinite(Sc)
        q, Ic, Sc = q[ok], Ic[ok], Sc[ok]
    else:
        cube = res[f"entry/{det}/I"][()]
        q = res[f"entry/{det}/q"][()] if f"entry/{det}/q" in res else None
        pix = [int(r["row"]) * ncol + int(r["col"]) for r in regions if r["region"] == region]
        Ic = np.nanmean(cube[pix, int(sweep)], axis=0)
        ok = np.isfinite(Ic)
        Ic = Ic[ok]
    assert len(x) == len(Ic), (name, len(x), len(Ic))
    # pyFAI's own equations: a point at 2θ on a flat detector 1 m away, q from units.eq_q at λ
    tth_rad = x / U.TTH_DEG.scale
    q_pyfai = U.eq_q(np.tan(tth_rad), np.zeros_like(x), np.ones_like(x), lam_m)
    if det == "saxs":
        worst["tth_vs_pyfai_deg"] = max(worst["tth_vs_pyfai_deg"], float(np.max(np.abs(2 * np.arcsin(q * lam_m / 4e-9 / np.pi) - U.eq_2th(np.tan(tth_rad), 0 * x, 1 + 0 * x)) * U.TTH_DEG.scale)))
        worst["q_rel"] = max(worst.get("q_rel", 0.0), float(np.max(np.abs(q_pyfai / q - 1))))
        worst["saxs_I_rel"] = max(worst["saxs_I_rel"], float(np.max(np.abs(I - Ic) / np.abs(Ic))))
        worst["saxs_sigma_rel"] = max(worst["saxs_sigma_rel"], float(np.max(np.abs(s - Sc) / np.abs(Sc))))
    else:
        worst["waxs_I_rel"] = max(worst["waxs_I_rel"], float(np.max(np.abs(I - Ic) / np.maximum(np.abs(Ic), 1e-30))))
    n[det] += 1
print(json.dumps({"worst": worst, "n": n}))
`,
        [results],
      );
      const r = JSON.parse(out) as { worst: Record<string, number>; n: Record<string, number> };
      console.log(`xye vs pyFAI/NXcanSAS/results.h5: ${JSON.stringify(r)}`);
      expect(r.n.saxs).toBeGreaterThan(0);
      expect(r.n.waxs).toBeGreaterThan(0);
      expect(r.worst.q_rel!).toBeLessThan(1e-7);
      expect(r.worst.tth_vs_pyfai_deg!).toBeLessThan(1e-6);
      expect(r.worst.saxs_I_rel!).toBeLessThan(1e-7);
      expect(r.worst.saxs_sigma_rel!).toBeLessThan(1e-7);
      // results.h5 keeps the per-pixel curves as float32
      expect(r.worst.waxs_I_rel!).toBeLessThan(1e-5);
    },
  );

  it("2θ ↔ q round trip on a 2θ axis; NaN bins left out", () => {
    const lambda = 1.54e-10;
    const qNm = Float64Array.from([1, 10, 40]);
    const a = qAndTwoTheta(qNm, "q_nm^-1", lambda);
    const b = qAndTwoTheta(a.tthDeg, "2th_deg", lambda);
    for (const [j, q] of b.qNm.entries()) expect(q).toBeCloseTo(qNm[j]!, 10);
    expect(xyeText(["h"], [1, 2], [3, Number.NaN], [1, 1])).toBe("# h\n1 3 1\n");
  });
});

describe("dqdv.csv through the results reader", () => {
  it("one row per bin, on the run's UTC clock, inside the X-ray time span's cycler log", async () => {
    const data = await ResultsData.open(results);
    try {
      expect(data.summary().hasDqdv).toBe(true);
      const c = (await data.dqdv()).columns;
      expect(c.time!.length).toBeGreaterThan(10);
      for (const t of c.time!) expect(Number.isFinite(t)).toBe(true);
      const e = (await data.echem()).columns;
      const t0 = e.time![0]!;
      const t1 = e.time![e.time!.length - 1]!;
      for (const t of c.time!) expect(t >= t0 && t <= t1).toBe(true);
      for (const v of c.dqdv_mah_v!) expect(v).toBeGreaterThanOrEqual(-1e-9);
    } finally {
      data.close();
    }
  });
});
