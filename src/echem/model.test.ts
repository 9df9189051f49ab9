import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InputError } from "../util/errors.js";
import { joinFrames } from "./join.js";
import { buildSeries } from "./series.js";
import { isoUtc, localToUtcS, parseAbsoluteTime } from "./timezone.js";
import type { CyclerRecords } from "./types.js";

/** A synthetic log: piecewise-constant current, one record every `dt` seconds. */
function synthetic(
  steps: { currentMA: number; durationS: number }[],
  dt = 60,
  startLocal = "2024-01-10T11:00:00",
): CyclerRecords {
  const t: number[] = [];
  const i: number[] = [];
  const ns: number[] = [];
  const e: number[] = [];
  let time = 0;
  steps.forEach((s, k) => {
    for (let u = 0; u < s.durationS; u += dt) {
      t.push(time);
      i.push(s.currentMA);
      ns.push(k);
      e.push(2.1 - 0.0001 * time);
      time += dt;
    }
  });
  return {
    file: "synthetic.mpt",
    format: "test",
    n: t.length,
    startLocal,
    timeS: Float64Array.from(t),
    unixTimeS: null,
    eweV: Float64Array.from(e),
    currentMA: Float64Array.from(i),
    chargeMAh: null,
    step: Int32Array.from(ns),
    cycle: null,
    mode: null,
    columns: [],
    metadata: {},
  };
}

// OCV 1 h, discharge 0.1 mA for 10 h, rest 30 min, charge 0.1 mA for 4 h (37 % returned as in the paper's ASSB)
const PAPER_LIKE = [
  { currentMA: 0, durationS: 3600 },
  { currentMA: -0.1, durationS: 36000 },
  { currentMA: 0, durationS: 1800 },
  { currentMA: 0.1, durationS: 13320 },
  { currentMA: 0, durationS: 600 },
];

describe("segmentation, capacities and SODC", () => {
  const s = buildSeries(synthetic(PAPER_LIKE), { massMg: 1.2 });

  it("finds OCV, one discharge and one charge, in one cycle", () => {
    expect(s.segments.map((x) => x.kind)).toEqual(["rest", "discharge", "rest", "charge", "rest"]);
    expect(s.halfCycles.map((h) => [h.kind, h.cycle])).toEqual([
      ["discharge", 1],
      ["charge", 1],
    ]);
  });

  it("capacity per half-cycle from ∫I dt, in mAh and mAh/g; C-rate", () => {
    const [d, c] = s.halfCycles;
    expect(d!.capacityMAh).toBeCloseTo(1.0, 3);
    expect(c!.capacityMAh).toBeCloseTo(0.37, 3);
    expect(d!.capacityMAh / (1.2 / 1000)).toBeCloseTo(833.3, 0);
    expect(d!.cRate).toBeCloseTo(0.1, 2);
  });

  it("SODC: 0 % at the start of the first discharge, 100 % at its end, 63 % after a 37 % charge", () => {
    const sod = s.sodcPct!;
    const d = s.halfCycles[0]!;
    expect(sod[0]).toBe(0);
    expect(sod[d.first]).toBe(0);
    expect(sod[d.end]).toBeCloseTo(100, 9);
    expect(sod[s.n - 1]).toBeCloseTo(63, 9);
  });

  it("property: SODC is monotonic within each half-cycle and capacities add up to the charge passed", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            currentMA: fc.constantFrom(-0.5, -0.1, 0, 0, 0.2, 1),
            durationS: fc.integer({ min: 2, max: 40 }).map((m) => m * 60),
          }),
          {
            minLength: 1,
            maxLength: 12,
          },
        ),
        (steps) => {
          const r = buildSeries(synthetic(steps));
          let absSum = 0;
          for (const h of r.halfCycles) {
            absSum += h.capacityMAh;
            if (!r.sodcPct) continue;
            for (let k = h.first + 1; k <= h.last; k++) {
              const d = r.sodcPct[k]! - r.sodcPct[k - 1]!;
              if (h.kind === "discharge") expect(d).toBeGreaterThanOrEqual(-1e-9);
              else expect(d).toBeLessThanOrEqual(1e-9);
            }
          }
          // total |charge| moved while current flows equals the sum of half-cycle capacities
          let moved = 0;
          for (let k = 1; k < r.n; k++) moved += Math.abs(r.chargeMAh[k]! - r.chargeMAh[k - 1]!);
          expect(absSum).toBeCloseTo(moved, 9);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("time zones", () => {
  it.each([
    ["2024-01-10T11:02:29.886", "Europe/Berlin", "2024-01-10T10:02:29.886Z"],
    ["2024-07-01T12:00:00", "Europe/Berlin", "2024-07-01T10:00:00.000Z"],
    ["2024-07-01T12:00:00", "+01:00", "2024-07-01T11:00:00.000Z"],
    ["2024-07-01T12:00:00", "-0530", "2024-07-01T17:30:00.000Z"],
    ["2024-07-01T12:00:00", "UTC", "2024-07-01T12:00:00.000Z"],
    ["2024-07-01T12:00:00", "America/Chicago", "2024-07-01T17:00:00.000Z"],
    // ambiguous hour when DST ends: the earlier instant (still CEST, +2)
    ["2024-10-27T02:30:00", "Europe/Berlin", "2024-10-27T00:30:00.000Z"],
    ["2024-10-27T03:30:00", "Europe/Berlin", "2024-10-27T02:30:00.000Z"],
  ])("%s in %s is %s", (local, tz, utc) => {
    expect(isoUtc(localToUtcS(local, tz))).toBe(utc);
  });

  it("an unknown zone is refused with a hint", () => {
    expect(() => localToUtcS("2024-01-01T00:00:00", "Mars/Olympus")).toThrow(
      /unknown time zone "Mars\/Olympus"/,
    );
  });

  it("scan-log times need a zone", () => {
    expect(parseAbsoluteTime("2024-01-10T10:00:00Z")).toBe(Date.UTC(2024, 0, 10, 10) / 1000);
    expect(parseAbsoluteTime("2024-01-10T12:00:00+02:00")).toBe(Date.UTC(2024, 0, 10, 10) / 1000);
    expect(parseAbsoluteTime("1704880800")).toBe(1704880800);
    expect(() => parseAbsoluteTime("2024-01-10T10:00:00", "scan.csv")).toThrow(
      /scan\.csv: time "2024-01-10T10:00:00" has no time zone/,
    );
  });
});

describe("the join: frames in UTC onto a cycler clock in local time", () => {
  // the cycler in Berlin (UTC+1 in January) starts at 11:00 local = 10:00 UTC
  const rec = synthetic(PAPER_LIKE);
  const utc0 = Date.UTC(2024, 0, 10, 10) / 1000;

  it("across the time-zone difference: a frame 6 h into the discharge is at 60 % SODC", () => {
    const s = buildSeries(rec, { clock: { timezone: "Europe/Berlin" } });
    const frames = [
      utc0 - 60,
      utc0 + 1800,
      utc0 + 3600 + 6 * 3600,
      utc0 + 3600 + 36000 + 1800 + 7200,
      utc0 + 1e6,
    ];
    const j = joinFrames(s, frames);
    expect(Array.from(j.inLog)).toEqual([0, 1, 1, 1, 0]);
    expect(j.before).toBe(1);
    expect(j.after).toBe(1);
    expect(j.sodcPct[1]).toBe(0);
    expect(j.halfCycle[1]).toBe(-1);
    expect(j.sodcPct[2]).toBeCloseTo(60, 1);
    expect(j.halfCycle[2]).toBe(0);
    expect(j.capacityMAh[2]).toBeCloseTo(0.6, 3);
    expect(j.sodcPct[3]).toBeCloseTo(80, 1);
    expect(j.halfCycle[3]).toBe(1);
    expect(j.cycle[3]).toBe(1);
    expect(j.eweV[2]).toBeCloseTo(2.1 - 0.0001 * (3600 + 6 * 3600), 6);
    expect(Number.isNaN(j.sodcPct[0]!)).toBe(true);
  });

  it("reading the same clock as UTC shifts every frame by one hour (10 % SODC at C/10)", () => {
    const berlin = joinFrames(buildSeries(rec, { clock: { timezone: "Europe/Berlin" } }), [
      utc0 + 3600 + 6 * 3600,
    ]);
    const asUtc = joinFrames(buildSeries(rec, { clock: { timezone: "UTC" } }), [utc0 + 3600 + 6 * 3600]);
    expect(berlin.sodcPct[0]! - asUtc.sodcPct[0]!).toBeCloseTo(10, 1);
    const offset = joinFrames(buildSeries(rec, { clock: { clockOffsetS: 3600 } }), [utc0 + 3600 + 6 * 3600]);
    expect(offset.sodcPct[0]).toBeCloseTo(berlin.sodcPct[0]!, 9);
  });

  it("without a stated clock the join refuses to guess", () => {
    expect(() => joinFrames(buildSeries(rec), [utc0])).toThrow(InputError);
  });

  it("a log whose time goes backwards is refused", () => {
    const bad = synthetic(PAPER_LIKE);
    bad.timeS[10] = 5;
    expect(() => buildSeries(bad)).toThrow(/synthetic\.mpt: time goes backwards at record 10/);
  });
});
