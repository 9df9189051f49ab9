/**
 * dQ/dV against analytic ground truth (scripts/dqdv-golden.py: a log made from an analytic Q(V) with
 * 1 mV noise, an interruption and rests at the turning points) and on a real operando GITT log.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type DqdvCurve, dqdv } from "./dqdv.js";
import { readCycler } from "./read.js";
import { buildSeries } from "./series.js";

const FIX = join(import.meta.dirname, "../../test/fixtures");
interface Side {
  capacity_mah: number;
  peaks: { voltage_v: number; height_mah_v: number }[];
  windows: { lo_v: number; hi_v: number; charge_mah: number }[];
  bins: { voltage_v: number[]; dqdv_mah_v: number[] };
}
const golden = JSON.parse(readFileSync(join(FIX, "dqdv/golden.json"), "utf8")) as {
  bin_mv: number;
  v_top: number;
  v_bottom: number;
  background_mah_v: number;
  discharge: Side;
  charge: Side;
};

const goldenRecords = () =>
  readCycler(join(FIX, "dqdv/golden_log.csv"), {
    columns: { time: "time_s", voltage: "voltage_v", current: "current_ma", charge: "charge_mah" },
  });

/**
 * A peak's position as the centroid of dQ/dV above the background within ±halfWindow of `v0` (the
 * analytic peaks are symmetric, so the centroid is V_i); robust where the largest single bin is not.
 */
function centroidNear(c: DqdvCurve, v0: number, background: number, halfWindowV = 0.04): number {
  let sw = 0;
  let swv = 0;
  for (let j = 0; j < c.voltageV.length; j++) {
    const v = c.voltageV[j]!;
    if (Math.abs(v - v0) > halfWindowV) continue;
    const w = c.dqdvMAhPerV[j]! - background;
    sw += w;
    swv += w * v;
  }
  return swv / sw;
}

/** A 3-bin running mean by voltage (15 mV at 5-mV bins): the same smoothing on ours and the analytic bins. */
function smooth3(v: number[], y: number[]): Map<string, number> {
  const at = new Map(v.map((x, j) => [Math.round(x * 1e4), y[j]!]));
  const out = new Map<string, number>();
  for (const [k, val] of at) {
    const step = Math.round(golden.bin_mv * 10);
    const a = at.get(k - step);
    const b = at.get(k + step);
    if (a !== undefined && b !== undefined) out.set(String(k), (a + val + b) / 3);
  }
  return out;
}

const windowCharge = (c: DqdvCurve, lo: number, hi: number) => {
  let s = 0;
  for (let j = 0; j < c.voltageV.length; j++)
    if (c.voltageV[j]! > lo && c.voltageV[j]! < hi) s += c.chargeMAh[j]!;
  return s;
};

describe("dQ/dV against the analytic Q(V) of scripts/dqdv-golden.py", async () => {
  const rec = await goldenRecords();
  const s = buildSeries(rec);
  const r = dqdv(s, { binMv: golden.bin_mv });

  it("makes one curve per half-cycle, in mAh/V without a mass", () => {
    expect(r.curves.map((c) => c.kind)).toEqual(["discharge", "charge"]);
    expect(r.units).toBe("mAh/V");
    expect(r.curves[0]!.dqdvMAhPerGV).toBeNull();
  });

  for (const [k, side] of [
    [0, "discharge"],
    [1, "charge"],
  ] as const) {
    const g = golden[side];
    it(`${side}: peak positions within 2 mV of V_i`, () => {
      const c = r.curves[k]!;
      for (const p of g.peaks)
        expect(Math.abs(centroidNear(c, p.voltage_v, golden.background_mah_v) - p.voltage_v)).toBeLessThan(
          0.002,
        );
    });
    it(`${side}: peak areas (±60 mV) within 1 %, and the curve integrates to the capacity`, () => {
      const c = r.curves[k]!;
      for (const w of g.windows)
        expect(Math.abs(windowCharge(c, w.lo_v, w.hi_v) / w.charge_mah - 1)).toBeLessThan(0.01);
      const total = c.chargeMAh.reduce((a, b) => a + b, 0);
      expect(total + c.excludedMAh).toBeCloseTo(s.halfCycles[k]!.capacityMAh, 9);
      expect(Math.abs(total / g.capacity_mah - 1)).toBeLessThan(1e-3);
    });
    it(`${side}: smoothed over 15 mV, every bin within 10 % of the peak height of the analytic curve, peak heights within 5 %`, () => {
      const c = r.curves[k]!;
      // the first and last bins are only partly traversed (the limits carry noise)
      const inside = [...c.voltageV.keys()].filter(
        (j) => c.voltageV[j]! > golden.v_bottom + 0.01 && c.voltageV[j]! < golden.v_top - 0.01,
      );
      const ours = smooth3(
        inside.map((j) => c.voltageV[j]!),
        inside.map((j) => c.dqdvMAhPerV[j]!),
      );
      const want = smooth3(g.bins.voltage_v, g.bins.dqdv_mah_v);
      const top = Math.max(...want.values());
      let worst = 0;
      for (const [v, y] of ours) if (want.has(v)) worst = Math.max(worst, Math.abs(y - want.get(v)!));
      expect(worst / top).toBeLessThan(0.1);
      for (const p of g.peaks) {
        const near = (m: Map<string, number>) =>
          Math.max(
            ...[...m].filter(([v]) => Math.abs(Number(v) / 1e4 - p.voltage_v) < 0.03).map(([, y]) => y),
          );
        expect(Math.abs(near(ours) / near(want) - 1)).toBeLessThan(0.05);
      }
    });
  }

  it("the turning point and the interruption make no spike: near 1.8 V and around the pause only the background", () => {
    for (const c of r.curves) {
      for (let j = 0; j < c.voltageV.length; j++) {
        if (c.voltageV[j]! < golden.v_bottom + 0.08)
          expect(c.dqdvMAhPerV[j]!).toBeLessThan(10 * golden.background_mah_v);
      }
    }
  });

  it("each point carries its time, inside its half-cycle and following its voltage", () => {
    for (const [k, c] of r.curves.entries()) {
      const h = s.halfCycles[k]!;
      for (const t of c.timeS) {
        expect(t).toBeGreaterThanOrEqual(h.startS);
        expect(t).toBeLessThanOrEqual(h.endS);
      }
    }
    expect(r.curves[0]!.unixS).toBeNull(); // the CSV gives no start date
  });

  it("a mass gives mAh/(g·V); a bad bin width is an input error", () => {
    const m = dqdv(buildSeries(rec, { massMg: 2 }));
    expect(m.units).toBe("mAh/(g·V)");
    expect(m.curves[0]!.dqdvMAhPerGV![5]).toBeCloseTo(m.curves[0]!.dqdvMAhPerV[5]! * 500, 9);
    expect(() => dqdv(s, { binMv: 0 })).toThrow(/bin width/);
  });
});

describe("dQ/dV of a real operando GITT log (perex, EC-Lab .mpt)", async () => {
  const rec = await readCycler(join(FIX, "echem/perex_220726cell4operandoxascontinuation_C06.mpt.gz"));
  const s = buildSeries(rec);

  it("runs, and every half-cycle's bins plus what was left out give back its capacity", () => {
    for (const mode of [null, rec.mode]) {
      const r = dqdv(s, { binMv: 5, mode });
      expect(r.curves.length).toBe(s.halfCycles.length);
      expect(r.curves.length).toBeGreaterThan(0);
      for (const [k, c] of r.curves.entries()) {
        const total = c.chargeMAh.reduce((a, b) => a + b, 0);
        expect(total + c.excludedMAh).toBeCloseTo(s.halfCycles[k]!.capacityMAh, 9);
        for (const x of c.dqdvMAhPerV) expect(Number.isFinite(x)).toBe(true);
        for (const x of c.timeS) expect(Number.isFinite(x)).toBe(true);
      }
    }
  });
});
