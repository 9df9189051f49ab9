/**
 * Seeded pseudo-random numbers for the digital twin: xoshiro128** (Blackman & Vigna 2018), 32-bit
 * state words kept in plain numbers so V8 compiles every step to integer ops (Math.imul, shifts).
 * The same seed gives the same stream on every platform and Node version.
 *
 * Poisson deviates are exact (no normal approximation): inversion by sequential search for λ < 10,
 * PTRS, the transformed rejection with squeeze of Hörmann (1993, Insurance: Math. & Econ. 12, 39),
 * for λ ≥ 10 — the method NumPy uses, about 1.2 trials per deviate whatever λ is.
 */

const TWO_POW_32_INV = 1 / 4294967296;
const TWO_POW_53_INV = 1 / 9007199254740992;

export class Rng {
  // In a typed array: as object fields, 32-bit words above 2^30 would be boxed heap numbers (V8
  // small integers are 31-bit), which made each step several times slower.
  private readonly s = new Int32Array(4);
  private spare = Number.NaN;

  /** Any finite number seeds the stream; the state words come from splitmix32 of the seed. */
  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new RangeError(`seed must be a finite number, got ${seed}`);
    // Both 32-bit halves of an integer seed matter (seeds up to 2^53 are distinct streams).
    const lo = seed >>> 0;
    const hi = Math.floor(seed / 4294967296) >>> 0;
    let x = (lo ^ Math.imul(hi, 0x9e3779b9)) >>> 0;
    const mix = () => {
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    const st = this.s;
    for (let i = 0; i < 4; i++) st[i] = mix();
    if ((st[0]! | st[1]! | st[2]! | st[3]!) === 0) st[0] = 1; // the one forbidden state
  }

  /** A generator in a given state (four 32-bit words, not all 0): for tests against reference streams. */
  static fromState(state: readonly [number, number, number, number]): Rng {
    const r = new Rng(0);
    r.s.set(state.map((w) => w | 0));
    if ((r.s[0]! | r.s[1]! | r.s[2]! | r.s[3]!) === 0)
      throw new RangeError("xoshiro128** state cannot be all zero");
    return r;
  }

  /** Next 32-bit unsigned integer. */
  uint32(): number {
    const st = this.s;
    const s0 = st[0]!;
    const s1 = st[1]!;
    const s2 = st[2]!;
    const s3 = st[3]!;
    const m = Math.imul(s1, 5);
    const r = Math.imul((m << 7) | (m >>> 25), 9);
    const t = s1 << 9;
    const n2 = s2 ^ s0;
    const n3 = s3 ^ s1;
    st[0] = s0 ^ n3;
    st[1] = s1 ^ n2;
    st[2] = n2 ^ t;
    st[3] = (n3 << 11) | (n3 >>> 21);
    return r >>> 0;
  }

  /** Uniform in [0, 1), 32-bit resolution (fast; what the Poisson sampler uses). */
  next(): number {
    return this.uint32() * TWO_POW_32_INV;
  }

  /** Uniform in [0, 1) with full 53-bit resolution. */
  nextDouble(): number {
    const hi = this.uint32() >>> 5; // 27 bits
    const lo = this.uint32() >>> 6; // 26 bits
    return (hi * 67108864 + lo) * TWO_POW_53_INV;
  }

  /** Integer uniform in 0 … n−1, unbiased (Lemire's rejection), n ≤ 2^32. */
  int(n: number): number {
    if (!(n >= 1 && n <= 4294967296) || !Number.isInteger(n)) {
      throw new RangeError(`int(n) needs an integer 1 ≤ n ≤ 2^32, got ${n}`);
    }
    // Reject the top partial copy of 0…n−1 within 0…2^32−1.
    const limit = 4294967296 - (4294967296 % n);
    for (;;) {
      const u = this.uint32();
      if (u < limit) return u % n;
    }
  }

  /** Standard normal deviate (Marsaglia's polar method; the second value of each pair is kept). */
  normal(mean = 0, sd = 1): number {
    if (!Number.isNaN(this.spare)) {
      const z = this.spare;
      this.spare = Number.NaN;
      return mean + sd * z;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.nextDouble() - 1;
      v = 2 * this.nextDouble() - 1;
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * f;
    return mean + sd * u * f;
  }

  /** Poisson deviate with mean λ ≥ 0 (exact at every λ; 0 for λ = 0); a negative, infinite or NaN λ throws. */
  poisson(lambda: number): number {
    if (lambda < 10) {
      if (lambda > 0) return this.poissonInversion(lambda);
      if (lambda === 0) return 0;
      throw new RangeError(`poisson(λ) needs λ ≥ 0, got ${lambda}`);
    }
    if (lambda < Number.POSITIVE_INFINITY) return this.poissonPtrs(lambda);
    throw new RangeError(`poisson(λ) needs a finite λ, got ${lambda}`);
  }

  /** Sequential search of the cumulative distribution; ~λ+1 steps, so only for small λ. */
  private poissonInversion(lambda: number): number {
    let p = expNeg(lambda);
    let cdf = p;
    const u = this.next();
    let k = 0;
    // The cap only guards against a u within rounding of 1 (the tail there is below 1e-9 for λ < 10).
    while (u > cdf && k < 200) {
      k++;
      p *= lambda / k;
      cdf += p;
    }
    return k;
  }

  /** PTRS (Hörmann 1993), constants as published; valid for λ ≥ 10. */
  private poissonPtrs(lambda: number): number {
    const slam = Math.sqrt(lambda);
    const b = 0.931 + 2.53 * slam;
    const a = -0.059 + 0.02483 * b;
    const vr = 0.9277 - 3.6224 / (b - 2);
    let logLambda = Number.NaN; // only the rejection test needs it
    for (;;) {
      const u = this.next() - 0.5;
      const v = this.next();
      const us = 0.5 - Math.abs(u);
      const k = Math.floor(((2 * a) / us + b) * u + lambda + 0.43);
      // Squeeze: most trials are accepted here without a logarithm.
      if (us >= 0.07 && v <= vr) return k;
      if (k < 0 || (us < 0.013 && v > us) || v === 0) continue;
      const invAlpha = 1.1239 + 1.1328 / (b - 3.4);
      // log(v) + log(1/α) − log(a/us² + b), as one logarithm.
      const lhs = Math.log((v * invAlpha) / (a / (us * us) + b));
      if (Number.isNaN(logLambda)) logLambda = Math.log(lambda);
      if (lhs <= -lambda + k * logLambda - logFactorial(k)) return k;
    }
  }
}

// e^(−i/64) for i = 0 … 640: with a short series for the remainder, e^(−x) on [0, 10] without Math.exp.
const EXP_STEPS = 64;
const EXP_TABLE = Float64Array.from({ length: 10 * EXP_STEPS + 1 }, (_, i) => Math.exp(-i / EXP_STEPS));

/**
 * e^(−x) for 0 ≤ x ≤ 10, to within rounding of Math.exp (the series' truncation error is below
 * (1/64)⁷/7! ≈ 5e-17 relative), at a fraction of its cost: the inversion sampler calls it per deviate.
 */
export function expNeg(x: number): number {
  const i = Math.floor(x * EXP_STEPS);
  if (!(i >= 0 && i < EXP_TABLE.length)) return Math.exp(-x);
  const r = x - i / EXP_STEPS;
  const series = 1 - r * (1 - (r / 2) * (1 - (r / 3) * (1 - (r / 4) * (1 - (r / 5) * (1 - r / 6)))));
  return EXP_TABLE[i]! * series;
}

const LOG_FACT_TABLE = (() => {
  const t = new Float64Array(256);
  for (let k = 1; k < 256; k++) t[k] = t[k - 1]! + Math.log(k);
  return t;
})();

/** ln k! : a table below 256, Stirling's series above (relative error < 1e-15 there). */
export function logFactorial(k: number): number {
  if (k < 256) return LOG_FACT_TABLE[k]!;
  const x = k + 1;
  const ix2 = 1 / (x * x);
  // ln Γ(x) = (x−½)ln x − x + ½ln 2π + 1/(12x) − 1/(360x³) + 1/(1260x⁵) − …
  const series = (1 / 12 - ix2 * (1 / 360 - ix2 * (1 / 1260 - ix2 / 1680))) / x;
  return (x - 0.5) * Math.log(x) - x + 0.5 * Math.log(2 * Math.PI) + series;
}
