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

/** A loop decoding codes while pixels are wanted and $p is below `limit`. */
function loop(name: string, limit: string, checked: boolean): string {
  return `(block $${name}Done
      (loop $${name}
        (br_if $${name}Done (i32.ge_u (local.get $o) (local.get $oend)))
        (br_if $${name}Done (i32.ge_u (local.get $p) (local.get ${limit})))
        ${code(checked, `$${name}Done`)}
        (br $${name})))`;
}

export function byteOffsetWat(): string {
  return `(module
  (memory (export "memory") 1)
  (func (export "decode")
    (param $src i32) (param $len i32) (param $out i32) (param $n i32) (param $info i32) (result i32)
    (local $p i32) (local $end i32) (local $safe i32) (local $o i32) (local $oend i32)
    (local $v i32) (local $d i32)
    (local.set $p (local.get $src))
    (local.set $end (i32.add (local.get $src) (local.get $len)))
    (local.set $o (local.get $out))
    (local.set $oend (i32.add (local.get $out) (i32.shl (local.get $n) (i32.const 2))))
    ;; while 15 bytes (the longest code) remain, no code can run past the end
    (local.set $safe (select (i32.sub (local.get $end) (i32.const 15)) (local.get $src)
      (i32.ge_u (local.get $len) (i32.const 15))))
    ${loop("fast", "$safe", false)}
    ;; the tail, each code checked against the end
    ${loop("tail", "$end", true)}
    (i32.store (local.get $info) (i32.sub (local.get $p) (local.get $src)))
    (i32.shr_u (i32.sub (local.get $o) (local.get $out)) (i32.const 2)))
)
`;
}
