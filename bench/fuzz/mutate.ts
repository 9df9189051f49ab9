/**
 * Mutations for the fuzzer (bench/fuzz): byte-level (truncation, bit flips, random bytes, inserted
 * junk, spliced ranges, 32-bit header fields set to extremes) and grammar-aware for the text parts
 * (a number replaced by a huge, negative, NaN or empty value; a line dropped or repeated; the
 * separator changed). Deterministic: the same seed and random stream give the same input.
 */

/** xorshift32: small, fast and the same on every machine. */
export function rng(seed: number): () => number {
  let s = seed >>> 0 || 0x9e3779b9;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 32;
  };
}

/** Values a header number is set to: huge, negative, not a number, empty, at type limits. */
const EXTREME_TEXT = [
  "0",
  "-1",
  "-0",
  "1e308",
  "-1e308",
  "1e-320",
  "NaN",
  "nan",
  "inf",
  "-inf",
  "Infinity",
  "99999999999999999999",
  "100000",
  "2147483647",
  "2147483648",
  "4294967296",
  "-2147483649",
  "9007199254740993",
  "0x10",
  "1,5",
  "",
  " ",
];

const EXTREME_U32 = [0, 1, 0x7fffffff, 0x80000000, 0xffffffff, 0xfffffff0, 100000, 65536];

type Op = (b: Uint8Array, r: () => number) => Uint8Array;

const pick = <T>(a: readonly T[], r: () => number): T => a[Math.floor(r() * a.length)]!;
const at = (n: number, r: () => number) => Math.floor(r() * n);

/** Offsets skewed to the start, where headers live (half of them in the first 4 KB). */
const headerAt = (n: number, r: () => number) => (r() < 0.5 ? at(Math.min(n, 4096), r) : at(n, r));

const truncate: Op = (b, r) => b.slice(0, at(b.length, r));

const flipBits: Op = (b, r) => {
  const out = b.slice();
  const k = 1 + at(8, r);
  for (let i = 0; i < k && out.length; i++) out[headerAt(out.length, r)]! ^= 1 << at(8, r);
  return out;
};

const randomBytes: Op = (b, r) => {
  const out = b.slice();
  const k = 1 + at(16, r);
  const v = pick([0x00, 0xff, -1], r);
  for (let i = 0; i < k && out.length; i++) out[headerAt(out.length, r)] = v < 0 ? at(256, r) : v;
  return out;
};

const insertJunk: Op = (b, r) => {
  const p = at(b.length + 1, r);
  const junk = Uint8Array.from({ length: 1 + at(64, r) }, () => at(256, r));
  const out = new Uint8Array(b.length + junk.length);
  out.set(b.subarray(0, p));
  out.set(junk, p);
  out.set(b.subarray(p), p + junk.length);
  return out;
};

const splice: Op = (b, r) => {
  if (b.length < 2) return b;
  const from = at(b.length, r);
  const len = Math.min(1 + at(512, r), b.length - from);
  const to = at(b.length - len + 1, r);
  const out = b.slice();
  out.copyWithin(to, from, from + len);
  return out;
};

const u32Field: Op = (b, r) => {
  if (b.length < 4) return b;
  const out = b.slice();
  const off = headerAt(out.length - 3, r) & ~3;
  new DataView(out.buffer).setUint32(off, pick(EXTREME_U32, r), r() < 0.5);
  return out;
};

const enc = new TextEncoder();

/** A run of digits (with sign, point, exponent) in the first 64 KB replaced by an extreme value. */
const number: Op = (b, r) => {
  const head = b.subarray(0, 65536);
  const starts: number[] = [];
  for (let i = 0; i < head.length; i++) {
    const c = head[i]!;
    const prev = i > 0 ? head[i - 1]! : 32;
    if (c >= 48 && c <= 57 && !(prev >= 48 && prev <= 57) && prev !== 46) starts.push(i);
  }
  if (starts.length === 0) return flipBits(b, r);
  const s = pick(starts, r);
  let e = s;
  while (e < head.length && /[0-9.eE+-]/.test(String.fromCharCode(head[e]!))) e++;
  const v = enc.encode(pick(EXTREME_TEXT, r));
  const out = new Uint8Array(b.length - (e - s) + v.length);
  out.set(b.subarray(0, s));
  out.set(v, s);
  out.set(b.subarray(e), s + v.length);
  return out;
};

function lineBounds(b: Uint8Array): number[] {
  const starts = [0];
  for (let i = 0; i < b.length; i++) if (b[i] === 10) starts.push(i + 1);
  return starts;
}

const dropLine: Op = (b, r) => {
  const l = lineBounds(b);
  const i = at(l.length - 1, r);
  return Uint8Array.from([...b.subarray(0, l[i]), ...b.subarray(l[i + 1] ?? b.length)]);
};

const repeatLine: Op = (b, r) => {
  const l = lineBounds(b);
  const i = at(l.length - 1, r);
  const line = b.subarray(l[i], l[i + 1] ?? b.length);
  return Uint8Array.from([
    ...b.subarray(0, l[i + 1] ?? b.length),
    ...line,
    ...b.subarray(l[i + 1] ?? b.length),
  ]);
};

const separators: Op = (b, r) => {
  const [from, to] = pick(
    [
      [44, 59], // , → ;
      [9, 44], // tab → ,
      [46, 44], // . → , (decimal comma)
      [10, 13], // LF → CR
    ],
    r,
  ) as [number, number];
  const out = b.slice();
  for (let i = 0; i < out.length; i++) if (out[i] === from && r() < 0.3) out[i] = to;
  return out;
};

const BINARY: Op[] = [truncate, flipBits, randomBytes, insertJunk, splice, u32Field, number];
const TEXT: Op[] = [
  truncate,
  flipBits,
  randomBytes,
  insertJunk,
  number,
  number,
  dropLine,
  repeatLine,
  separators,
];

/** One to three mutations of `seed` (a plain Uint8Array: `slice` must copy, as a Buffer's does not). */
export function mutate(seed: Uint8Array, r: () => number, text: boolean): Uint8Array {
  const ops = text ? TEXT : BINARY;
  let b = seed;
  const n = 1 + at(3, r);
  for (let i = 0; i < n; i++) b = pick(ops, r)(b, r);
  return b;
}
