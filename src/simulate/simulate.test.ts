import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { pythonWith, runPython, toolAvailable } from "../../test/support/tools.js";
import { buildSeries, readCycler } from "../echem/index.js";
import { openFrames, readFrame, readMask } from "../formats/index.js";
import { readPoni } from "../geometry/index.js";
import { Integrator1d } from "../integrate/index.js";
import { PRESETS, simulate } from "./index.js";

const root = mkdtempSync(join(tmpdir(), "swaxs-sim-"));
const tiny = join(root, "tiny");
const tiny2 = join(root, "tiny-again");
const p = PRESETS.tiny;

interface Truth {
  rows: number;
  cols: number;
  layers: string[];
  x_mm: number[];
  y_mm: number[];
  li2s_at_sod: Record<string, number[][]>;
  li2s_size_nm_end_of_discharge: number;
  frame_sod: number[];
}

const scan = (dir: string) =>
  readFileSync(join(dir, "scan.csv"), "utf8")
    .trim()
    .split("\n")
    .slice(1)
    .map((l) => l.split(","));
const truthOf = (dir: string) => JSON.parse(readFileSync(join(dir, "truth.json"), "utf8")) as Truth;
const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

beforeAll(async () => {
  await simulate(p, tiny, { seed: 7 });
  await simulate(p, tiny2, { seed: 7 });
}, 120_000);

describe("simulate --preset tiny", () => {
  it("writes the layout a real experiment has, and a truth with the promised fields", () => {
    const t = truthOf(tiny);
    expect(t.rows).toBe(p.rows);
    expect(t.cols).toBe(p.cols);
    expect(t.layers).toHaveLength(p.rows);
    expect(new Set(t.layers)).toEqual(new Set(["other", "cathode", "separator", "anode"]));
    // stack order along y, lowest first: other → cathode → separator → anode → other
    const order = t.layers.filter((l, i) => i === 0 || l !== t.layers[i - 1]);
    expect(order).toEqual(["other", "cathode", "separator", "anode", "other"]);
    for (const s of ["0", "50", "100"]) {
      expect(t.li2s_at_sod[s]).toHaveLength(p.rows);
      expect(t.li2s_at_sod[s]![0]).toHaveLength(p.cols);
    }
    expect(Math.max(...t.li2s_at_sod["0"]!.flat())).toBe(0);
    expect(Math.max(...t.li2s_at_sod["100"]!.flat())).toBeGreaterThan(0);
    const rows = scan(tiny);
    expect(rows).toHaveLength(2 * p.rows * p.cols * p.sweeps);
    expect(t.frame_sod).toHaveLength(p.rows * p.cols * p.sweeps);
    expect(t.frame_sod[0]).toBe(0);
    expect(t.frame_sod[t.frame_sod.length - 1]).toBe(1);
    for (const r of rows) expect(r[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it("is reproducible: the same seed gives the same files", () => {
    for (const f of [
      "scan.csv",
      "truth.json",
      "cycling.mpt",
      "frames/waxs/waxs_s003_r004_c01.cbf",
      "calibrant_waxs.cbf",
    ])
      expect(sha(readFileSync(join(tiny2, f)))).toBe(sha(readFileSync(join(tiny, f))));
  });

  it("every frame, mask and the cycler export read back with our readers", async () => {
    const rows = scan(tiny);
    for (const r of rows.slice(0, 40)) {
      const src = await openFrames(join(tiny, r[2]!));
      expect(src.frameCount).toBeGreaterThan(Number(r[3]));
      src.close();
    }
    const f = await readFrame(join(tiny, "empty_waxs.cbf"));
    const mask = await readMask(join(tiny, "waxs_mask.edf"), f.shape);
    expect(mask.length).toBe(f.data.length);
    // the calibrant: CeO2 on the WAXS detector, its 111 line (q = 2π√3/a = 20.11 nm⁻¹) the strongest
    const cal = await readFrame(join(tiny, "calibrant_waxs.cbf"));
    expect(cal.shape).toEqual(f.shape);
    const res = new Integrator1d(await readPoni(join(tiny, "waxs.poni")), cal.shape, {
      npt: 800,
      polarizationFactor: 0.99,
      mask,
      countCutoff: 2 ** 20 - 1,
    }).integrate(cal.data, cal.dtype);
    const top = res.intensity.indexOf(Math.max(...res.intensity));
    expect(res.radial[top]).toBeCloseTo((2 * Math.PI * Math.sqrt(3)) / 0.5411651, 1);
    const series = buildSeries(await readCycler(join(tiny, "cycling.mpt")), {
      clock: { timezone: p.cyclerTimezone },
    });
    expect(series.halfCycles.map((h) => h.kind)).toEqual(["discharge", "charge"]);
    expect(series.sodcPct![series.n - 1]).toBeCloseTo(63, 0);
  });

  it("the cycler clock and the scan log agree: frame SOD from the join equals the truth", async () => {
    const series = buildSeries(await readCycler(join(tiny, "cycling.mpt")), {
      clock: { timezone: p.cyclerTimezone },
    });
    const waxs = scan(tiny).filter((r) => r[1] === "waxs");
    const { joinFrames } = await import("../echem/index.js");
    const j = joinFrames(
      series,
      waxs.map((r) => Date.parse(r[0]!) / 1000),
    );
    const truth = truthOf(tiny).frame_sod;
    expect(j.before + j.after).toBe(0);
    for (let i = 0; i < truth.length; i++) {
      const first = series.halfCycles[0]!;
      const sod = Math.min(1, Math.max(0, j.sodcPct[i]! / 100));
      if (j.timeS[i]! <= series.timeS[first.end]!) expect(sod).toBeCloseTo(truth[i]!, 2);
    }
  });

  it("the Li2S band of a cathode pixel grows through discharge; the separator's stays", async () => {
    const t = truthOf(tiny);
    const cal = await readPoni(join(tiny, "waxs.poni"));
    const rows = scan(tiny).filter((r) => r[1] === "waxs");
    const band = async (row: number, sweep: number) => {
      const y = t.y_mm[row]!.toFixed(4);
      const r = rows.filter((x) => x[5] === y)[sweep * p.cols]!;
      const f = await readFrame(join(tiny, r[2]!));
      const res = new Integrator1d(cal, f.shape, { npt: 400, polarizationFactor: 0.99 }).integrate(
        f.data,
        f.dtype,
      );
      let s = 0;
      for (let i = 0; i < res.radial.length; i++)
        if (res.radial[i]! >= 18.3 && res.radial[i]! <= 20.8) s += res.intensity[i]!;
      return s / Number(r[7]);
    };
    const cath = t.layers.indexOf("cathode") + 1;
    const sep = t.layers.indexOf("separator") + 1;
    const endOfDischarge = t.frame_sod.findIndex((s) => s >= 0.96) / (p.rows * p.cols);
    const k = Math.floor(endOfDischarge);
    expect((await band(cath, k)) / (await band(cath, 0))).toBeGreaterThan(1.2);
    expect(Math.abs((await band(sep, k)) / (await band(sep, 0)) - 1)).toBeLessThan(0.05);
  });
});

const py = pythonWith(["fabio", "pyFAI", "numpy"]);
describe.skipIf(!toolAvailable("python3-fabio and python3-pyfai", py !== null))(
  "the field's own tools read the simulation",
  () => {
    it("fabio reads a CBF frame and the EDF mask; pyFAI loads the PONI and integrates the frame as we do", async () => {
      const file = join(tiny, "frames/waxs/waxs_s005_r003_c00.cbf");
      const out = runPython(
        py!,
        `import sys, json, fabio, pyFAI, numpy as np
f = fabio.open(sys.argv[1]); m = fabio.open(sys.argv[2])
ai = pyFAI.load(sys.argv[3])
mask = (m.data != 0) | (f.data < 0)
r = ai.integrate1d(f.data, 300, unit="q_nm^-1", method=("bbox","csr","cython"), polarization_factor=0.99, mask=mask, error_model="poisson")
print(json.dumps({"shape": list(f.data.shape), "sum": int(f.data.astype(np.int64).sum()), "masked": int((m.data != 0).sum()), "q": r.radial.tolist(), "I": r.intensity.tolist()}))`,
        [file, join(tiny, "waxs_mask.edf"), join(tiny, "waxs.poni")],
      );
      const ref = JSON.parse(out);
      const f = await readFrame(file);
      expect(ref.shape).toEqual(f.shape);
      let sum = 0;
      for (const v of f.data) sum += v;
      expect(ref.sum).toBe(sum);
      const mask = await readMask(join(tiny, "waxs_mask.edf"), f.shape);
      expect(ref.masked).toBe(mask.reduce((s, v) => s + v, 0));
      const res = new Integrator1d(await readPoni(join(tiny, "waxs.poni")), f.shape, {
        npt: 300,
        polarizationFactor: 0.99,
        mask,
        errorModel: "poisson",
      }).integrate(f.data, f.dtype);
      for (let i = 0; i < 300; i++) {
        expect(res.radial[i]).toBeCloseTo(ref.q[i], 6);
        expect(Math.abs(res.intensity[i]! - ref.I[i]) / Math.max(1e-9, Math.abs(ref.I[i]))).toBeLessThan(
          1e-5,
        );
      }
    });
  },
);

const h5 = pythonWith(["h5py", "bitshuffle.h5", "numpy"]);
describe.skipIf(!toolAvailable("python3-h5py with bitshuffle", h5 !== null))(
  "Eiger frames of the lab preset",
  () => {
    it("h5py with bitshuffle reads the bitshuffle-LZ4 NeXus stacks as we do", async () => {
      const dir = join(root, "liquid");
      await simulate({ ...PRESETS["paper-liquid"], rows: 2, cols: 1, sweeps: 2 }, dir, { seed: 3 });
      const file = join(dir, "frames/waxs/waxs_sweep001.h5");
      const out = runPython(
        h5!,
        `import sys, json, h5py, bitshuffle.h5, numpy as np
d = h5py.File(sys.argv[1], "r")["/entry/data/data"]
print(json.dumps({"shape": list(d.shape), "filters": list(d._filters.keys()), "sum1": int(d[1].astype(np.int64).sum())}))`,
        [file],
      );
      const ref = JSON.parse(out);
      const src = await openFrames(file);
      expect(ref.shape).toEqual([src.frameCount, ...src.shape]);
      expect(ref.filters).toContain("32008");
      const f = await src.readFrame(1);
      src.close();
      let sum = 0;
      for (const v of f.data) sum += v;
      expect(ref.sum1).toBe(sum);
    }, 120_000);
  },
);
