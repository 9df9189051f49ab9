/**
 * The WebAssembly text of the CBF byte-offset decoder (cbf.ts `decodeByteOffset` is the JavaScript
 * reference it must equal). `npm run build:wasm` compiles it into byte-offset-wasm.js; a test
 * compiles it again and compares.
 *
 * Why: decoding was the frame workers' largest cost after the integration itself (~5 ms per
 * Pilatus 1M frame in JavaScript; issue 11). Same algorithm as the reference: each delta is one
 * signed byte, or −128 then a little-endian int16, or −32768 then an int32, or −2³¹ then an int64
 * whose low 32 bits alone matter (values wrap modulo 2³², as the C decoders do); a code that does
 * not fit in what is left of the input stops the decoding.
 *
 * decode(src, len, out, n, info) → pixels decoded (≤ n); the bytes consumed are stored at info.
 * Memory is the module's own (exported), laid out by byte-offset-wasm.js.
 */
/**
 * One code: the delta into $d and $p past it. `checked` (the tail): before reading a wider code,
 * leave the loop if it does not fit in what is left of the input.
 */
function code(checked: boolean, exit: string): string {
  const fits = (n: number) =>
    checked ? `(br_if ${exit} (i32.gt_u (i32.add (local.get $p) (i32.const ${n})) (local.get $end)))` : "";
  return `(local.set $d (i32.load8_s (local.get $p)))
        (if (i32.ne (local.get $d) (i32.const -128))
          (then (local.set $p (i32.add (local.get $p) (i32.const 1))))
          (else
            ${fits(3)}
            (local.set $d (i32.load16_s offset=1 (local.get $p)))
            (if (i32.ne (local.get $d) (i32.const -32768))
              (then (local.set $p (i32.add (local.get $p) (i32.const 3))))
              (else
                ${fits(7)}
                (local.set $d (i32.load offset=3 (local.get $p)))
                (if (i32.ne (local.get $d) (i32.const -2147483648))
                  (then (local.set $p (i32.add (local.get $p) (i32.const 7))))
                  (else
                    ${fits(15)}
                    (local.set $d (i32.load offset=7 (local.get $p)))
                    (local.set $p (i32.add (local.get $p) (i32.const 15)))))))))
        (local.set $v (i32.add (local.get $v) (local.get $d)))
        (i32.store (local.get $o) (local.get $v))
        (local.set $o (i32.add (local.get $o) (i32.const 4)))`;
}

/** Lane shifts of an i32x4 towards higher lanes by one and by two lanes, zeros shifted in. */
const SHIFT1 = "0 1 2 3 16 17 18 19 20 21 22 23 24 25 26 27";
const SHIFT2 = "0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23";

/**
 * Four one-byte deltas (an i32x4 in $q) to four pixels: their running sums (a prefix sum by two
 * lane shifts) plus the last pixel $v, stored at $o; $v becomes the fourth.
 */
function fourPixels(at: number): string {
  return `(local.set $q (i32x4.add (local.get $q) (i8x16.shuffle ${SHIFT1} (v128.const i32x4 0 0 0 0) (local.get $q))))
            (local.set $q (i32x4.add (local.get $q) (i8x16.shuffle ${SHIFT2} (v128.const i32x4 0 0 0 0) (local.get $q))))
            (local.set $q (i32x4.add (local.get $q) (i32x4.splat (local.get $v))))
            (v128.store offset=${at} (local.get $o) (local.get $q))
            (local.set $v (i32x4.extract_lane 3 (local.get $q)))`;
}

/**
 * Sixteen pixels at once where the next 16 codes are all one byte (no −128 among the next 16
 * bytes: most of a frame, whose neighbouring pixels differ little). The scalar loop decodes each
 * code after the last one's length is known, a chain of dependent loads (~2 ms per Pilatus 1M
 * frame); this block sign-extends the 16 deltas to four i32x4 and sums them (sums wrap modulo 2³²,
 * as the scalar code's do), so the pixels are the reference's bit for bit.
 */
function sixteenPixels(exit: string): string {
  return `(local.set $x (v128.load (local.get $p)))
        (if (i32.eqz (v128.any_true (i8x16.eq (local.get $x) (v128.const i8x16 -128 -128 -128 -128 -128 -128 -128 -128 -128 -128 -128 -128 -128 -128 -128 -128))))
          (then
            (local.set $h (i16x8.extend_low_i8x16_s (local.get $x)))
            (local.set $q (i32x4.extend_low_i16x8_s (local.get $h)))
            ${fourPixels(0)}
            (local.set $q (i32x4.extend_high_i16x8_s (local.get $h)))
            ${fourPixels(16)}
            (local.set $h (i16x8.extend_high_i8x16_s (local.get $x)))
            (local.set $q (i32x4.extend_low_i16x8_s (local.get $h)))
            ${fourPixels(32)}
            (local.set $q (i32x4.extend_high_i16x8_s (local.get $h)))
            ${fourPixels(48)}
            (local.set $p (i32.add (local.get $p) (i32.const 16)))
            (local.set $o (i32.add (local.get $o) (i32.const 64)))
            (br ${exit})))`;
}

/**
 * A loop decoding codes while pixels are wanted and $p is below `limit`; `simd`: sixteen at once
 * where they are all one byte and 16 pixels are still wanted (the fast loop's limit leaves 15
 * bytes, so a 16-byte load at $p stays inside the input).
 */
function loop(name: string, limit: string, checked: boolean, simd = false): string {
  return `(block $${name}Done
      (loop $${name}
        (br_if $${name}Done (i32.ge_u (local.get $o) (local.get $oend)))
        (br_if $${name}Done (i32.ge_u (local.get $p) (local.get ${limit})))
        ${
          simd
            ? `(if (i32.le_u (i32.add (local.get $o) (i32.const 64)) (local.get $oend))
          (then ${sixteenPixels(`$${name}`)}))
        `
            : ""
        }${code(checked, `$${name}Done`)}
        (br $${name})))`;
}

export function byteOffsetWat(): string {
  return `(module
  (memory (export "memory") 1)
  (func (export "decode")
    (param $src i32) (param $len i32) (param $out i32) (param $n i32) (param $info i32) (result i32)
    (local $p i32) (local $end i32) (local $safe i32) (local $o i32) (local $oend i32)
    (local $v i32) (local $d i32) (local $x v128) (local $h v128) (local $q v128)
    (local.set $p (local.get $src))
    (local.set $end (i32.add (local.get $src) (local.get $len)))
    (local.set $o (local.get $out))
    (local.set $oend (i32.add (local.get $out) (i32.shl (local.get $n) (i32.const 2))))
    ;; while 15 bytes (the longest code) remain, no code can run past the end
    (local.set $safe (select (i32.sub (local.get $end) (i32.const 15)) (local.get $src)
      (i32.ge_u (local.get $len) (i32.const 15))))
    ${loop("fast", "$safe", false, true)}
    ;; the tail, each code checked against the end
    ${loop("tail", "$end", true)}
    (i32.store (local.get $info) (i32.sub (local.get $p) (local.get $src)))
    (i32.shr_u (i32.sub (local.get $o) (local.get $out)) (i32.const 2)))
)
`;
}
