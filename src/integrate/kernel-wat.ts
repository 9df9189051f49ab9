/**
 * The WebAssembly text of the per-frame accumulation (kernel.js `frameSums`), one function per
 * frame dtype and bin-index width. `npm run build:wasm` (scripts/build-wasm.ts) compiles it
 * with wabt into kernel-wasm.js; a test compiles it again and compares, so the two cannot drift.
 *
 * Why WebAssembly: the scatter loop (per matrix entry: two loads, two multiply-adds into float64
 * accumulators) runs ~2.3× faster than V8's best JavaScript for it (no bounds checks, pointers
 * advanced rather than indices scaled), and it is the bulk of every frame (issue 11, measured in
 * bench/integrate.ts). It computes exactly what the JavaScript loop computes, in the same order:
 *   r32 = float32(raw);  var = max(r32, floor);  sig = float32(r32 − dark)  (float64 subtraction)
 *   S_b += c·sig;  V_b += c·c·var   (c: float32 coefficient promoted to float64)
 * so the sums are bit-identical and the JavaScript loop stays beside it as the reference.
 *
 * Memory (imported, laid out by wasm-sums.js): the matrix's ptr (int32 per pixel + 1), its bins
 * (uint16 or uint32, the matrix's own arrays, so one copy in a shared memory serves the JavaScript
 * reference and every thread's kernel), its coefficients (float32), the frame, an optional float32 dark, the accumulators S and V interleaved (S_b at sv + 16b, V_b
 * at sv + 16b + 8), and room for a list of pixels (int32). Returns the number of pixels in the
 * matrix whose raw value is outside [lo, hi) (NaN included) and lists them: kernel.js takes their
 * share back out of the static sums.
 */

/** Frame element types the kernel reads, with their WebAssembly load into an f64 and their size. */
const LOADS = {
  int8: ["(f64.convert_i32_s (i32.load8_s (local.get $frame)))", 1],
  uint8: ["(f64.convert_i32_s (i32.load8_u (local.get $frame)))", 1],
  int16: ["(f64.convert_i32_s (i32.load16_s (local.get $frame)))", 2],
  uint16: ["(f64.convert_i32_s (i32.load16_u (local.get $frame)))", 2],
  int32: ["(f64.convert_i32_s (i32.load (local.get $frame)))", 4],
  uint32: ["(f64.convert_i32_u (i32.load (local.get $frame)))", 4],
  float32: ["(f64.promote_f32 (f32.load (local.get $frame)))", 4],
  float64: ["(f64.load (local.get $frame))", 8],
} as const;

export type WasmDtype = keyof typeof LOADS;
export const WASM_DTYPES = Object.keys(LOADS) as WasmDtype[];

/** Bin indices 2 bytes wide (≤ 65 536 bins, as PixelBins stores them) or 4. */
export const BIN_WIDTHS = [2, 4] as const;

/** What a frame's sums need besides the signal: its variance (Poisson), a dark to subtract. */
export interface SumsVariant {
  poisson: boolean;
  dark: boolean;
}

/**
 * One function per dtype, bin width, and variant: a variant's code has no branch on what it does
 * not need, and fewer values live in the inner loop (3–5 % per 1M frame, in paired runs).
 */
export function functionName(dtype: WasmDtype, binWidth: 2 | 4, v: SumsVariant): string {
  return `sums_${dtype}_b${binWidth}${v.poisson ? "_var" : ""}${v.dark ? "_dark" : ""}`;
}

/** One matrix entry: accumulate into S (and V when `variance`), then step to the next entry. */
function entry(binWidth: 2 | 4, variance: boolean): string {
  const loadBin = binWidth === 2 ? "i32.load16_u" : "i32.load";
  return `
          (local.set $a (i32.add (local.get $sv) (i32.shl (${loadBin} (local.get $pb)) (i32.const 4))))
          (local.set $c (f64.promote_f32 (f32.load (local.get $pc))))
          (f64.store (local.get $a) (f64.add (f64.load (local.get $a)) (f64.mul (local.get $c) (local.get $sig))))${
            variance
              ? `
          (f64.store offset=8 (local.get $a) (f64.add (f64.load offset=8 (local.get $a))
            (f64.mul (f64.mul (local.get $c) (local.get $c)) (local.get $vr))))`
              : ""
          }
          (local.set $pb (i32.add (local.get $pb) (i32.const ${binWidth})))
          (local.set $pc (i32.add (local.get $pc) (i32.const 4)))`;
}

function sumsFunction(dtype: WasmDtype, binWidth: 2 | 4, v: SumsVariant): string {
  const [load, size] = LOADS[dtype];
  const binShift = binWidth === 2 ? 1 : 2;
  const loop = v.poisson
    ? `(loop $withVariance${entry(binWidth, true)}
                  (br_if $withVariance (i32.lt_u (local.get $pb) (local.get $eb))))`
    : `(loop $signalOnly${entry(binWidth, false)}
                  (br_if $signalOnly (i32.lt_u (local.get $pb) (local.get $eb))))`;
  return `
  (func (export "${functionName(dtype, binWidth, v)}")
    (param $n i32) (param $ptr i32) (param $bins i32) (param $coef i32) (param $frame i32)
    (param $dark i32) (param $sv i32) (param $lo f64) (param $hi f64) (param $floor f64)
    (param $invalidList i32) (result i32)
    (local $ptr0 i32) (local $pend i32) (local $eb i32) (local $pb i32) (local $pc i32) (local $a i32)
    (local $invalid i32) (local $raw f64) (local $sig f64) (local $vr f64) (local $c f64)
    (local.set $pb (i32.add (local.get $bins) (i32.shl (i32.load (local.get $ptr)) (i32.const ${binShift}))))
    (local.set $pc (i32.add (local.get $coef) (i32.shl (i32.load (local.get $ptr)) (i32.const 2))))
    (local.set $ptr0 (local.get $ptr))
    (local.set $pend (i32.add (local.get $ptr) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $pixel
        (br_if $done (i32.ge_u (local.get $ptr) (local.get $pend)))
        (local.set $eb (i32.add (local.get $bins)
          (i32.shl (i32.load offset=4 (local.get $ptr)) (i32.const ${binShift}))))
        ;; a pixel with no entries (masked, out of range) is not read
        (if (i32.ne (local.get $pb) (local.get $eb))
          (then
            (local.set $raw ${load})
            (if (i32.and (f64.ge (local.get $raw) (local.get $lo)) (f64.lt (local.get $raw) (local.get $hi)))
              (then
                (local.set $sig (f64.promote_f32 (f32.demote_f64 (local.get $raw))))${
                  v.poisson
                    ? `
                ;; max(sig, floor) by SIMD's pmax (floor < sig ? sig : floor, one maxpd), not
                ;; f64.max, which V8 compiles with branches for NaN and ±0 that mispredict wherever
                ;; counts straddle the floor: 10.1 → 4.2 ms per 1M frame (bench/limits.ts). Both
                ;; are numbers here; where they differ (−0 against 0) the variance added is ±0
                ;; either way, so the sums equal the JavaScript reference's bit for bit
                (local.set $vr (f64x2.extract_lane 0 (f64x2.pmax
                  (f64x2.splat (local.get $floor)) (f64x2.splat (local.get $sig)))))`
                    : ""
                }${
                  v.dark
                    ? `
                (local.set $sig (f64.promote_f32 (f32.demote_f64
                  (f64.sub (local.get $sig) (f64.promote_f32 (f32.load (local.get $dark)))))))`
                    : ""
                }
                ${loop})
              (else
                ;; listed (pixel index), so their share comes out of the static sums pixel by pixel
                (i32.store (i32.add (local.get $invalidList) (i32.shl (local.get $invalid) (i32.const 2)))
                  (i32.shr_u (i32.sub (local.get $ptr) (local.get $ptr0)) (i32.const 2)))
                (local.set $invalid (i32.add (local.get $invalid) (i32.const 1)))
                (local.set $pc (i32.add (local.get $pc)
                  (i32.shl (i32.sub (local.get $eb) (local.get $pb)) (i32.const ${2 - binShift}))))
                (local.set $pb (local.get $eb))))))
        (local.set $ptr (i32.add (local.get $ptr) (i32.const 4)))
        (local.set $frame (i32.add (local.get $frame) (i32.const ${size})))${
          v.dark
            ? `
        (local.set $dark (i32.add (local.get $dark) (i32.const 4)))`
            : ""
        }
        (br $pixel)))
    (local.get $invalid))`;
}

/**
 * The whole module: its memory imported as env.memory, shared (a SharedArrayBuffer behind it), so
 * worker threads can all read one copy of the matrix; each instance keeps its frame and
 * accumulators in a region of its own (wasm-sums.js).
 */
export function kernelWat(): string {
  const variants: SumsVariant[] = [false, true].flatMap((poisson) =>
    [false, true].map((dark) => ({ poisson, dark })),
  );
  const fns = WASM_DTYPES.flatMap((d) =>
    BIN_WIDTHS.flatMap((w) => variants.map((v) => sumsFunction(d, w, v))),
  );
  return `(module
  (import "env" "memory" (memory 1 65536 shared))${fns.join("")}
)
`;
}
