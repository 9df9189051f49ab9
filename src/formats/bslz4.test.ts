import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { writeBslz4Stack } from "../../test/support/h5-stack.js";
import { pythonWith, runPython, toolAvailable } from "../../test/support/tools.js";
import { InputError } from "../util/errors.js";
import { decodeBslz4, type ElementArray, lz4Js } from "./bslz4.js";
import { h5wasm, openH5 } from "./h5.js";
import { H5Bytes, readChunkedDataset } from "./h5-chunks.js";

const dir = mkdtempSync(join(tmpdir(), "swaxs-bslz4-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const fail = (problem: string): never => {
  throw new InputError("chunk", problem);
};

/** Decode with the WebAssembly decoder or the JavaScript reference (SWAXS_KERNEL=js). */
function decode(chunk: Uint8Array, out: ElementArray, js: boolean): void {
  const saved = process.env["SWAXS_KERNEL"];
  process.env["SWAXS_KERNEL"] = js ? "js" : "";
  try {
    decodeBslz4(chunk, out, fail);
  } finally {
    if (saved === undefined) delete process.env["SWAXS_KERNEL"];
    else process.env["SWAXS_KERNEL"] = saved;
  }
}

/** Both decoders: the same bytes, or the same one-line InputError. */
function both(chunk: Uint8Array, make: () => ElementArray): ElementArray | string {
  const results = [false, true].map((js) => {
    const out = make();
    try {
      decode(chunk, out, js);
      return out;
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      expect(err.message).not.toContain("\n");
      return err.message;
    }
  });
  expect(results[1]).toEqual(results[0]);
  return results[0]!;
}

let seed = 12345;
function rand(): number {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 4294967296;
}

/** Detector-like values: small counts, a few at the type's maximum, gaps of zeros. */
function frameValues<T extends ElementArray>(a: T, k: number): T {
  const max =
    a instanceof Float32Array
      ? 1e30
      : a instanceof Int32Array
        ? 2 ** 31 - 1
        : 2 ** (8 * a.BYTES_PER_ELEMENT) - 1;
  for (let i = 0; i < a.length; i++) {
    const v = i % 101 === 0 ? max : i % 37 < 3 ? 0 : Math.floor(-Math.log(rand() + 1e-12) * (20 + k));
    (a as Float32Array)[i] = a instanceof Float32Array ? v + rand() : v;
  }
  return a;
}

const TYPES = [
  { dtype: "<i", make: (n: number) => new Int32Array(n) },
  { dtype: "<H", make: (n: number) => new Uint16Array(n) },
  { dtype: "<I", make: (n: number) => new Uint32Array(n) },
  { dtype: "<f", make: (n: number) => new Float32Array(n) },
] as const;

/** Raw bitshuffle-LZ4 chunks of a stack h5wasm wrote (its bitshuffle plugin compressed them). */
async function h5wasmChunks(t: (typeof TYPES)[number], rows: number, cols: number, frames: number) {
  const path = join(dir, `chunks_${t.dtype.slice(1)}_${rows}x${cols}.h5`);
  const values = Array.from({ length: frames }, (_, k) => frameValues(t.make(rows * cols), k));
  await writeBslz4Stack(path, {
    dtype: t.dtype,
    shape: [rows, cols],
    frames,
    frame: (k) => values[k]!,
    groups: [],
  });
  const h5 = await openH5(path);
  const ref = new h5wasm.Dataset(h5.file_id, "/data").create_reference().ref_data as Uint8Array;
  h5.close();
  const bytes = H5Bytes.open(path);
  try {
    const table = readChunkedDataset(bytes, Number(Buffer.from(ref).readBigUInt64LE(0)));
    if (typeof table === "string") throw new Error(table);
    return values.map((v, k) => {
      const e = table.chunks.get(k)!;
      return { values: v, chunk: bytes.read(e.address, e.size, "chunk") };
    });
  } finally {
    bytes.close();
  }
}

describe("bitshuffle-LZ4 chunks written by h5wasm's plugin", () => {
  // 1887 elements: not a multiple of 8; 8777 int32: four 2048-element blocks, a partial one, a tail
  for (const t of TYPES) {
    for (const [rows, cols] of [
      [37, 51],
      [67, 131],
    ] as const) {
      it(`${t.dtype} ${rows}x${cols}: WebAssembly and JavaScript give the values written`, async () => {
        for (const { values, chunk } of await h5wasmChunks(t, rows, cols, 3)) {
          const out = both(chunk, () => t.make(rows * cols));
          expect(out).toEqual(values);
        }
      });
    }
  }

  it("corrupt chunks: the same one-line InputError from both decoders, never a crash or a hang", async () => {
    const [{ chunk }] = await h5wasmChunks(TYPES[0], 67, 131, 1);
    const make = () => new Int32Array(67 * 131);
    expect(both(chunk!.subarray(0, 700), make)).toMatch(/truncated|malformed/);
    expect(both(chunk!.subarray(0, 8), make)).toMatch(/no 12-byte header/);
    const wrongTotal = chunk!.slice();
    wrongTotal[7] ^= 4;
    expect(both(wrongTotal, make)).toMatch(/holds \d+ bytes, expected 35108/);
    const badBlock = chunk!.slice();
    badBlock[11] = 3; // block size not a multiple of 8 elements
    expect(both(badBlock, make)).toMatch(/not a multiple of 8 elements/);
    const hugeBlock = chunk!.slice();
    hugeBlock.set([0x7f, 0xff, 0xff, 0xff], 12); // first block's compressed size
    expect(both(hugeBlock, make)).toMatch(/runs past its block/);
    // random flips: whatever each gives (values or an error), both give the same
    for (let trial = 0; trial < 100; trial++) {
      const bad = chunk!.slice();
      for (let f = 0; f < 1 + (trial % 4); f++)
        bad[12 + Math.floor(rand() * (bad.length - 12))] ^= 1 << (trial % 8);
      both(bad, make);
    }
  });

  it("an LZ4 match reaching before its block, and lengths past the output, are refused", () => {
    const out = new Uint8Array(64);
    // literal 'a', then a match at offset 2 (only 1 byte written so far)
    expect(lz4Js(Uint8Array.from([0x10, 97, 2, 0]), 0, 4, out, 64)).toBe(4);
    // 15 + 255 + 255 … literal length extension running off the end
    expect(lz4Js(Uint8Array.from([0xf0, 255, 255]), 0, 3, out, 64)).toBe(2);
    // a literal run longer than the output
    expect(lz4Js(Uint8Array.from([0x50, 1, 2, 3, 4, 5]), 0, 6, out, 4)).toBe(3);
    // offset 0
    expect(lz4Js(Uint8Array.from([0x10, 97, 0, 0]), 0, 4, out, 64)).toBe(4);
  });
});

describe("bitshuffle-LZ4 chunks from bitshuffle itself (python3 bitshuffle.compress_lz4)", () => {
  const py = pythonWith(["bitshuffle", "numpy"]);
  it("decodes what bitshuffle compressed, every block size and type (cross-check)", () => {
    if (!toolAvailable("python3 with bitshuffle", py !== null)) return;
    const code = `
import sys, struct, numpy as np, bitshuffle
rng = np.random.default_rng(7)
for k, (dt, n, bs) in enumerate([("<i4", 1043 * 61, 0), ("<u2", 1887, 0), ("<f4", 4099, 256), ("<u1", 333, 64),
                                  ("<i8", 777, 0), ("<u4", 7, 0), ("<i4", 2048 * 3 + 5, 0), ("<u2", 8, 8)]):
    a = (rng.normal(size=n) * 1e3) if dt == "<f4" else rng.poisson(20, size=n)
    a = a.astype(dt)
    c = bitshuffle.compress_lz4(a, bs)
    s = a.dtype.itemsize
    block = bs if bs else max(128, (8192 // s) // 8 * 8)
    with open(f"{sys.argv[1]}/bs{k}.chunk", "wb") as f:
        f.write(struct.pack(">QI", a.nbytes, block * s) + c.tobytes())
    with open(f"{sys.argv[1]}/bs{k}.raw", "wb") as f:
        f.write(a.tobytes())
    print(dt, n)
`;
    const cases = runPython(py!, code, [dir]).trim().split("\n");
    const ctor = {
      "<i4": Int32Array,
      "<u2": Uint16Array,
      "<f4": Float32Array,
      "<u1": Uint8Array,
      "<u4": Uint32Array,
    };
    cases.forEach((line, k) => {
      const [dt, n] = line.split(" ") as [string, string];
      const C = ctor[dt as keyof typeof ctor] ?? BigInt64Array;
      const chunk = new Uint8Array(readFileSync(join(dir, `bs${k}.chunk`)));
      const raw = new Uint8Array(readFileSync(join(dir, `bs${k}.raw`)));
      const out = both(chunk, () => new C(Number(n)));
      if (typeof out === "string") throw new Error(out);
      expect(new Uint8Array(out.buffer)).toEqual(raw);
    });
  });
});
