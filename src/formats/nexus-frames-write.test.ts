import { createHash } from "node:crypto";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { h5pyHasFilter, pythonWith, runPython, toolAvailable } from "../../test/support/tools.js";
import { openHdf5, readHdf5Mask } from "./hdf5.js";
import { createEigerStack, type EigerStackOptions, type StackCompression } from "./nexus-frames-write.js";

const dir = mkdtempSync(join(tmpdir(), "eiger-stack-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ROWS = 70;
const COLS = 90;
const GAP_ROWS = [30, 34]; // a module gap, inclusive

/** Poisson-like low counts, a few bright pixels, gaps at the dtype maximum (as an Eiger writes). */
function frame(i: number, dtype: "uint16" | "uint32"): Uint16Array | Uint32Array {
  const max = dtype === "uint16" ? 0xffff : 0xffffffff;
  const a = dtype === "uint16" ? new Uint16Array(ROWS * COLS) : new Uint32Array(ROWS * COLS);
  let x = 12345 + i * 777;
  for (let k = 0; k < a.length; k++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    a[k] = (x >>> 27) % 7;
  }
  a[5 * COLS + 7] = max - 1;
  a[6 * COLS + 8] = 1000 + i;
  for (let r = GAP_ROWS[0]!; r <= GAP_ROWS[1]!; r++) a.fill(max, r * COLS, (r + 1) * COLS);
  return a;
}

function mask(): Uint8Array {
  const m = new Uint8Array(ROWS * COLS);
  m.fill(1, GAP_ROWS[0]! * COLS, (GAP_ROWS[1]! + 1) * COLS);
  return m;
}

function options(
  compression: StackCompression,
  dtype: "uint16" | "uint32",
  frames: number,
): EigerStackOptions {
  return {
    shape: [ROWS, COLS],
    frames,
    dtype,
    compression,
    attrs: { sample: "NMC811 operando cell", scan_point: 17, temperature_K: 298.15 },
    pixelMask: mask(),
    xPixelSizeM: 75e-6,
    yPixelSizeM: 75e-6,
    distanceM: 0.15,
    wavelengthM: 1e-10,
    countTimeS: 0.5,
    beamCenterXPx: 12.5,
    beamCenterYPx: 60.25,
    sensorThicknessM: 450e-6,
  };
}

const sha = (a: ArrayBufferView) =>
  createHash("sha256")
    .update(Buffer.from(a.buffer, a.byteOffset, a.byteLength))
    .digest("hex");

const CASES: [StackCompression, "uint16" | "uint32"][] = [
  ["bslz4", "uint16"],
  ["bslz4", "uint32"],
  ["lz4", "uint16"],
  ["gzip", "uint32"],
  ["none", "uint16"],
];
const FRAMES = 3;
const written = new Map<string, string[]>();

describe("createEigerStack", () => {
  it.each(CASES)("writes a %s %s stack that openHdf5 reads back exactly", async (compression, dtype) => {
    const path = join(dir, `stack_${compression}_${dtype}.h5`);
    const w = await createEigerStack(path, options(compression, dtype, FRAMES));
    expect(existsSync(path)).toBe(false); // only the temporary file exists until finish()
    // Out of order, as a twin with several workers might.
    for (const i of [2, 0, 1]) w.writeFrame(i, frame(i, dtype));
    w.finish();
    expect(existsSync(path)).toBe(true);
    expect(readdirSync(dir).some((f) => f.endsWith(".tmp"))).toBe(false);

    const src = await openHdf5(path);
    try {
      expect(src.frameCount).toBe(FRAMES);
      expect(src.shape).toEqual([ROWS, COLS]);
      expect(src.dtype).toBe(dtype);
      for (let i = 0; i < FRAMES; i++) {
        const f = await src.readFrame(i);
        expect(sha(f.data)).toBe(sha(frame(i, dtype)));
      }
      const filters = String(src.metadata["hdf5_filters"] ?? "");
      const size = dtype === "uint16" ? 2 : 4;
      if (compression === "bslz4")
        expect(filters).toMatch(new RegExp(`bitshuffle-lz4 32008 \\(0,\\d+,${size},0,2\\)`));
      if (compression === "lz4") expect(filters).toBe("lz4 32004");
      if (compression === "gzip") expect(filters).toBe("deflate 1 (4)");
      if (compression === "none") expect(filters).toBe("");
      expect(src.metadata["x_pixel_size"]).toBe(75e-6);
      expect(src.metadata["detector_distance"]).toBe(0.15);
      expect(src.metadata["count_time"]).toBe(0.5);
      expect(src.metadata["beam_center_y"]).toBe(60.25);
      expect(src.metadata["incident_wavelength"]).toBeCloseTo(1, 12);
      expect(src.metadata["incident_wavelength_units"]).toBe("angstrom");
    } finally {
      src.close();
    }
    expect(Array.from(await readHdf5Mask(path))).toEqual(Array.from(mask()));
    written.set(
      path,
      Array.from({ length: FRAMES }, (_, i) => sha(frame(i, dtype))),
    );
  });

  it("is read exactly by h5py with the bitshuffle plugin (cross-check)", () => {
    const py = pythonWith(["h5py", "numpy", "bitshuffle.h5"]);
    if (!toolAvailable("python3-h5py with bitshuffle", py !== null)) return;
    expect(written.size).toBe(CASES.length);
    // the plain-LZ4 stacks need h5py's LZ4 filter (32004, Debian's hdf5-filter-plugin) as well:
    // without it only those are skipped, saying so
    const lz4 = toolAvailable("hdf5-filter-plugin (LZ4, filter 32004, for h5py)", h5pyHasFilter(py, 32004));
    const paths = [...written.keys()].filter((p) => lz4 || !p.includes("_lz4_"));
    const code = `
import sys, json, hashlib, h5py, numpy, bitshuffle.h5
out = {}
for path in sys.argv[1:]:
    with h5py.File(path, "r") as f:
        d = f["/entry/data/data"]
        det = f["/entry/instrument/detector"]
        out[path] = {
            "sha": [hashlib.sha256(numpy.ascontiguousarray(d[i]).tobytes()).hexdigest() for i in range(d.shape[0])],
            "dtype": str(d.dtype), "chunks": list(d.chunks), "shape": list(d.shape),
            "filters": {k: list(v) if isinstance(v, tuple) else v for k, v in d._filters.items()},
            "nx": [f.attrs["NX_class"], f["entry"].attrs["NX_class"], f["entry/data"].attrs["NX_class"], det.attrs["NX_class"]],
            "signal": f["entry/data"].attrs["signal"],
            "image_nr_high": int(d.attrs["image_nr_high"]),
            "mask_sum": int(det["detectorSpecific/pixel_mask"][()].sum()),
            "mask_dtype": str(det["detectorSpecific/pixel_mask"].dtype),
            "units": det["x_pixel_size"].attrs["units"],
            "scan_point": int(f["entry"].attrs["scan_point"]),
            "sample": f["entry"].attrs["sample"],
        }
print(json.dumps(out))
`;
    const res = JSON.parse(runPython(py!, code, paths)) as Record<string, Record<string, unknown>>;
    for (const path of paths) {
      const shas = written.get(path)!;
      const r = res[path]!;
      expect(r["sha"]).toEqual(shas);
      expect(r["shape"]).toEqual([FRAMES, ROWS, COLS]);
      expect(r["chunks"]).toEqual([1, ROWS, COLS]);
      expect(r["nx"]).toEqual(["NXroot", "NXentry", "NXdata", "NXdetector"]);
      expect(r["signal"]).toBe("data");
      expect(r["image_nr_high"]).toBe(FRAMES);
      expect(r["mask_sum"]).toBe(5 * COLS);
      expect(r["mask_dtype"]).toBe("uint32");
      expect(r["units"]).toBe("m");
      expect(r["scan_point"]).toBe(17);
      expect(r["sample"]).toBe("NMC811 operando cell");
      const filters = r["filters"] as Record<string, number[]>;
      if (path.includes("bslz4")) {
        const size = path.includes("uint16") ? 2 : 4;
        expect(filters["32008"]).toEqual([0, expect.any(Number), size, 0, 2]);
      }
      if (path.includes("_lz4_")) expect(Object.keys(filters)).toEqual(["32004"]);
    }
  });

  it("is opened by fabio as an Eiger image (cross-check)", () => {
    const py = pythonWith(["fabio", "numpy", "bitshuffle.h5"]);
    if (!toolAvailable("python3-fabio with bitshuffle", py !== null)) return;
    const code = `
import sys, json, hashlib, fabio, numpy, bitshuffle.h5
out = {}
for path in sys.argv[1:]:
    im = fabio.open(path)
    out[path] = {"type": type(im).__name__, "n": im.nframes,
                 "sha": [hashlib.sha256(numpy.ascontiguousarray(im.getframe(i).data).tobytes()).hexdigest() for i in range(im.nframes)]}
print(json.dumps(out))
`;
    const paths = [...written.keys()].filter((p) => p.includes("bslz4"));
    expect(paths.length).toBe(2);
    const res = JSON.parse(runPython(py!, code, paths)) as Record<
      string,
      { type: string; n: number; sha: string[] }
    >;
    for (const p of paths) {
      expect(res[p]!.type).toBe("EigerImage");
      expect(res[p]!.n).toBe(FRAMES);
      expect(res[p]!.sha).toEqual(written.get(p));
    }
  });

  it("refuses to publish an incomplete stack and cleans up on abort", async () => {
    const path = join(dir, "incomplete.h5");
    const w = await createEigerStack(path, options("bslz4", "uint16", 2));
    w.writeFrame(0, frame(0, "uint16"));
    expect(() => w.finish()).toThrow(/1 of 2 frames were never written/);
    expect(existsSync(path)).toBe(false);
    expect(existsSync(w.tempPath)).toBe(false);
    w.abort(); // harmless after a failed finish

    const w2 = await createEigerStack(path, options("none", "uint16", 1));
    w2.abort();
    w2.abort();
    expect(existsSync(w2.tempPath)).toBe(false);
    expect(() => w2.writeFrame(0, frame(0, "uint16"))).toThrow(/after aborted/);
  });

  it("refuses frames and options that do not fit", async () => {
    const w = await createEigerStack(join(dir, "bad.h5"), options("bslz4", "uint16", 1));
    try {
      expect(() => w.writeFrame(1, frame(0, "uint16"))).toThrow(RangeError);
      expect(() => w.writeFrame(0, new Uint16Array(5))).toThrow(RangeError);
      const tooBig = Array.from(frame(0, "uint32"));
      tooBig[3] = 70000;
      expect(() => w.writeFrame(0, tooBig)).toThrow(/does not fit uint16/);
      const negative = new Int32Array(ROWS * COLS).fill(-1);
      expect(() => w.writeFrame(0, negative)).toThrow(/does not fit/);
      // A plain number array that fits is fine, and a subarray view is written from the right place.
      const big = new Uint16Array(ROWS * COLS + 10);
      big.set(frame(0, "uint16"), 10);
      w.writeFrame(0, big.subarray(10));
      w.finish();
      const src = await openHdf5(join(dir, "bad.h5"));
      expect(sha((await src.readFrame(0)).data)).toBe(sha(frame(0, "uint16")));
      src.close();
    } finally {
      w.abort();
    }
    await expect(createEigerStack(join(dir, "x.h5"), { ...options("bslz4", "uint16", 0) })).rejects.toThrow(
      RangeError,
    );
    await expect(
      createEigerStack(join(dir, "x.h5"), { ...options("gzip", "uint16", 1), gzipLevel: 12 }),
    ).rejects.toThrow(RangeError);
    await expect(createEigerStack(join(dir, "no", "x.h5"), options("bslz4", "uint16", 1))).rejects.toThrow(
      /does not exist/,
    );
  });

  it("writes Eiger2 1M frames fast with bitshuffle-LZ4", async () => {
    const [rows, cols] = [1062, 1028];
    const frames = 4;
    const path = join(dir, "eiger1m.h5");
    const w = await createEigerStack(path, {
      ...options("bslz4", "uint32", frames),
      shape: [rows, cols],
      pixelMask: undefined,
    });
    const data = new Uint32Array(rows * cols);
    let x = 1;
    for (let k = 0; k < data.length; k++) {
      x = (Math.imul(x, 1103515245) + 12345) >>> 0;
      data[k] = (x >>> 28) & 7; // ~3.5 counts per pixel, like a WAXS background
    }
    for (let i = 0; i < frames; i++) w.writeFrame(i, data);
    w.finish();
    const src = await openHdf5(path);
    expect(sha((await src.readFrame(3)).data)).toBe(sha(data));
    src.close();
  });
});
