/**
 * The WebAssembly text of the bitshuffle-LZ4 chunk decoder (bslz4.ts `decodeBslz4Js` is the
 * JavaScript reference it must equal). `npm run build:wasm` compiles it into bslz4-wasm.js; a test
 * compiles it again and compares.
 *
 * Why: h5wasm's bitshuffle plugin (scalar C) took ~11 ms per Pilatus 1M int32 frame (issue 11).
 * Here LZ4 copies are 16-byte SIMD or bulk-memory copies, and the bit transpose works on 128
 * elements at a time with v128: see `untranspose`.
 *
 * The format (bitshuffle's HDF5 filter, documented in its README and bshuf_h5filter.c's header):
 * after the chunk's 12-byte header (which bslz4.ts reads) come blocks of `block` elements, each a
 * big-endian uint32 compressed size and an LZ4 raw block; then one block of the leftover elements
 * rounded down to a multiple of 8; then the last (n mod 8) elements stored as they are. A decoded
 * block of m elements of s bytes is bit-transposed: for byte j of the element and bit b, a row of
 * m/8 bytes at ((8j + b)·m/8) whose byte k holds in bit i the bit b of byte j of element 8k + i.
 *
 * decode(src, srcLen, dst, n, s, block, scratchA, scratchB) → 0, or a status (bslz4.ts STATUS):
 * 1 size field past the end, 2 LZ4 stream malformed or past its block, 3 LZ4 output of the wrong
 * size, 4 LZ4 match reaching before the block, 5 raw tail missing. Memory is the module's own:
 * bytes 0–271 hold the tables of `tables()`, the rest is laid out by bslz4.ts with 64 bytes of
 * slack after the input and each scratch area: the LZ4 copies may read and write up to 32 bytes
 * past their end (bytes rewritten before they are used).
 */

/** i8x16.shuffle lanes interleaving units of `w` bytes from a and b: low or high half of each. */
function lanes(w: number, high: boolean): string {
  const out: number[] = [];
  const units = 8 / w;
  for (let u = 0; u < units; u++) {
    const at = (high ? units + u : u) * w;
    for (let x = 0; x < w; x++) out.push(at + x);
    for (let x = 0; x < w; x++) out.push(16 + at + x);
  }
  return out.join(" ");
}

/**
 * Interleave `planes` (locals $<name>, each 16 bytes of one byte-plane) into row-major units:
 * planes pairwise at 1 byte, then 2, then 4 … Returns the code and the locals holding the result
 * in memory order. Used for [8][16] → [16][8] in the bit transpose and [s][16] → [16][s] after it.
 */
function interleave(planes: string[], tag: string): { code: string; out: string[]; locals: string[] } {
  let level = planes.map((p) => [p]);
  const code: string[] = [];
  const locals: string[] = [];
  for (let w = 1; level.length > 1; w *= 2) {
    const next: string[][] = [];
    for (let t = 0; t < level.length; t += 2) {
      const [a, b] = [level[t]!, level[t + 1]!];
      const merged: string[] = [];
      a.forEach((va, v) => {
        for (const high of [false, true]) {
          const name = `${tag}_${w}_${t}_${v}_${high ? "h" : "l"}`;
          locals.push(name);
          code.push(
            `(local.set $${name} (i8x16.shuffle ${lanes(w, high)} (local.get $${va}) (local.get $${b[v]})))`,
          );
          merged.push(name);
        }
      });
      next.push(merged);
    }
    level = next;
  }
  return { code: code.join("\n        "), out: level[0]!, locals };
}

/**
 * 8×8 bit transpose of lanes: $v0…$v7 byte k ↔ bit. Three block-swap stages (h = 4, 2, 1). The
 * shifts are 16-bit (x86 has no byte shift): the mask clears the bits that cross between bytes.
 */
function bitTranspose(): string {
  const masks: Record<number, string> = { 4: "0x0f", 2: "0x33", 1: "0x55" };
  const code: string[] = [];
  for (const h of [4, 2, 1]) {
    for (let r = 0; r < 8; r++) {
      if (r & h) continue;
      const [a, b] = [`$v${r}`, `$v${r + h}`];
      code.push(`(local.set $t (v128.and (v128.xor (i16x8.shr_u (local.get ${a}) (i32.const ${h})) (local.get ${b}))
          (v128.const i8x16 ${Array(16).fill(masks[h]).join(" ")})))
        (local.set ${b} (v128.xor (local.get ${b}) (local.get $t)))
        (local.set ${a} (v128.xor (local.get ${a}) (i16x8.shl (local.get $t) (i32.const ${h}))))`);
    }
  }
  return code.join("\n        ");
}

/**
 * Undo the bit transpose of one block: m elements of s bytes at $src into $dst. Pass 1 writes byte
 * plane j (byte j of every element) to $planes + j·m, or straight to $dst when s = 1: 16 row bytes
 * of each of the 8 bit rows give 128 elements (bit transpose, then [8][16] → [16][8]). Pass 2
 * interleaves the s planes into elements (s = 2, 4, 8; a scalar loop for other sizes and tails).
 */
function untranspose(): string {
  const rows = Array.from({ length: 8 }, (_, b) => `v${b}`);
  const toElems = interleave(rows, "e");
  const loads = rows
    .map(
      (v, b) => `(local.set $${v} (v128.load (i32.add (local.get $row) (i32.add (local.get $k)
          (i32.mul (local.get $rb) (i32.const ${b}))))))`,
    )
    .join("\n        ");
  const stores = toElems.out
    .map((v, q) => `(v128.store offset=${16 * q} (local.get $w) (local.get $${v}))`)
    .join("\n        ");
  const byS = [2, 4, 8].map((s) => {
    const planes = Array.from({ length: s }, (_, j) => `p${j}`);
    const il = interleave(planes, `s${s}`);
    const pl = planes
      .map(
        (p, j) =>
          `(local.set $${p} (v128.load (i32.add (local.get $pe) (i32.mul (local.get $m) (i32.const ${j})))))`,
      )
      .join("\n        ");
    const st = il.out
      .map((v, q) => `(v128.store offset=${16 * q} (local.get $de) (local.get $${v}))`)
      .join("\n        ");
    return { s, locals: il.locals, body: `${pl}\n        ${il.code}\n        ${st}` };
  });
  const locals = [
    ...rows,
    "t",
    ...toElems.locals,
    ...Array.from({ length: 8 }, (_, j) => `p${j}`),
    ...byS.flatMap((x) => x.locals),
  ];
  const pass2 = byS
    .map(
      (x) => `(if (i32.eq (local.get $s) (i32.const ${x.s})) (then
      (block $d${x.s} (loop $l${x.s}
        (br_if $d${x.s} (i32.gt_u (i32.add (local.get $e) (i32.const 16)) (local.get $m)))
        (local.set $pe (i32.add (local.get $planes) (local.get $e)))
        (local.set $de (i32.add (local.get $dst) (i32.mul (local.get $e) (i32.const ${x.s}))))
        ${x.body}
        (local.set $e (i32.add (local.get $e) (i32.const 16)))
        (br $l${x.s})))))`,
    )
    .join("\n    ");
  return `(func $untranspose (param $src i32) (param $m i32) (param $s i32) (param $planes i32) (param $dst i32)
    (local $rb i32) (local $j i32) (local $k i32) (local $row i32) (local $w i32) (local $plane i32)
    (local $i i32) (local $b i32) (local $acc i32) (local $e i32) (local $pe i32) (local $de i32)
    ${locals.map((l) => `(local $${l} v128)`).join(" ")}
    (local.set $rb (i32.shr_u (local.get $m) (i32.const 3)))
    (if (i32.eq (local.get $s) (i32.const 1)) (then (local.set $planes (local.get $dst))))
    (local.set $j (i32.const 0))
    (block $jd (loop $jl
      (br_if $jd (i32.ge_u (local.get $j) (local.get $s)))
      (local.set $row (i32.add (local.get $src) (i32.mul (local.get $j) (i32.shl (local.get $rb) (i32.const 3)))))
      (local.set $plane (i32.add (local.get $planes) (i32.mul (local.get $j) (local.get $m))))
      (local.set $k (i32.const 0))
      (block $kd (loop $kl
        (br_if $kd (i32.gt_u (i32.add (local.get $k) (i32.const 16)) (local.get $rb)))
        ${loads}
        ${bitTranspose()}
        ${toElems.code}
        (local.set $w (i32.add (local.get $plane) (i32.shl (local.get $k) (i32.const 3))))
        ${stores}
        (local.set $k (i32.add (local.get $k) (i32.const 16)))
        (br $kl)))
      ;; the last (m/8 mod 16) row bytes, bit by bit
      (block $td (loop $tl
        (br_if $td (i32.ge_u (local.get $k) (local.get $rb)))
        (local.set $i (i32.const 0))
        (loop $il
          (local.set $acc (i32.const 0))
          (local.set $b (i32.const 0))
          (loop $bl
            (local.set $acc (i32.or (local.get $acc) (i32.shl (i32.and (i32.shr_u
              (i32.load8_u (i32.add (local.get $row) (i32.add (local.get $k) (i32.mul (local.get $rb) (local.get $b)))))
              (local.get $i)) (i32.const 1)) (local.get $b))))
            (local.set $b (i32.add (local.get $b) (i32.const 1)))
            (br_if $bl (i32.lt_u (local.get $b) (i32.const 8))))
          (i32.store8 (i32.add (local.get $plane) (i32.add (i32.shl (local.get $k) (i32.const 3)) (local.get $i)))
            (local.get $acc))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $il (i32.lt_u (local.get $i) (i32.const 8))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $tl)))
      (local.set $j (i32.add (local.get $j) (i32.const 1)))
      (br $jl)))
    (if (i32.eq (local.get $s) (i32.const 1)) (then (return)))
    (local.set $e (i32.const 0))
    ${pass2}
    ;; elements left over (and element sizes without a SIMD pass): byte by byte
    (block $ed (loop $el
      (br_if $ed (i32.ge_u (local.get $e) (local.get $m)))
      (local.set $j (i32.const 0))
      (loop $jl2
        (i32.store8 (i32.add (local.get $dst) (i32.add (i32.mul (local.get $e) (local.get $s)) (local.get $j)))
          (i32.load8_u (i32.add (local.get $planes) (i32.add (i32.mul (local.get $j) (local.get $m)) (local.get $e)))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br_if $jl2 (i32.lt_u (local.get $j) (local.get $s))))
      (local.set $e (i32.add (local.get $e) (i32.const 1)))
      (br $el))))`;
}

/** A run-length extension: 255 adds 255 and continues; past $pend the stream is malformed. */
function extend(): string {
  return `(loop $ext
          (if (i32.ge_u (local.get $p) (local.get $pend)) (then (return (i32.const 2))))
          (local.set $b (i32.load8_u (local.get $p)))
          (local.set $p (i32.add (local.get $p) (i32.const 1)))
          (local.set $len (i32.add (local.get $len) (local.get $b)))
          (if (i32.gt_u (local.get $len) (i32.const 0x40000000)) (then (return (i32.const 3))))
          (br_if $ext (i32.eq (local.get $b) (i32.const 255))))`;
}

/**
 * One LZ4 raw block (lz4_Block_format.md): sequences of a token (literal length high nibble,
 * match length − 4 low nibble, 15 = more bytes follow), literals, a 16-bit little-endian offset;
 * the last sequence has literals only. Every length is checked against the input and output left.
 */
function lz4(): string {
  return `(func $lz4 (param $p i32) (param $pend i32) (param $o i32) (param $oend i32) (result i32)
    (local $o0 i32) (local $token i32) (local $len i32) (local $b i32) (local $off i32) (local $ms i32)
    (local $n i32) (local $v v128)
    (local.set $o0 (local.get $o))
    (block $done (loop $seq
      (if (i32.ge_u (local.get $p) (local.get $pend)) (then (return (i32.const 2))))
      (local.set $token (i32.load8_u (local.get $p)))
      (local.set $p (i32.add (local.get $p) (i32.const 1)))
      (local.set $len (i32.shr_u (local.get $token) (i32.const 4)))
      (if (i32.eq (local.get $len) (i32.const 15)) (then ${extend()}))
      (if (i32.gt_u (local.get $len) (i32.sub (local.get $pend) (local.get $p))) (then (return (i32.const 2))))
      (if (i32.gt_u (local.get $len) (i32.sub (local.get $oend) (local.get $o))) (then (return (i32.const 3))))
      (if (i32.le_u (local.get $len) (i32.const 32))
        (then
          (v128.store (local.get $o) (v128.load (local.get $p)))
          (v128.store offset=16 (local.get $o) (v128.load offset=16 (local.get $p))))
        (else (memory.copy (local.get $o) (local.get $p) (local.get $len))))
      (local.set $p (i32.add (local.get $p) (local.get $len)))
      (local.set $o (i32.add (local.get $o) (local.get $len)))
      (br_if $done (i32.eq (local.get $p) (local.get $pend)))
      (if (i32.lt_u (i32.sub (local.get $pend) (local.get $p)) (i32.const 2)) (then (return (i32.const 2))))
      (local.set $off (i32.load16_u (local.get $p)))
      (local.set $p (i32.add (local.get $p) (i32.const 2)))
      (if (i32.or (i32.eqz (local.get $off)) (i32.gt_u (local.get $off) (i32.sub (local.get $o) (local.get $o0))))
        (then (return (i32.const 4))))
      (local.set $len (i32.and (local.get $token) (i32.const 15)))
      (if (i32.eq (local.get $len) (i32.const 15)) (then ${extend()}))
      (local.set $len (i32.add (local.get $len) (i32.const 4)))
      (if (i32.gt_u (local.get $len) (i32.sub (local.get $oend) (local.get $o))) (then (return (i32.const 3))))
      (local.set $ms (i32.sub (local.get $o) (local.get $off)))
      (local.set $len (i32.add (local.get $o) (local.get $len)))
      (if (i32.ge_u (local.get $off) (i32.const 16))
        (then
          ;; 16 bytes at a time: each load reads only bytes already written, as LZ4 requires
          (loop $far
            (v128.store (local.get $o) (v128.load (local.get $ms)))
            (local.set $o (i32.add (local.get $o) (i32.const 16)))
            (local.set $ms (i32.add (local.get $ms) (i32.const 16)))
            (br_if $far (i32.lt_u (local.get $o) (local.get $len)))))
        (else
          ;; a period shorter than 16: one vector of it (swizzle by i mod off, table at 0), stored
          ;; every (largest multiple of off ≤ 16) bytes (table at 256)
          (local.set $v (i8x16.swizzle (v128.load (local.get $ms)) (v128.load (i32.shl (local.get $off) (i32.const 4)))))
          (local.set $n (i32.load8_u offset=256 (local.get $off)))
          (loop $near
            (v128.store (local.get $o) (local.get $v))
            (local.set $o (i32.add (local.get $o) (local.get $n)))
            (br_if $near (i32.lt_u (local.get $o) (local.get $len))))))
      (local.set $o (local.get $len))
      (br $seq)))
    (if (i32.ne (local.get $o) (local.get $oend)) (then (return (i32.const 3))))
    (i32.const 0))`;
}

/** Bytes 0–255: swizzle indices i mod off for each period off < 16; 256–271: its store step. */
function tables(): string {
  const hex = (b: number) => `\\${b.toString(16).padStart(2, "0")}`;
  const rows = Array.from({ length: 16 }, (_, off) =>
    Array.from({ length: 16 }, (_, i) => hex(off === 0 ? 0 : i % off)).join(""),
  );
  const steps = Array.from({ length: 16 }, (_, off) => hex(off === 0 ? 16 : off * Math.floor(16 / off)));
  return `(data (i32.const 0) "${rows.join("")}${steps.join("")}")`;
}

export function bslz4Wat(): string {
  return `(module
  (memory (export "memory") 1)
  ${tables()}
  (global $pos (mut i32) (i32.const 0))
  ${lz4()}
  ${untranspose()}
  ;; one block of m elements at $pos: its size, its LZ4 stream into $a, un-transposed into $dst
  (func $block (param $end i32) (param $m i32) (param $s i32) (param $a i32) (param $planes i32) (param $dst i32)
    (result i32)
    (local $p i32) (local $size i32) (local $r i32)
    (local.set $p (global.get $pos))
    (if (i32.lt_u (i32.sub (local.get $end) (local.get $p)) (i32.const 4)) (then (return (i32.const 1))))
    (local.set $size (i32.or (i32.or
      (i32.shl (i32.load8_u (local.get $p)) (i32.const 24))
      (i32.shl (i32.load8_u offset=1 (local.get $p)) (i32.const 16)))
      (i32.or (i32.shl (i32.load8_u offset=2 (local.get $p)) (i32.const 8)) (i32.load8_u offset=3 (local.get $p)))))
    (local.set $p (i32.add (local.get $p) (i32.const 4)))
    (if (i32.gt_u (local.get $size) (i32.sub (local.get $end) (local.get $p))) (then (return (i32.const 2))))
    (local.set $r (call $lz4 (local.get $p) (i32.add (local.get $p) (local.get $size))
      (local.get $a) (i32.add (local.get $a) (i32.mul (local.get $m) (local.get $s)))))
    (if (local.get $r) (then (return (local.get $r))))
    (call $untranspose (local.get $a) (local.get $m) (local.get $s) (local.get $planes) (local.get $dst))
    (global.set $pos (i32.add (local.get $p) (local.get $size)))
    (i32.const 0))
  (func (export "decode") (param $src i32) (param $srcLen i32) (param $dst i32) (param $n i32) (param $s i32)
    (param $blk i32) (param $a i32) (param $planes i32) (result i32)
    (local $end i32) (local $start i32) (local $r i32) (local $last i32) (local $tail i32)
    (global.set $pos (local.get $src))
    (local.set $end (i32.add (local.get $src) (local.get $srcLen)))
    (block $bd (loop $bl
      (br_if $bd (i32.gt_u (i32.add (local.get $start) (local.get $blk)) (local.get $n)))
      (local.set $r (call $block (local.get $end) (local.get $blk) (local.get $s) (local.get $a) (local.get $planes)
        (i32.add (local.get $dst) (i32.mul (local.get $start) (local.get $s)))))
      (if (local.get $r) (then (return (local.get $r))))
      (local.set $start (i32.add (local.get $start) (local.get $blk)))
      (br $bl)))
    (local.set $last (i32.and (i32.sub (local.get $n) (local.get $start)) (i32.const -8)))
    (if (local.get $last) (then
      (local.set $r (call $block (local.get $end) (local.get $last) (local.get $s) (local.get $a) (local.get $planes)
        (i32.add (local.get $dst) (i32.mul (local.get $start) (local.get $s)))))
      (if (local.get $r) (then (return (local.get $r))))
      (local.set $start (i32.add (local.get $start) (local.get $last)))))
    (local.set $tail (i32.mul (i32.sub (local.get $n) (local.get $start)) (local.get $s)))
    (if (i32.gt_u (local.get $tail) (i32.sub (local.get $end) (global.get $pos))) (then (return (i32.const 5))))
    (memory.copy (i32.add (local.get $dst) (i32.mul (local.get $start) (local.get $s))) (global.get $pos) (local.get $tail))
    (i32.const 0))
)
`;
}
