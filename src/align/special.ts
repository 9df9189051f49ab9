/**
 * The special functions the edge fits need: the error function (the edge profile) and the upper
 * tail of Fisher's F distribution (the test that decides whether one more edge is supported).
 * Double precision throughout; formulas from Abramowitz & Stegun (A&S) and the DLMF, as cited.
 */

const SQRT_PI = Math.sqrt(Math.PI);

/**
 * erf(x). For |x| < 3 the series erf x = (2/√π) e^{−x²} Σₙ 2ⁿ x^{2n+1} / (1·3·…·(2n+1))
 * (A&S 7.1.6): all terms positive, so nothing cancels. Beyond, 1 − erfc from its continued fraction.
 */
export function erfExact(x: number): number {
  if (Number.isNaN(x)) return Number.NaN;
  const ax = Math.abs(x);
  if (ax >= 3) return Math.sign(x) * (1 - erfcLarge(ax));
  let term = ax;
  let sum = ax;
  for (let n = 1; n < 200 && term > 1e-17 * sum; n++) {
    term *= (2 * ax * ax) / (2 * n + 1);
    sum += term;
  }
  return Math.sign(x) * ((2 / SQRT_PI) * Math.exp(-ax * ax) * sum);
}

/**
 * erfc(x) for x ≥ 3 by the continued fraction (A&S 7.1.14, DLMF 7.9.2)
 * erfc x = (e^{−x²}/√π) · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + …))))),
 * evaluated from the tail; 60 levels are far more than x ≥ 3 needs for 1e-16.
 */
function erfcLarge(x: number): number {
  let f = x;
  for (let k = 60; k >= 1; k--) f = x + k / 2 / f;
  return Math.exp(-x * x) / (SQRT_PI * f);
}

/*
 * The fits evaluate erf millions of times (every point, every edge, every Jacobian column), so
 * `erf` interpolates a table of erfExact: quintic Hermite from the values and the first two
 * derivatives, erf′ = (2/√π) e^{−x²} and erf″ = −2x erf′, on nodes 1/64 apart over [0, 6]. The
 * interpolation error is below h⁶/46080 · max|erf⁽⁶⁾| ≈ 1e-14, and it is C² (smooth enough for the
 * numerical Jacobian); erfc(6) ≈ 2e-17, so beyond 6 erf is ±1 in double precision.
 */
const TABLE_STEP = 1 / 64;
const TABLE_MAX = 6;
const TABLE_N = TABLE_MAX / TABLE_STEP + 1;
const F0 = new Float64Array(TABLE_N);
const F1 = new Float64Array(TABLE_N);
const F2 = new Float64Array(TABLE_N);
for (let i = 0; i < TABLE_N; i++) {
  const x = i * TABLE_STEP;
  F0[i] = erfExact(x);
  F1[i] = (2 / SQRT_PI) * Math.exp(-x * x);
  F2[i] = -2 * x * F1[i]!;
}

/** erf(x), from the table above (|error| ≲ 1e-14); erfExact is the reference it is built from. */
export function erf(x: number): number {
  const ax = Math.abs(x);
  if (!(ax < TABLE_MAX)) return Number.isNaN(x) ? Number.NaN : Math.sign(x);
  const u = ax / TABLE_STEP;
  const i = Math.min(Math.floor(u), TABLE_N - 2);
  const t = u - i;
  const h = TABLE_STEP;
  // quintic Hermite basis on [0, 1] (values, h·slopes, h²·curvatures at both ends)
  const t2 = t * t;
  const t3 = t2 * t;
  const s = 1 - t;
  const s2 = s * s;
  const s3 = s2 * s;
  const h00 = s3 * (1 + 3 * t + 6 * t2);
  const h01 = t3 * (1 + 3 * s + 6 * s2);
  const h10 = s3 * t * (1 + 3 * t);
  const h11 = -t3 * s * (1 + 3 * s);
  const h20 = 0.5 * s3 * t2;
  const h21 = 0.5 * t3 * s2;
  const v =
    h00 * F0[i]! +
    h01 * F0[i + 1]! +
    h * (h10 * F1[i]! + h11 * F1[i + 1]!) +
    h * h * (h20 * F2[i]! + h21 * F2[i + 1]!);
  return x < 0 ? -v : v;
}

/** ln Γ(x) for x > 0: Lanczos' approximation (g = 7, 9 terms; Godfrey's coefficients), ~1e-15. */
export function logGamma(x: number): number {
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  const z = x - 1;
  let a = c[0]!;
  for (let i = 1; i < 9; i++) a += c[i]! / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/**
 * Continued fraction of the regularised incomplete beta function (DLMF 8.17.22), by the modified
 * Lentz method; converges fast for x < (a + 1)/(a + b + 2), the caller swaps otherwise.
 */
function betaFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 500; m++) {
    const m2 = 2 * m;
    // even step: d_{2m} = m(b − m)x / ((a + 2m − 1)(a + 2m))
    let num = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + num * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + num / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    // odd step: d_{2m+1} = −(a + m)(a + b + m)x / ((a + 2m)(a + 2m + 1))
    num = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + num * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + num / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return h;
}

/** The regularised incomplete beta function I_x(a, b), 0 ≤ x ≤ 1. */
export function betaRegularized(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const lnFront = logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x);
  const front = Math.exp(lnFront);
  // I_x(a,b) = 1 − I_{1−x}(b,a): take the side where the fraction converges
  if (x < (a + 1) / (a + b + 2)) return (front * betaFraction(a, b, x)) / a;
  return 1 - (front * betaFraction(b, a, 1 - x)) / b;
}

/**
 * P(F > f) for Fisher's F with (d1, d2) degrees of freedom: I_{d2/(d2 + d1 f)}(d2/2, d1/2)
 * (A&S 26.6.2).
 */
export function fDistributionSf(f: number, d1: number, d2: number): number {
  if (!(f > 0)) return 1;
  if (!Number.isFinite(f)) return 0;
  return betaRegularized(d2 / (d2 + d1 * f), d2 / 2, d1 / 2);
}
