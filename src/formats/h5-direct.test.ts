import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { writeBslz4Stack } from "../../test/support/h5-stack.js";
import { pythonWith, runPython, toolAvailable } from "../../test/support/tools.js";
import { InputError } from "../util/errors.js";
import { h5wasm, openH5 } from "./h5.js";
import { H5Bytes, readChunkedDataset } from "./h5-chunks.js";
import { DirectFrames } from "./h5-direct.js";
import { chunkLayout, MSG } from "./h5-messages.js";
import { readMessages, readSuperblock } from "./h5-object-header.js";
import { openHdf5 } from "./hdf5.js";
import type { PixelArray } from "./types.js";

const dir = mkdtempSync(join(tmpdir(), "swaxs-h5direct-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Every frame through openHdf5, with the direct reader (default) or h5wasm (SWAXS_KERNEL=js). */
async function frames(path: string, viaH5wasm: boolean, dataset?: string): Promise<PixelArray[]> {
  const saved = process.env["SWAXS_KERNEL"];
  process.env["SWAXS_KERNEL"] = viaH5wasm ? "js" : "";
  try {
    const src = await openHdf5(path, dataset ? { dataset } : {});
    try {
      const out: PixelArray[] = [];
      for (let k = 0; k < src.frameCount; k++) out.push((await src.readFrame(k)).data);
      return out;
    } finally {
      src.close();
    }
  } finally {
    if (saved === undefined) delete process.env["SWAXS_KERNEL"];
    else process.env["SWAXS_KERNEL"] = saved;
  }
}

/** Why the direct reader does not take the dataset (null when it does). */
async function directReason(path: string, dataset: string): Promise<string | null> {
  const h5 = await openH5(path);
  try {
    const meta = new h5wasm.Dataset(h5.file_id, dataset).metadata;
    const t = `${meta.type === 1 ? "float" : meta.signed ? "int" : "uint"}${meta.size * 8}`;
    const seg = { path: dataset, stacked: true, dims: meta.shape ?? [], chunks: meta.chunks };
    const direct = DirectFrames.open(h5, path, [seg], t, t as "int32");
    direct?.close();
    return direct ? null : "not taken";
  } finally {
    h5.close();
  }
}

async function reasonOf(path: string, dataset: string): Promise<string> {
  const h5 = await openH5(path);
  const ref = new h5wasm.Dataset(h5.file_id, dataset).create_reference().ref_data as Uint8Array;
  h5.close();
  const bytes = H5Bytes.open(path);
  try {
    const r = readChunkedDataset(bytes, Number(Buffer.from(ref).readBigUInt64LE(0)));
    return typeof r === "string" ? r : "read directly";
  } finally {
    bytes.close();
  }
}

const TYPES = [
  { dtype: "<i", make: (n: number) => new Int32Array(n) },
  { dtype: "<H", make: (n: number) => new Uint16Array(n) },
  { dtype: "<I", make: (n: number) => new Uint32Array(n) },
  { dtype: "<f", make: (n: number) => new Float32Array(n) },
] as const;

/** A stack written by h5wasm, bitshuffle-LZ4 as bench/integrate-files.ts writes it; frame 2 unwritten. */
async function h5wasmStack(
  t: (typeof TYPES)[number],
  rows: number,
  cols: number,
  frames: number,
  name: string,
) {
  const path = join(dir, name);
  await writeBslz4Stack(path, {
    dtype: t.dtype,
    shape: [rows, cols],
    frames,
    frame: (k) => {
      if (k === 2) return null;
      const v = t.make(rows * cols);
      for (let i = 0; i < v.length; i++)
        v[i] = i % 53 === 0 ? 65535 : ((i * 7919 + k * 31) % 97) + (i % 3 ? 0 : 0.5);
      return v;
    },
  });
  return path;
}

describe("direct chunk reading = h5wasm, on stacks h5wasm wrote", () => {
  for (const t of TYPES) {
    it(`${t.dtype}: 5 frames of 37x51 and 67x131 (frame 2 unwritten) read the same both ways`, async () => {
      for (const [rows, cols] of [
        [37, 51],
        [67, 131],
      ] as const) {
        const path = await h5wasmStack(t, rows, cols, 5, `stack_${t.dtype.slice(1)}_${rows}.h5`);
        expect(await directReason(path, "/entry/data/data")).toBeNull();
        const [direct, reference] = [await frames(path, false), await frames(path, true)];
        expect(direct).toEqual(reference);
        expect(Array.from(direct[2]!).every((v) => v === 0)).toBe(true);
        expect(direct[1]!.constructor).toBe(t.make(0).constructor);
        // readFrameNow into reusable memory (the frame workers' path): the same pixels, one buffer
        const src = await openHdf5(path);
        try {
          const scratch: { pixels?: ArrayBuffer } = {};
          const seen = new Set<ArrayBufferLike>();
          for (let k = 0; k < src.frameCount; k++) {
            const f = src.readFrameNow!(k, scratch);
            expect(Array.from(f.data)).toEqual(Array.from(reference[k]!));
            seen.add(f.data.buffer);
          }
          expect([...seen]).toEqual([scratch.pixels]);
        } finally {
          src.close();
        }
      }
    });
  }
});

/** Overwrite bytes of a file in place. */
function patch(path: string, at: number, bytes: number[]): void {
  const b = readFileSync(path);
  b.set(bytes, at);
  writeFileSync(path, b);
}

/** The absolute address of a dataset's version-1 B-tree root, from its layout message. */
async function btreeRoot(path: string): Promise<number> {
  const h5 = await openH5(path);
  const ref = new h5wasm.Dataset(h5.file_id, "/entry/data/data").create_reference().ref_data as Uint8Array;
  h5.close();
  const bytes = H5Bytes.open(path);
  try {
    const sizes = readSuperblock(bytes);
    const msgs = readMessages(bytes, sizes, Number(Buffer.from(ref).readBigUInt64LE(0)));
    const layout = chunkLayout(bytes, sizes, msgs.find((m) => m.type === MSG.layout)!.data);
    if (typeof layout === "string" || layout.index.kind !== "btree1") throw new Error("not a v1 B-tree");
    return layout.index.address;
  } finally {
    bytes.close();
  }
}

describe("corrupt files: one-line InputError naming the file, no hang", () => {
  const oneLine = async (run: () => Promise<unknown>, re: RegExp, path: string) => {
    const err = await run().then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).file).toBe(path);
    expect((err as Error).message).not.toContain("\n");
    expect((err as Error).message).toMatch(re);
  };

  it("a B-tree node pointing at itself", async () => {
    // 80 frames: more than one leaf's worth of chunks, so the root is an internal node
    const path = await h5wasmStack(TYPES[0], 4, 4, 80, "loop.h5");
    const root = await btreeRoot(path);
    const keySize = 8 + 8 * 4;
    patch(path, root + 8 + 16 + keySize, [...Buffer.from(new BigUint64Array([BigInt(root)]).buffer)]);
    await oneLine(() => openHdf5(path), /reached twice \(a loop\)/, path);
  });

  it("a chunk address beyond the end of the file", async () => {
    const path = await h5wasmStack(TYPES[0], 37, 51, 3, "beyond.h5");
    const root = await btreeRoot(path);
    const keySize = 8 + 8 * 4;
    patch(path, root + 8 + 16 + keySize, [0, 0, 0, 0x40, 0, 0, 0, 0]);
    await oneLine(() => openHdf5(path), /beyond the end of the file/, path);
  });

  it("a truncated chunk and a corrupt LZ4 stream", async () => {
    const path = await h5wasmStack(TYPES[0], 67, 131, 2, "lz4.h5");
    const h5 = await openH5(path);
    const ref = new h5wasm.Dataset(h5.file_id, "/entry/data/data").create_reference().ref_data as Uint8Array;
    h5.close();
    const bytes = H5Bytes.open(path);
    const ds = readChunkedDataset(bytes, Number(Buffer.from(ref).readBigUInt64LE(0)));
    bytes.close();
    if (typeof ds === "string") throw new Error(ds);
    const [c0, c1] = [ds.chunks.get(0)!, ds.chunks.get(1)!];
    patch(path, c0.address + 12, [0x7f, 0xff, 0xff, 0xff]); // first block's compressed size
    const root = await btreeRoot(path);
    patch(path, root + 8 + 16 + 40 + 8, [...Buffer.from(new Uint32Array([c1.size - 300]).buffer)]); // key 1's size
    const src = await openHdf5(path);
    try {
      await oneLine(() => src.readFrame(0), /frame 0: bitshuffle-LZ4: .*runs past its block/, path);
      await oneLine(() => src.readFrame(1), /frame 1: bitshuffle-LZ4: .*(truncated|corrupt)/, path);
    } finally {
      src.close();
    }
  });
});

describe("files written by h5py (python3-h5py with bitshuffle's filter)", () => {
  const py = pythonWith(["h5py", "numpy", "bitshuffle.h5"]);
  const code = `
import sys, struct, numpy as np, h5py, bitshuffle, bitshuffle.h5
d = sys.argv[1]
rng = np.random.default_rng(3)
stack = rng.poisson(30, size=(4, 45, 67)).astype("<i4")
stack[:, ::9, :] = -1
def bslz4(a):
    return struct.pack(">QI", a.nbytes, 2048 * a.dtype.itemsize) + bitshuffle.compress_lz4(a, 2048).tobytes()
for libver in ("earliest", "latest"):
    with h5py.File(f"{d}/filter_{libver}.h5", "w", libver=libver) as f:
        f.create_dataset("fixed", data=stack, chunks=(1, 45, 67), compression=bitshuffle.h5.H5FILTER,
                         compression_opts=(0, bitshuffle.h5.H5_COMPRESS_LZ4))
        r = f.create_dataset("resizable", shape=(0, 45, 67), maxshape=(None, 45, 67), dtype="<i4", chunks=(1, 45, 67),
                             compression=bitshuffle.h5.H5FILTER, compression_opts=(0, bitshuffle.h5.H5_COMPRESS_LZ4))
        r.resize((4, 45, 67)); r[...] = stack
        direct = f.create_dataset("direct", shape=stack.shape, dtype="<i4", chunks=(1, 45, 67),
                                  compression=bitshuffle.h5.H5FILTER, compression_opts=(0, bitshuffle.h5.H5_COMPRESS_LZ4))
        for k in (0, 1, 3):
            direct.id.write_direct_chunk((k, 0, 0), bslz4(stack[k]))
        f.create_dataset("plain_be", data=stack.astype(">i4"), chunks=(1, 45, 67))
        g = f.create_dataset("filled", shape=stack.shape, dtype="<u2", chunks=(1, 45, 67), fillvalue=7,
                             compression=bitshuffle.h5.H5FILTER, compression_opts=(0, bitshuffle.h5.H5_COMPRESS_LZ4))
        g[1] = stack[1].astype("<u2")
        f.create_dataset("float64", data=stack.astype("<f8") / 3, chunks=(1, 45, 67))
for name in ("fixed", "resizable", "direct", "plain_be", "filled", "float64"):
    with h5py.File(f"{d}/filter_earliest.h5", "r") as f:
        a = f[name][...]
    print(name, a.dtype.str)
`;

  it("libver earliest (version-1 B-tree) and latest (fixed array: direct; extensible array: h5wasm)", async () => {
    if (!toolAvailable("python3-h5py with bitshuffle", py !== null)) return;
    runPython(py!, code, [dir]);
    const expectDirect: Record<string, Record<string, string>> = {
      earliest: {
        fixed: "read directly",
        resizable: "read directly",
        direct: "read directly",
        plain_be: "read directly",
        filled: "read directly",
        float64: "read directly",
      },
      latest: {
        fixed: "read directly",
        resizable: 'chunk index "extensible array" is not read directly',
        direct: "read directly",
        plain_be: "read directly",
        filled: "read directly",
        float64: "read directly",
      },
    };
    for (const libver of ["earliest", "latest"]) {
      const path = join(dir, `filter_${libver}.h5`);
      for (const [name, reason] of Object.entries(expectDirect[libver]!)) {
        expect(await reasonOf(path, `/${name}`), `${libver} ${name}`).toBe(reason);
        const taken = await directReason(path, `/${name}`);
        expect(taken, `${libver} ${name}`).toBe(reason === "read directly" ? null : "not taken");
        const [direct, reference] = [
          await frames(path, false, `/${name}`),
          await frames(path, true, `/${name}`),
        ];
        expect(direct, `${libver} ${name}`).toEqual(reference);
      }
      // the h5py values themselves: frame 1 of the stack, and the fill value where nothing was written
      const pyFrame = JSON.parse(
        runPython(
          py!,
          `import sys,json,h5py; print(json.dumps(h5py.File(sys.argv[1])["fixed"][1].ravel().tolist()))`,
          [path],
        ),
      ) as number[];
      expect(Array.from((await frames(path, false, "/fixed"))[1]!)).toEqual(pyFrame);
      expect(Array.from((await frames(path, false, "/plain_be"))[1]!)).toEqual(pyFrame);
      const filled = await frames(path, false, "/filled");
      expect(Array.from(filled[0]!).every((v) => v === 7)).toBe(true);
      const unwritten = await frames(path, false, "/direct");
      expect(Array.from(unwritten[2]!).every((v) => v === 0)).toBe(true);
    }
  });
});
