import { describe, expect, it } from "vitest";
import { type Calibration, getDetector } from "../geometry/index.js";
import { Integrator1d } from "../integrate/index.js";
import { FrameRenderer, type Profile } from "./render.js";
import { Rng } from "./rng.js";

// The CeO2 / Pilatus 1M WAXS geometry of the Dioptas test image (2θ up to ~25°, tilted detector).
const PILATUS: Calibration = {
  detector: getDetector("Pilatus1M"),
  poniVersion: 2,
  distM: 0.208651380603,
  poni1M: 0.0872948482846,
  poni2M: 0.0799601126306,
  rot1Rad: -0.0184422457059,
  rot2Rad: 0.00413760084465,
  rot3Rad: 0,
  wavelengthM: 4.066e-11,
};
const PILATUS_SHAPE: [number, number] = [1043, 981];

// An Eiger2 1M, beam near a corner, tilted, at 12.4 keV.
const EIGER: Calibration = {
  detector: getDetector("Eiger2_1M"),
  poniVersion: 2,
  distM: 0.15,
  poni1M: 0.01,
  poni2M: 0.012,
  rot1Rad: 0.05,
  rot2Rad: -0.03,
  rot3Rad: 0,
  wavelengthM: 1e-10,
};
const EIGER_SHAPE: [number, number] = [1062, 1028];

/** A smooth profile: a decaying background and two broad peaks, on a fine grid covering [q0, q1]. */
function smoothProfile(q0: number, q1: number, level: number): Profile {
  const n = 4000;
  const qNm = new Float64Array(n);
  const intensity = new Float64Array(n);
  const span = q1 - q0;
  for (let i = 0; i < n; i++) {
    const q = q0 + (span * i) / (n - 1);
    qNm[i] = q;
    const x = (q - q0) / span;
    intensity[i] =
      level *
      (0.3 +
        Math.exp(-3 * x) +
        0.8 * Math.exp(-(((x - 0.4) / 0.05) ** 2)) +
        0.5 * Math.exp(-(((x - 0.7) / 0.08) ** 2)));
  }
  return { qNm, intensity };
}

function interp(p: Profile, q: number): number {
  const { qNm, intensity } = p;
  let j = 0;
  while (j < qNm.length - 2 && qNm[j + 1]! <= q) j++;
  const w = (q - qNm[j]!) / (qNm[j + 1]! - qNm[j]!);
  return intensity[j]! + w * (intensity[j + 1]! - intensity[j]!);
}

/** Largest relative difference between the integrated curve and the profile (ignoring empty bins). */
function worstError(radial: Float64Array, intensity: Float64Array, profile: Profile, scale: number): number {
  let worst = 0;
  for (let b = 0; b < radial.length; b++) {
    const ref = interp(profile, radial[b]!) * scale;
    if (!(intensity[b]! > 0)) continue;
    worst = Math.max(worst, Math.abs(intensity[b]! / ref - 1));
  }
  return worst;
}

describe("FrameRenderer", () => {
  const pilatus = new FrameRenderer(PILATUS, PILATUS_SHAPE, {
    dtype: "int32",
    polarizationFactor: 0.99,
    gapValue: -1,
    hotPixels: 20,
    seed: 7,
  });
  const [q0, q1] = pilatus.qRange();
  const profile = smoothProfile(q0, q1, 1);

  it("gives q range of the pixel centres", () => {
    expect(q0).toBeGreaterThan(0);
    expect(q0).toBeLessThan(0.5); // the beam is on the detector
    expect(q1).toBeGreaterThan(40); // CeO2 311 at 38.5 nm⁻¹ is on it
  });

  it("renders what pyFAI-style integration turns back into the profile (no noise)", () => {
    const expected = pilatus.expected(profile, 100);
    const integ = new Integrator1d(PILATUS, PILATUS_SHAPE, {
      npt: 300,
      unit: "q_nm^-1",
      method: "bbox",
      correctSolidAngle: true,
      polarizationFactor: 0.99,
    });
    const r = integ.integrate(expected, "float64");
    // Bins at the very ends hold few pixels straddling the curve's ends; judge the inner 98 %.
    const inner = (a: Float64Array) => a.subarray(3, a.length - 3);
    expect(worstError(inner(r.radial), inner(r.intensity), profile, 100)).toBeLessThan(0.01);
  });

  it("renders Poisson counts that integrate back to the profile", () => {
    const frame = pilatus.render(profile, 1000, new Rng(1));
    expect(frame.dtype).toBe("int32");
    expect(frame.shape).toEqual(PILATUS_SHAPE);
    const integ = new Integrator1d(PILATUS, PILATUS_SHAPE, {
      npt: 200,
      unit: "q_nm^-1",
      method: "bbox",
      correctSolidAngle: true,
      polarizationFactor: 0.99,
      mask: hotMask(pilatus),
    });
    const r = integ.integrate(frame.data, frame.dtype);
    const inner = (a: Float64Array) => a.subarray(3, a.length - 3);
    expect(worstError(inner(r.radial), inner(r.intensity), profile, 1000)).toBeLessThan(0.01);
  });

  it("writes gaps as gapValue, hot pixels saturated, and nothing above saturation", () => {
    const frame = pilatus.render(profile, 5, new Rng(2));
    const data = frame.data as Int32Array;
    let gaps = 0;
    let wrongGap = 0;
    let negative = 0;
    for (let k = 0; k < data.length; k++) {
      if (pilatus.invalid[k]) {
        gaps++;
        if (data[k] !== -1) wrongGap++;
      } else if (data[k]! < 0) negative++;
    }
    expect(wrongGap).toBe(0);
    expect(negative).toBe(0);
    // Pilatus 1M: 2×5 modules of 487×195, gaps 7 and 17 px (pyFAI's mask).
    expect(gaps).toBe(1043 * 981 - 10 * 487 * 195);
    expect(pilatus.hot.length).toBe(20);
    for (const k of pilatus.hot) {
      expect(pilatus.invalid[k]).toBe(0);
      expect(data[k]).toBe(0xfffff);
    }
    const bright = pilatus.render(profile, 1e7, new Rng(2)).data;
    expect((bright as Int32Array).reduce((m, v) => Math.max(m, v), 0)).toBe(0xfffff);
  });

  it("is reproducible by seed", () => {
    const a = pilatus.render(profile, 3, new Rng(42)).data;
    const b = pilatus.render(profile, 3, new Rng(42)).data;
    const c = pilatus.render(profile, 3, new Rng(43)).data;
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
    expect(Buffer.from(a.buffer).equals(Buffer.from(c.buffer))).toBe(false);
    const other = new FrameRenderer(PILATUS, PILATUS_SHAPE, {
      dtype: "int32",
      polarizationFactor: 0.99,
      gapValue: -1,
      hotPixels: 20,
      seed: 7,
    });
    expect(Array.from(other.hot)).toEqual(Array.from(pilatus.hot));
  });

  it("follows a new profile grid, and refuses a bad profile", () => {
    const coarse = smoothProfile(q0 - 1, q1 + 1, 1);
    const e1 = pilatus.expected(coarse, 1);
    const e2 = pilatus.expected(profile, 1);
    expect(e1[500_000]).not.toBe(e2[500_000]);
    const unsorted = { qNm: Float64Array.from([1, 3, 2]), intensity: new Float64Array(3) };
    expect(() => pilatus.expected(unsorted, 1)).toThrow(RangeError);
    const short = { qNm: Float64Array.from([1, 2]), intensity: new Float64Array(3) };
    expect(() => pilatus.expected(short, 1)).toThrow(RangeError);
    const nan = { qNm: Float64Array.from([1, 2]), intensity: Float64Array.from([1, Number.NaN]) };
    expect(() => pilatus.render(nan, 1, new Rng(1))).toThrow(RangeError);
  });

  it("renders an Eiger2 1M as uint16 with gaps at the dtype maximum, readable by the integrator", () => {
    const eiger = new FrameRenderer(EIGER, EIGER_SHAPE, {
      dtype: "uint16",
      polarizationFactor: 0.95,
      gapValue: 0xffff,
      hotPixels: 5,
      seed: 1,
    });
    const [e0, e1] = eiger.qRange();
    const p = smoothProfile(e0, e1, 1);
    const frame = eiger.render(p, 2000, new Rng(9));
    const data = frame.data as Uint16Array;
    expect(frame.dtype).toBe("uint16");
    let gaps = 0;
    for (let k = 0; k < data.length; k++) if (data[k] === 0xffff) gaps++;
    expect(gaps).toBe(38 * 1028);
    for (const k of eiger.hot) expect(data[k]).toBe(0xfffe);
    const integ = new Integrator1d(EIGER, EIGER_SHAPE, {
      npt: 200,
      unit: "q_nm^-1",
      correctSolidAngle: true,
      polarizationFactor: 0.95,
      mask: hotMask(eiger),
    });
    const r = integ.integrate(data, "uint16");
    const inner = (a: Float64Array) => a.subarray(3, a.length - 3);
    expect(worstError(inner(r.radial), inner(r.intensity), p, 2000)).toBeLessThan(0.01);
  });

  it("refuses values that do not fit the dtype", () => {
    const base = { polarizationFactor: null, hotPixels: 0, seed: 1 };
    expect(() => new FrameRenderer(EIGER, EIGER_SHAPE, { ...base, dtype: "uint16", gapValue: -1 })).toThrow(
      RangeError,
    );
    expect(
      () =>
        new FrameRenderer(EIGER, EIGER_SHAPE, { ...base, dtype: "uint16", gapValue: 0, saturation: 70000 }),
    ).toThrow(RangeError);
  });
});

function hotMask(r: FrameRenderer): Uint8Array {
  const m = new Uint8Array(r.shape[0] * r.shape[1]);
  for (const k of r.hot) m[k] = 1;
  return m;
}

describe("FrameRenderer.addBeamstop", () => {
  it("shadows the pixels below the beamstop's q and marks them in the mask", () => {
    const saxs: Calibration = {
      ...PILATUS,
      distM: 1.8,
      poni1M: 0.0912,
      poni2M: 0.081,
      rot1Rad: 0,
      rot2Rad: 0,
    };
    const r = new FrameRenderer(saxs, PILATUS_SHAPE, {
      dtype: "int32",
      polarizationFactor: 0.99,
      gapValue: -1,
      hotPixels: 0,
      seed: 1,
    });
    const [q0, q1] = r.qRange();
    const p = smoothProfile(q0, q1, 100);
    const mask = new Uint8Array(PILATUS_SHAPE[0] * PILATUS_SHAPE[1]);
    const n = r.addBeamstop(0.2, mask);
    expect(n).toBeGreaterThan(100);
    expect(mask.reduce((a, b) => a + b, 0)).toBe(n);
    const data = r.render(p, 10, new Rng(1)).data;
    for (let k = 0; k < data.length; k++) {
      if (r.qNm[k]! < 0.2) expect(data[k]).toBe(r.invalid[k] ? -1 : 0);
    }
    expect(() => r.addBeamstop(-1)).toThrow(RangeError);
  });
});
