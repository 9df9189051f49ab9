import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { expectInputError } from "../../test/support/errors.js";
import { pythonWith, runPython, toolAvailable } from "../../test/support/tools.js";
import { allocate, DTYPES, dtypeMax, dtypeMin, toBytes } from "./dtype.js";
import { decodeTiff, encodeTiff, openTiff, sniffTiff, writeTiff } from "./tiff.js";
import type { Dtype, Frame } from "./types.js";

const CEO2_DIR = fileURLToPath(new URL("../../test/fixtures/ceo2/", import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), "tiff-test-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const py = pythonWith(["fabio", "numpy"]);
const haveFabio = toolAvailable("python3-fabio", py !== null);

const sha256 = (f: Frame) => createHash("sha256").update(toBytes(f.data, true)).digest("hex");

function frameArb(dtype: Dtype, rows: number, cols: number): fc.Arbitrary<Frame> {
  const v =
    dtype === "float32"
      ? fc.float()
      : dtype === "float64"
        ? fc.double()
        : fc.oneof(
            fc.integer({ min: dtypeMin(dtype), max: dtypeMax(dtype) }),
            fc.constantFrom(dtypeMin(dtype), dtypeMax(dtype)),
          );
  return fc.array(v, { minLength: rows * cols, maxLength: rows * cols }).map((vals) => {
    const data = allocate(dtype, rows * cols);
    data.set(vals);
    return { data, shape: [rows, cols] as [number, number], dtype, metadata: {} };
  });
}

describe("CeO2 on a Pilatus 1M (Dioptas test image, camserver TIFF)", () => {
  const stats = JSON.parse(readFileSync(join(CEO2_DIR, "CeO2_Pilatus1M.tif.decoded_stats.json"), "utf8"));
  const bytes = gunzipSync(readFileSync(join(CEO2_DIR, "CeO2_Pilatus1M.tif.gz")));

  it("decodes to the values fabio reported (shape, dtype, sum, min, max, sha256)", () => {
    const frames = decodeTiff(bytes, "CeO2_Pilatus1M.tif");
    expect(frames).toHaveLength(1);
    const f = frames[0]!;
    expect(f.shape).toEqual(stats.shape);
    expect(f.dtype).toBe(stats.dtype);
    let sum = 0;
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    let negative = 0;
    for (const v of f.data) {
      sum += v;
      if (v < min) min = v;
      if (v > max) max = v;
      if (v < 0) negative++;
    }
    expect(sum).toBe(stats.sum);
    expect(min).toBe(stats.min);
    expect(max).toBe(stats.max);
    expect(negative).toBe(stats.n_negative);
    expect(sha256(f)).toBe(stats.sha256_of_little_endian_bytes_row_major);
  });

  it("keeps the Pilatus header from ImageDescription, in SI units", () => {
    const m = decodeTiff(bytes, "CeO2_Pilatus1M.tif")[0]!.metadata;
    expect(m).toMatchObject({
      Model: "PILATUS 1M-F",
      pixel1M: 172e-6,
      pixel2M: 172e-6,
      exposureTimeS: 3,
      distanceM: 0.21143,
      beamXPx: 498.18,
      beamYPx: 515.77,
      Exposure_time: "3.0000000 s",
      N_excluded_pixels: 27,
      Oscillation_axis: "X, CW",
    });
    expect(String(m["ImageDescription"])).toContain("# Pixel_size 172e-6 m x 172e-6 m");
  });

  it("reads lazily from a file with the same result", async () => {
    const path = join(tmp, "CeO2_Pilatus1M.tif");
    writeFileSync(path, bytes);
    const src = await openTiff(path);
    expect(src).toMatchObject({ format: "tiff", frameCount: 1, shape: stats.shape, dtype: "int32" });
    expect(sha256(await src.readFrame(0))).toBe(stats.sha256_of_little_endian_bytes_row_major);
    src.close();
  });
});

describe("encodeTiff → decodeTiff / openTiff round trips", () => {
  for (const dtype of DTYPES) {
    it(`${dtype}: both byte orders, strips, pages (property)`, async () => {
      let k = 0;
      const arb = fc
        .record({
          rows: fc.integer({ min: 1, max: 20 }),
          cols: fc.integer({ min: 1, max: 20 }),
          pages: fc.integer({ min: 1, max: 3 }),
          rowsPerStrip: fc.integer({ min: 1, max: 25 }),
          littleEndian: fc.boolean(),
        })
        .chain((o) =>
          fc.tuple(
            fc.constant(o),
            fc.array(frameArb(dtype, o.rows, o.cols), { minLength: o.pages, maxLength: o.pages }),
          ),
        );
      await fc.assert(
        fc.asyncProperty(arb, async ([o, frames]) => {
          const bytes = encodeTiff(frames, {
            littleEndian: o.littleEndian,
            rowsPerStrip: o.rowsPerStrip,
            description: "# Exposure_time 2 s",
          });
          expect(sniffTiff(bytes)).toBe(true);
          const back = decodeTiff(bytes, "mem.tif");
          expect(back).toHaveLength(frames.length);
          back.forEach((b, i) => {
            expect(b.dtype).toBe(dtype);
            expect(b.shape).toEqual([o.rows, o.cols]);
            expect(
              Buffer.from(toBytes(b.data, true)).equals(Buffer.from(toBytes(frames[i]!.data, true))),
            ).toBe(true);
            expect(b.metadata["exposureTimeS"]).toBe(2);
          });
          const path = join(tmp, `rt_${dtype}_${k++}.tif`);
          await writeTiff(path, frames, { littleEndian: o.littleEndian, rowsPerStrip: o.rowsPerStrip });
          const src = await openTiff(path);
          expect(src.frameCount).toBe(frames.length);
          const last = await src.readFrame(frames.length - 1);
          expect(
            Buffer.from(toBytes(last.data, true)).equals(Buffer.from(toBytes(frames.at(-1)!.data, true))),
          ).toBe(true);
          src.close();
        }),
        { numRuns: 25 },
      );
    });
  }
});

describe("broken TIFF input → InputError naming the file and the problem", () => {
  const frame: Frame = {
    data: Int32Array.from({ length: 200 }, (_, i) => i - 5),
    shape: [10, 20],
    dtype: "int32",
    metadata: {},
  };
  const good = encodeTiff(frame, { rowsPerStrip: 3 });
  const save = (name: string, bytes: Uint8Array | string) => {
    const path = join(tmp, name);
    writeFileSync(path, bytes);
    return path;
  };
  const patchTag = (tag: number, value: number) => {
    const b = new Uint8Array(good);
    const dv = new DataView(b.buffer);
    const ifd = dv.getUint32(4, true);
    for (let i = 0; i < dv.getUint16(ifd, true); i++) {
      const o = ifd + 2 + i * 12;
      if (dv.getUint16(o, true) === tag) dv.setUint32(o + 8, value, true);
    }
    return b;
  };

  it("a garbage IFD offset", async () => {
    const b = new Uint8Array(good);
    new DataView(b.buffer).setUint32(4, 0x7fff0000, true);
    const path = save("ifd.tif", b);
    await expectInputError(
      () => openTiff(path),
      path,
      /TIFF IFD offset 2147418112 is beyond the end of the file/,
    );
    await expectInputError(() => decodeTiff(b, path), path, /IFD offset/);
  });

  it("an IFD chain that loops", async () => {
    const b = new Uint8Array(good);
    const dv = new DataView(b.buffer);
    const ifd = dv.getUint32(4, true);
    dv.setUint32(ifd + 2 + dv.getUint16(ifd, true) * 12, ifd, true);
    const path = save("loop.tif", b);
    await expectInputError(() => openTiff(path), path, /IFD chain loops/);
  });

  it("a compressed TIFF", async () => {
    const path = save("lzw.tif", patchTag(259, 5));
    await expectInputError(() => openTiff(path), path, /TIFF compression 5 \(LZW\) is unsupported/);
  });

  it("strips beyond the end of the file", async () => {
    const path = save("cut.tif", good.subarray(0, good.length - 50));
    await expectInputError(
      () => openTiff(path),
      path,
      /truncated TIFF: page 0 strip 3 \(\d+ bytes at offset \d+\) lies beyond the end/,
    );
  });

  it("an unsupported sample type (RGB, 24-bit)", async () => {
    let path = save("rgb.tif", patchTag(277, 3));
    await expectInputError(() => openTiff(path), path, /3 samples per pixel/);
    path = save("b24.tif", patchTag(258, 24));
    await expectInputError(() => openTiff(path), path, /24-bit samples with SampleFormat 2 are unsupported/);
  });

  it("a text file that is not an image, BigTIFF, a missing file", async () => {
    let path = save("notes.tif", "not an image at all\n");
    await expectInputError(() => openTiff(path), path, /not a TIFF file/);
    path = save("big.tif", Uint8Array.of(0x49, 0x49, 0x2b, 0, 8, 0, 0, 0, 16, 0, 0, 0, 0, 0, 0, 0));
    await expectInputError(() => openTiff(path), path, /BigTIFF is unsupported/);
    path = join(tmp, "absent.tif");
    await expectInputError(() => openTiff(path), path, /cannot open: no such file/);
  });
});

describe.skipIf(!haveFabio)("cross-check with fabio", () => {
  it("fabio reads our TIFFs (int32 LE, uint16 BE multi-strip, float32) with identical pixels", async () => {
    const cases: [Frame, boolean][] = [
      [fc.sample(frameArb("int32", 31, 17), { numRuns: 1, seed: 1 })[0]!, true],
      [fc.sample(frameArb("uint16", 20, 30), { numRuns: 1, seed: 2 })[0]!, false],
      [fc.sample(frameArb("float32", 9, 11), { numRuns: 1, seed: 3 })[0]!, true],
    ];
    for (const [i, [frame, little]] of cases.entries()) {
      for (let j = 0; j < frame.data.length; j++) if (Number.isNaN(frame.data[j]!)) frame.data[j] = 0;
      const path = join(tmp, `fabio${i}.tif`);
      await writeTiff(path, frame, { littleEndian: little, rowsPerStrip: 7 });
      const out = runPython(
        py!,
        `
import sys, json, hashlib, numpy as np, fabio
d = fabio.open(sys.argv[1]).data
print(json.dumps({"shape": list(d.shape), "dtype": str(d.dtype), "sha256": hashlib.sha256(np.ascontiguousarray(d.astype(d.dtype.newbyteorder("<"))).tobytes()).hexdigest()}))
`,
        [path],
      );
      expect(JSON.parse(out)).toEqual({ shape: frame.shape, dtype: frame.dtype, sha256: sha256(frame) });
    }
  });
});
