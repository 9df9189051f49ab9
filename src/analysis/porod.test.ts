/**
 * Porod invariant and constant against independent truth: polydisperse spheres computed by
 * scripts/porod-golden.py (numpy/scipy: the analytic sphere form factor averaged over a Schulz
 * distribution by quadrature; the invariant by scipy.integrate.quad of the continuous q²I(q); the
 * Porod constant analytic, K = 2π Δρ² S/V). The committed fixture always; the script live where
 * numpy and scipy are installed.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { pythonWith, toolAvailable } from "../../test/support/tools.js";
import { porodFit, porodInvariant, stabilityLimit } from "./porod.js";

const DIR = fileURLToPath(new URL("../../test/fixtures/porod/", import.meta.url));
const ROOT = fileURLToPath(new URL("../../", import.meta.url));

interface Golden {
  invariant_q: [number, number];
  invariant: number;
  porod_q: [number, number];
  porod_k: number;
  background: number;
}
const golden = JSON.parse(readFileSync(`${DIR}spheres.json`, "utf8")) as Golden;
const rows = readFileSync(`${DIR}spheres.csv`, "utf8")
  .trim()
  .split("\n")
  .slice(1)
  .map((l) => l.split(",").map(Number));
const q = Float64Array.from(rows, (r) => r[0]!);
const I = Float64Array.from(rows, (r) => r[1]!);
const sigma = Float64Array.from(rows, (r) => r[2]!);

describe("Porod invariant", () => {
  it("equals scipy's quad of q²I(q) over the range within 2e-4 (trapezoid on 800 bins)", () => {
    const r = porodInvariant(q, I, sigma, golden.invariant_q);
    const rel = Math.abs(r.value / golden.invariant - 1);
    // measured: 3.8e-5 (the trapezoid's curvature error at Δq = 0.0075 nm⁻¹)
    expect(rel).toBeLessThan(2e-4);
    expect(r.error).toBeGreaterThan(0);
  });

  it("propagates σ linearly: σ of 1 % of I on every bin is √Σ(wᵢqᵢ²σᵢ)², below 1 % of Q*", () => {
    const r = porodInvariant(q, I, sigma, golden.invariant_q);
    // independent bins: the relative σ of the integral is below the bins' common 1 %, ≈ 1 %/√(bins)·…
    expect(r.error / r.value).toBeLessThan(0.01);
    expect(r.error / r.value).toBeGreaterThan(0.01 / Math.sqrt(q.length));
  });

  it("is linear in I: doubling the curve doubles Q* and its σ", () => {
    const a = porodInvariant(q, I, sigma, golden.invariant_q);
    const b = porodInvariant(
      q,
      I.map((v) => 2 * v),
      sigma.map((v) => 2 * v),
      golden.invariant_q,
    );
    expect(b.value / a.value).toBeCloseTo(2, 12);
    expect(b.error / a.error).toBeCloseTo(2, 12);
  });
});

describe("Porod constant", () => {
  it("recovers the analytic K = 2πΔρ²S/V and the background of polydisperse spheres within 1 %", () => {
    const f = porodFit(q, I, sigma, golden.porod_q);
    expect(f.ok).toBe(true);
    // measured: K 0.58 %, B 0.04 % (the spheres' residual form-factor oscillation at qR̄ 12–24)
    expect(Math.abs(f.k / golden.porod_k - 1)).toBeLessThan(0.01);
    expect(Math.abs(f.b / golden.background - 1)).toBeLessThan(0.01);
    expect(f.kErr).toBeGreaterThan(0);
  });

  it("gives the exact K and B of an exact Porod law, and a σ_K that matches the scatter of noisy fits", () => {
    const K = 0.5;
    const B = 0.01;
    const exact = q.map((x) => K / x ** 4 + B);
    const f = porodFit(
      q,
      exact,
      exact.map((v) => 0.02 * v),
      [1, 6],
    );
    expect(f.k).toBeCloseTo(K, 10);
    expect(f.b).toBeCloseTo(B, 10);
    // Monte Carlo: the SD of K over noisy copies ≈ the fit's stated σ (within 15 %)
    // mulberry32 (deterministic), Box–Muller
    let seed = 12345;
    const uniform = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
    };
    const gauss = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
    const ks: number[] = [];
    for (let t = 0; t < 300; t++) {
      const noisy = exact.map((v) => v + 0.02 * v * gauss());
      ks.push(
        porodFit(
          q,
          noisy,
          exact.map((v) => 0.02 * v),
          [1, 6],
        ).k,
      );
    }
    const m = ks.reduce((a, x) => a + x, 0) / ks.length;
    const sd = Math.sqrt(ks.reduce((a, x) => a + (x - m) ** 2, 0) / (ks.length - 1));
    expect(Math.abs(sd / f.kErr - 1)).toBeLessThan(0.15);
  });

  it("is not ok with fewer bins than parameters", () => {
    expect(porodFit(q, I, sigma, [100, 200]).ok).toBe(false);
  });
});

describe("stability limit", () => {
  it("takes 3σ of the larger of the propagated σ and the reference sweeps' scatter", () => {
    const a = stabilityLimit([1, 1], [0.01, 0.01], 0.01);
    expect(a.from).toBe("propagated");
    expect(a.limit).toBeCloseTo(3 * Math.hypot(0.01, Math.sqrt(2 * 1e-4) / 2), 12);
    const b = stabilityLimit([0.9, 1.1], [0.001, 0.001], 0.001);
    expect(b.from).toBe("scatter");
    expect(b.limit).toBeCloseTo(3 * Math.SQRT2 * 0.1, 12);
  });
});

describe("live: scripts/porod-golden.py", () => {
  const py = pythonWith(["numpy", "scipy"]);
  it.runIf(toolAvailable("python3-numpy + python3-scipy", py !== null))(
    "reproduces the committed golden values",
    () => {
      const r = spawnSync(py!, ["scripts/porod-golden.py", "--out", "-"], { cwd: ROOT, encoding: "utf8" });
      expect(r.status, r.stderr).toBe(0);
      const live = JSON.parse(r.stdout) as Golden;
      expect(live.invariant).toBeCloseTo(golden.invariant, 9);
      expect(live.porod_k).toBeCloseTo(golden.porod_k, 12);
    },
  );
});
