import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { PRESETS, simulate } from "../simulate/index.js";
import { DetectorReducer, type DetectorReduction } from "./reduce.js";

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
  background: { file: join(dir, "empty_waxs.cbf"), exposureS: p.dwellS, i0: 1e5 * p.dwellS },
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

  it("normalises by exposure × monitor: doubling i0 and it halves the curve, T unchanged", async () => {
    const o = { ...opts(), background: null };
    const ref = {
      file: join(dir, "frames/waxs/waxs_s000_r004_c00.cbf"),
      frame: 0,
      exposureS: 1,
      i0: 1e5,
      it: 1.5e4,
    };
    const red = await DetectorReducer.create(o, ref);
    const a = await red.reduce(ref);
    const b = await red.reduce({ ...ref, i0: 2e5, it: 3e4 });
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
        i0: 1,
        it: 1,
      }),
    ).rejects.toThrow(/nope\.cbf: no such file/);
  });
});
