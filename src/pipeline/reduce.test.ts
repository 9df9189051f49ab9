import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { readFrame } from "../formats/index.js";
import { readPoni } from "../geometry/index.js";
import { Integrator1d } from "../integrate/index.js";
import { PRESETS, simulate } from "../simulate/index.js";
import { countCutoffOf, DetectorReducer, type DetectorReduction } from "./reduce.js";

const dir = join(mkdtempSync(join(tmpdir(), "swaxs-reduce-")), "sim");
const p = { ...PRESETS.tiny, sweeps: 2 };
const opts = (): DetectorReduction => ({
  poni: join(dir, "waxs.poni"),
  mask: join(dir, "waxs_mask.edf"),
  npt: 300,
  unit: "q_nm^-1",
  method: "bbox",
  polarization: 0.99,
  flipUd: false,
  background: { file: join(dir, "empty_waxs.cbf"), exposureS: p.dwellS, monitor: 1e5 * p.dwellS },
  emptyItOverI0: 1,
});

beforeAll(async () => {
  await simulate(p, dir, { seed: 5 });
}, 60_000);

describe("DetectorReducer", () => {
  it("the empty cell reduced as a sample of the empty cell's transmission is zero within its errors", async () => {
    const o = opts();
    const ref = {
      file: join(dir, "empty_waxs.cbf"),
      frame: 0,
      exposureS: p.dwellS,
      monitor: 1e5 * p.dwellS,
      i0: 1e5 * p.dwellS,
      it: 1e5 * p.dwellS,
    };
    const red = await DetectorReducer.create(o, ref);
    const r = await red.reduce(ref);
    expect(r.transmission).toBe(1);
    let chi2 = 0;
    let n = 0;
    for (let i = 0; i < r.intensity.length; i++) {
      if (!(r.sigma[i]! > 0)) continue;
      expect(r.intensity[i]).toBe(0); // same frame, same normalisation: exactly zero
      n++;
      chi2 += (r.intensity[i]! / r.sigma[i]!) ** 2;
    }
    expect(n).toBeGreaterThan(250);
    expect(chi2).toBe(0);
  });

  it("normalises by exposure × monitor: doubling the monitor halves the curve; T is it/i0 whatever the monitor", async () => {
    const o = { ...opts(), background: null };
    const ref = {
      file: join(dir, "frames/waxs/waxs_s000_r004_c00.cbf"),
      frame: 0,
      exposureS: 1,
      monitor: 1e5,
      i0: 1e5,
      it: 1.5e4,
    };
    const red = await DetectorReducer.create(o, ref);
    const a = await red.reduce(ref);
    const b = await red.reduce({ ...ref, monitor: 2e5 });
    expect(a.transmission).toBeCloseTo(0.15, 12);
    expect(b.transmission).toBeCloseTo(a.transmission, 12);
    let checked = 0;
    for (let i = 0; i < a.intensity.length; i++) {
      if (a.intensity[i] === 0) continue;
      expect(b.intensity[i]! / a.intensity[i]!).toBeCloseTo(0.5, 6);
      expect(b.sigma[i]! / a.sigma[i]!).toBeCloseTo(0.5, 6);
      checked++;
    }
    expect(checked).toBeGreaterThan(250);
    red.closeAll();
  });

  it("a missing frame file is named", async () => {
    const o = opts();
    await expect(
      DetectorReducer.create(o, {
        file: join(dir, "frames/waxs/nope.cbf"),
        frame: 0,
        exposureS: 1,
        monitor: 1,
        i0: 1,
        it: 1,
      }),
    ).rejects.toThrow(/nope\.cbf: no such file/);
  });
});

describe("count cutoff: saturated and hot pixels are skipped", () => {
  it("Pilatus frames get the 20-bit cutoff, a header's Count_cutoff wins, other detectors get none", async () => {
    const f = await readFrame(join(dir, "empty_waxs.cbf"));
    expect(countCutoffOf(f, "Pilatus100k")).toBe(2 ** 20 - 1);
    expect(
      countCutoffOf({ ...f, metadata: { ...f.metadata, Count_cutoff: "1097223 counts" } }, "Pilatus100k"),
    ).toBe(1097223);
    expect(countCutoffOf(f, "Eiger2_500k")).toBeNull();
    expect(countCutoffOf({ ...f, metadata: { saturation_value: 9742 } }, "Eiger2_500k")).toBe(9742);
  });

  it("the twin's hot pixels (stuck at 2²⁰ − 1) count like masked pixels", async () => {
    const f = await readFrame(join(dir, "frames/waxs/waxs_s000_r000_c00.cbf"));
    const cal = await readPoni(join(dir, "waxs.poni"));
    const data = f.data as Int32Array;
    const hot = [...data.keys()].filter((k) => data[k]! >= 2 ** 20 - 1);
    expect(hot.length).toBeGreaterThan(0);
    const mask = new Uint8Array(data.length);
    for (const k of hot) mask[k] = 1;
    const base = {
      npt: 300,
      unit: "q_nm^-1" as const,
      method: "bbox" as const,
      errorModel: "poisson" as const,
    };
    const cut = new Integrator1d(cal, f.shape, { ...base, countCutoff: 2 ** 20 - 1 }).integrate(
      f.data,
      f.dtype,
    );
    const masked = new Integrator1d(cal, f.shape, { ...base, mask }).integrate(f.data, f.dtype);
    const none = new Integrator1d(cal, f.shape, base).integrate(f.data, f.dtype);
    for (let j = 0; j < 300; j++)
      if (masked.intensity[j]! > 0) expect(cut.intensity[j]! / masked.intensity[j]!).toBeCloseTo(1, 5);
    // without the cutoff the hot pixels dominate their bins
    const worst = Math.max(
      ...Array.from(none.intensity, (v, j) => (masked.intensity[j]! > 0 ? v / masked.intensity[j]! : 1)),
    );
    expect(worst).toBeGreaterThan(10);
  });
});
