import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { expectInputError } from "../../test/support/errors.js";
import { pythonWith, runPython, toolAvailable } from "../../test/support/tools.js";
import { allocate, DTYPES, dtypeMax, dtypeMin, isFloat, toBytes } from "./dtype.js";
import { decodeEdf, type EdfByteOrder, encodeEdf, openEdf, sniffEdf, writeEdf } from "./edf.js";
import type { Dtype, Frame, Metadata } from "./types.js";

const FABIO_DIR = fileURLToPath(new URL("../../test/fixtures/fabio/", import.meta.url));
interface Stats {
  shape: [number, number];
  dtype: Dtype;
  sum: number;
  sha256: string;
}
const EXPECTED = JSON.parse(readFileSync(join(FABIO_DIR, "expected.json"), "utf8")).files as Record<
  string,
  Stats & { frames?: Stats[]; header?: Record<string, string>; nan_at?: [number, number] }
>;
const tmp = mkdtempSync(join(tmpdir(), "edf-test-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const py = pythonWith(["fabio", "numpy"]);
const haveFabio = toolAvailable("python3-fabio", py !== null);

const sha256 = (f: Frame) => createHash("sha256").update(toBytes(f.data, true)).digest("hex");

/** Values spanning the dtype, its extremes included (floats: also ±Infinity, NaN, -0). */
function values(dtype: Dtype): fc.Arbitrary<number> {
  if (dtype === "float32") return fc.float({ noDefaultInfinity: false });
  if (dtype === "float64") return fc.double();
  return fc.oneof(
    fc.integer({ min: dtypeMin(dtype), max: dtypeMax(dtype) }),
    fc.constantFrom(dtypeMin(dtype), dtypeMax(dtype), 0),
  );
}

function frameArb(dtype: Dtype, rows: number, cols: number): fc.Arbitrary<Frame> {
  return fc.array(values(dtype), { minLength: rows * cols, maxLength: rows * cols }).map((vals) => {
    const data = allocate(dtype, rows * cols);
    data.set(vals);
    return { data, shape: [rows, cols] as [number, number], dtype, metadata: {} };
  });
}

/** Compare bit patterns, so NaN and -0 count as equal to themselves. */
function sameBits(a: Frame, b: Frame): void {
  expect(b.dtype).toBe(a.dtype);
  expect(b.shape).toEqual(a.shape);
  expect(Buffer.from(toBytes(b.data, true)).equals(Buffer.from(toBytes(a.data, true)))).toBe(true);
}

describe("writeEdf → openEdf round trips", () => {
  for (const dtype of DTYPES) {
    for (const order of ["LowByteFirst", "HighByteFirst"] as EdfByteOrder[]) {
      it(`${dtype}, ${order}, 1–3 frames of random shape (property)`, async () => {
        let k = 0;
        const arb = fc
          .record({
            rows: fc.integer({ min: 1, max: 24 }),
            cols: fc.integer({ min: 1, max: 24 }),
            n: fc.integer({ min: 1, max: 3 }),
          })
          .chain(({ rows, cols, n }) =>
            fc.array(frameArb(dtype, rows, cols), { minLength: n, maxLength: n }),
          );
        await fc.assert(
          fc.asyncProperty(
            arb,
            fc.string({ unit: "grapheme-ascii", maxLength: 20 }),
            async (frames, title) => {
              const path = join(tmp, `rt_${dtype}_${order}_${k++}.edf`);
              await writeEdf(
                path,
                frames,
                { Title: title, Counter: 42, exposureTimeS: 0.125 },
                { byteOrder: order },
              );
              const src = await openEdf(path);
              try {
                expect(src.format).toBe("edf");
                expect(src.frameCount).toBe(frames.length);
                expect(src.shape).toEqual(frames[0]!.shape);
                expect(src.dtype).toBe(dtype);
                expect(src.metadata["ByteOrder"]).toBe(order);
                expect(src.metadata["Counter"]).toBe(42);
                expect(src.metadata["exposureTimeS"]).toBe(0.125);
                for (let i = 0; i < frames.length; i++) {
                  const back = await src.readFrame(i);
                  sameBits(frames[i]!, back);
                  expect(back.metadata["Image"]).toBe(i + 1);
                }
              } finally {
                src.close();
              }
              // In-memory decoding agrees with the lazy reader.
              const all = decodeEdf(readFileSync(path), path);
              expect(all).toHaveLength(frames.length);
              for (const [i, f] of all.entries()) sameBits(frames[i]!, f);
            },
          ),
          { numRuns: 15 },
        );
      });
    }
  }

  it("pads every header to a multiple of 512 bytes", () => {
    const f: Frame = {
      data: new Uint8Array(7),
      shape: [1, 7],
      dtype: "uint8",
      metadata: { Note: "x".repeat(700) },
    };
    const bytes = encodeEdf([f, f]);
    const text = Buffer.from(bytes).toString("latin1");
    const ends = [...text.matchAll(/\}\n/g)].map((m) => m.index + 2);
    expect(ends).toHaveLength(2);
    expect(ends[0]! % 512).toBe(0);
    expect(text[ends[0]! + 7]).toBe("{");
    expect((ends[1]! - ends[0]! - 7) % 512).toBe(0);
    expect(bytes.length).toBe(ends[1]! + 7);
  });

  it("keeps values out of the header syntax (';', '{', '}', newlines)", () => {
    const f: Frame = { data: Int32Array.of(1, 2), shape: [1, 2], dtype: "int32", metadata: {} };
    const [back] = decodeEdf(encodeEdf(f, { Odd: "a;b{c}\nd" }), "odd.edf");
    expect(back!.metadata["Odd"]).toBe("a b c d");
  });

  it("drops other formats' bookkeeping (CBF MIME keys, CIF items, TIFF ImageDescription)", () => {
    const f: Frame = {
      data: Int32Array.of(1),
      shape: [1, 1],
      dtype: "int32",
      metadata: {
        "X-Binary-Size": 5,
        "Content-MD5": "abc==",
        conversions: "x-CBF_BYTE_OFFSET",
        "_array_data.header_contents": "# Exposure_time 1 s",
        ImageDescription: "# Pixel_size 172e-6 m x 172e-6 m",
        Dim_1: 99,
        Keep: "yes",
      },
    };
    const text = Buffer.from(encodeEdf(f)).toString("latin1");
    for (const k of [
      "X-Binary",
      "Content-MD5",
      "conversions",
      "_array_data",
      "ImageDescription",
      "Dim_1 = 99",
    ]) {
      expect(text).not.toContain(k);
    }
    expect(text).toContain("Keep = yes ;\n");
    expect(text).toContain("Dim_1 = 1 ;\n");
  });

  it("maps conventional SAXS keywords to SI metadata (PSize_1 is the fast axis)", () => {
    const f: Frame = { data: new Float32Array(2), shape: [1, 2], dtype: "float32", metadata: {} };
    const [back] = decodeEdf(
      encodeEdf(f, {
        SampleDistance: "0.2",
        WaveLength: "1.0332e-10",
        PSize_1: "75e-6",
        PSize_2: "172e-6",
        Center_1: 10,
        Center_2: 20,
      }),
      "saxs.edf",
    );
    expect(back!.metadata).toMatchObject({
      distanceM: 0.2,
      wavelengthM: 1.0332e-10,
      pixel2M: 75e-6,
      pixel1M: 172e-6,
      beamXPx: 10,
      beamYPx: 20,
    });
  });

  it("metadata of a stack = the entries all frames share", async () => {
    const f = (v: number): Frame => ({
      data: Int16Array.of(v),
      shape: [1, 1],
      dtype: "int16",
      metadata: { Same: "s", Changing: v },
    });
    const path = join(tmp, "common.edf");
    await writeEdf(path, [f(1), f(2)]);
    const src = await openEdf(path);
    expect(src.metadata["Same"]).toBe("s");
    expect(src.metadata["Changing"]).toBeUndefined();
    expect((await src.readFrame(1)).metadata["Changing"]).toBe(2);
    await expect(src.readFrame(2)).rejects.toThrow(RangeError);
    src.close();
  });
});

describe("other EDF layouts", () => {
  const header = (entries: string[]) => {
    const text = `{\n${entries.map((e) => `${e} ;\n`).join("")}`;
    return `${text}${" ".repeat(512 - text.length - 2)}}\n`;
  };

  it("a general header block (EDF_DataFormatVersion) is shared metadata, not a frame", () => {
    const data = Buffer.from(Uint16Array.of(1, 2, 3, 4).buffer);
    const bytes = Buffer.concat([
      Buffer.from(
        header(["EDF_DataFormatVersion = 2.40", "EDF_BinarySize = 0", "Title = general"]),
        "latin1",
      ),
      Buffer.from(
        header([
          "ByteOrder = LowByteFirst",
          "DataType = UnsignedShort",
          "Dim_1 = 2",
          "Dim_2 = 2",
          "Size = 8",
        ]),
      ),
      data,
    ]);
    const frames = decodeEdf(bytes, "general.edf");
    expect(frames).toHaveLength(1);
    expect(Array.from(frames[0]!.data)).toEqual([1, 2, 3, 4]);
    expect(frames[0]!.metadata["Title"]).toBe("general");
  });

  it("gzip-compressed data (Compression = gzip, Size = compressed bytes)", () => {
    const raw = Buffer.from(Float64Array.of(1.5, -2, 3e300, 0).buffer);
    const gz = gzipSync(raw);
    const bytes = Buffer.concat([
      Buffer.from(
        header([
          "ByteOrder = LowByteFirst",
          "DataType = DoubleValue",
          "Dim_1 = 4",
          "Dim_2 = 1",
          "Compression = gzip",
          `Size = ${gz.length}`,
        ]),
      ),
      gz,
    ]);
    const [f] = decodeEdf(bytes, "gz.edf");
    expect(Array.from(f!.data)).toEqual([1.5, -2, 3e300, 0]);
  });

  it("SignedLong is 32-bit and keys are case-insensitive; a missing Size is computed", () => {
    const bytes = Buffer.concat([
      Buffer.from(header(["byteorder = HighByteFirst", "DATATYPE = SignedLong", "dim_1 = 2", "DIM_2 = 1"])),
      Buffer.from([0xff, 0xff, 0xff, 0xfe, 0x00, 0x00, 0x01, 0x00]),
    ]);
    const [f] = decodeEdf(bytes, "long.edf");
    expect(f!.dtype).toBe("int32");
    expect(Array.from(f!.data)).toEqual([-2, 256]);
  });
});

describe("reading EDF files written by fabio (committed fixtures)", () => {
  it("fabio_float32.edf: pixels (NaN included) and header values", async () => {
    const exp = EXPECTED["fabio_float32.edf"]!;
    const src = await openEdf(join(FABIO_DIR, "fabio_float32.edf"));
    const f = await src.readFrame(0);
    src.close();
    expect(f.shape).toEqual(exp.shape);
    expect(f.dtype).toBe("float32");
    expect(sha256(f)).toBe(exp.sha256);
    const [r, c] = exp.nan_at!;
    expect(Number.isNaN(f.data[r * f.shape[1] + c]!)).toBe(true);
    for (const [k, v] of Object.entries(exp.header!))
      expect(String(f.metadata[k]), k).toBe(String(Number(v) || v));
    expect(f.metadata).toMatchObject({
      distanceM: 0.2,
      wavelengthM: 1.0332e-10,
      pixel1M: 7.5e-5,
      pixel2M: 7.5e-5,
    });
  });

  it("fabio_mask_u8.edf", () => {
    const exp = EXPECTED["fabio_mask_u8.edf"]!;
    const [f] = decodeEdf(readFileSync(join(FABIO_DIR, "fabio_mask_u8.edf")), "m");
    expect(f!.dtype).toBe("uint8");
    expect(f!.shape).toEqual(exp.shape);
    expect(sha256(f!)).toBe(exp.sha256);
  });

  it("fabio_stack_u16.edf: three frames", async () => {
    const exp = EXPECTED["fabio_stack_u16.edf"]!.frames!;
    const src = await openEdf(join(FABIO_DIR, "fabio_stack_u16.edf"));
    expect(src.frameCount).toBe(3);
    for (let i = 0; i < 3; i++) {
      const f = await src.readFrame(i);
      expect(sha256(f)).toBe(exp[i]!.sha256);
      expect(f.metadata["Frame"]).toBe(i);
    }
    src.close();
  });
});

describe("broken EDF input → InputError naming the file and the problem", () => {
  const frame: Frame = {
    data: Int32Array.from({ length: 64 }, (_, i) => i),
    shape: [8, 8],
    dtype: "int32",
    metadata: {},
  };
  const good = Buffer.from(encodeEdf([frame, frame]));
  const text = good.toString("latin1");
  const save = (name: string, bytes: Uint8Array | string) => {
    const path = join(tmp, name);
    writeFileSync(path, typeof bytes === "string" ? Buffer.from(bytes, "latin1") : bytes);
    return path;
  };

  it("a data block cut short", async () => {
    const path = save("cut.edf", good.subarray(0, good.length - 10));
    await expectInputError(
      () => openEdf(path),
      path,
      /truncated EDF: frame 1 needs 256 data bytes at offset \d+ but the file ends after 246/,
    );
    await expectInputError(() => decodeEdf(readFileSync(path), path), path, /truncated EDF/);
  });

  it("a header without its closing brace", async () => {
    const path = save("nobrace.edf", text.slice(0, 100));
    await expectInputError(() => openEdf(path), path, /header of frame 0 at offset 0 has no closing "}"/);
  });

  it("a text file that is not an image", async () => {
    const path = save("notes.edf", "Beamtime notes\nsample 3 looked odd\n");
    await expectInputError(() => openEdf(path), path, /not an EDF file/);
  });

  it("Size smaller than the image", async () => {
    const path = save("small.edf", text.replace("Size = 256 ;", "Size = 200 ;"));
    await expectInputError(
      () => openEdf(path),
      path,
      /Size 200 is smaller than Dim_1×Dim_2 = 8×8 int32 pixels \(256 bytes\)/,
    );
  });

  it("an unknown or 64-bit DataType, a bad ByteOrder, no Dim_1", async () => {
    let path = save("type.edf", text.replaceAll("SignedInteger", "Quaternion   "));
    await expectInputError(() => openEdf(path), path, /unknown DataType "Quaternion"/);
    path = save("i64.edf", text.replaceAll("SignedInteger", "Signed64     "));
    await expectInputError(() => openEdf(path), path, /Signed64 \(64-bit integers\) is unsupported/);
    path = save("order.edf", text.replaceAll("LowByteFirst", "MiddleEndian"));
    await expectInputError(() => openEdf(path), path, /ByteOrder "MiddleEndian"/);
    path = save("nodim.edf", text.replaceAll("Dim_1", "Dim_9"));
    await expectInputError(() => openEdf(path), path, /frame 0 has no Dim_1/);
  });

  it("garbage after the last frame", async () => {
    const path = save("tail.edf", Buffer.concat([good, Buffer.from("garbage")]));
    await expectInputError(() => openEdf(path), path, /unexpected bytes at offset \d+ after EDF frame 1/);
  });

  it("a missing file", async () => {
    const path = join(tmp, "nope.edf");
    await expectInputError(() => openEdf(path), path, /cannot open: no such file/);
  });
});

describe("sniffEdf", () => {
  it("wants '{' and EDF keys", () => {
    expect(
      sniffEdf(encodeEdf({ data: new Uint8Array(1), shape: [1, 1], dtype: "uint8", metadata: {} })),
    ).toBe(true);
    expect(sniffEdf(Buffer.from("\n{\nHeaderID = EH:000001:000000:000000 ;"))).toBe(true);
    expect(sniffEdf(Buffer.from('{"json": true}'))).toBe(false);
    expect(sniffEdf(Buffer.from("###CBF"))).toBe(false);
  });
});

describe.skipIf(!haveFabio)("cross-check with fabio", () => {
  const FABIO_READ = `
import sys, json, hashlib, numpy as np, fabio
im = fabio.open(sys.argv[1])
out = []
for i in range(im.nframes):
    fr = im.getframe(i) if im.nframes > 1 else im
    d = np.ascontiguousarray(fr.data.astype(fr.data.dtype.newbyteorder("<")))
    out.append({"shape": list(d.shape), "dtype": str(d.dtype), "sha256": hashlib.sha256(d.tobytes()).hexdigest(),
                "header": {k: str(v) for k, v in fr.header.items()}})
print(json.dumps(out))
`;

  it("fabio reads our EDF files: every dtype, both byte orders, multi-frame", async () => {
    for (const dtype of DTYPES) {
      for (const order of ["LowByteFirst", "HighByteFirst"] as EdfByteOrder[]) {
        const frames = fc.sample(frameArb(dtype, 13, 17), { numRuns: 2, seed: dtype.length + order.length });
        // fabio compares headers as text; keep NaN payloads canonical for the sha check.
        if (isFloat(dtype))
          for (const f of frames)
            for (let i = 0; i < f.data.length; i++) if (Number.isNaN(f.data[i]!)) f.data[i] = Number.NaN;
        const meta: Metadata = { Title: `test ${dtype}`, Counter: 7, wavelengthM: 1.0332e-10 };
        const path = join(tmp, `ours_${dtype}_${order}.edf`);
        await writeEdf(path, frames, meta, { byteOrder: order });
        const got = JSON.parse(runPython(py!, FABIO_READ, [path])) as {
          shape: number[];
          dtype: string;
          sha256: string;
          header: Record<string, string>;
        }[];
        expect(got).toHaveLength(2);
        got.forEach((g, i) => {
          expect(g.shape).toEqual([13, 17]);
          expect(g.dtype).toBe(dtype);
          expect(g.sha256, `${dtype} ${order} frame ${i}`).toBe(sha256(frames[i]!));
          expect(g.header).toMatchObject({
            Title: `test ${dtype}`,
            Counter: "7",
            wavelengthM: "1.0332e-10",
            ByteOrder: order,
          });
        });
      }
    }
  });

  it("we read EDF files fabio writes now (random float32 stack)", () => {
    const path = join(tmp, "from_fabio.edf");
    const out = runPython(
      py!,
      `
import sys, json, hashlib, numpy as np
from fabio.edfimage import EdfImage
rng = np.random.default_rng(3)
fr = [rng.normal(size=(33, 21)).astype(np.float32) for _ in range(4)]
im = EdfImage(data=fr[0], header={"Exposure": "1"})
for k in range(1, 4): im.append_frame(data=fr[k], header={"Exposure": str(k + 1)})
im.write(sys.argv[1])
print(json.dumps([hashlib.sha256(f.astype("<f4").tobytes()).hexdigest() for f in fr]))
`,
      [path],
    );
    const want = JSON.parse(out) as string[];
    const frames = decodeEdf(readFileSync(path), path);
    expect(frames.map(sha256)).toEqual(want);
    expect(frames.map((f) => f.metadata["Exposure"])).toEqual([1, 2, 3, 4]);
  });
});
