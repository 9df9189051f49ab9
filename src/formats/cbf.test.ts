import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { expectInputError } from "../../test/support/errors.js";
import { expectSameArray } from "../../test/support/same-array.js";
import { pythonWith, runPython, toolAvailable } from "../../test/support/tools.js";
import { decodeByteOffsetWasm } from "./byte-offset.js";
import {
  decodeByteOffset,
  decodeCbf,
  encodeByteOffset,
  encodeCbf,
  openCbf,
  sniffCbf,
  writeCbf,
} from "./cbf.js";
import { allocate, dtypeMax, dtypeMin, toBytes } from "./dtype.js";
import { decodeTiff } from "./tiff.js";
import type { Dtype, Frame, Metadata } from "./types.js";

const FABIO_DIR = fileURLToPath(new URL("../../test/fixtures/fabio/", import.meta.url));
const EXPECTED = JSON.parse(readFileSync(join(FABIO_DIR, "expected.json"), "utf8")).files as Record<
  string,
  {
    shape: [number, number];
    dtype: Dtype;
    sum: number;
    min: number;
    max: number;
    sha256: string;
    header_contents?: string;
  }
>;
const tmp = mkdtempSync(join(tmpdir(), "cbf-test-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const py = pythonWith(["fabio", "numpy"]);
const haveFabio = toolAvailable("python3-fabio", py !== null);

function sha256(frame: Frame): string {
  return createHash("sha256").update(toBytes(frame.data, true)).digest("hex");
}

function frameOf(dtype: Dtype, shape: [number, number], values: number[], metadata: Metadata = {}): Frame {
  const data = allocate(dtype, shape[0] * shape[1]);
  data.set(values);
  return { data, shape, dtype, metadata };
}

const int32 = fc.oneof(
  fc.integer({ min: -100, max: 100 }),
  fc.integer({ min: -40000, max: 40000 }),
  fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
  fc.constantFrom(-(2 ** 31), 2 ** 31 - 1, 0, -1, -2),
);

describe("byte-offset codec", () => {
  it("uses 1, 3, 7 and 15 bytes for the four escape levels", () => {
    // deltas: 0, 100 (1 B), 29900 (3 B), 1999970000 (7 B), then exactly -2^31 (15 B), then -1 (1 B)
    const values = Int32Array.from([
      0,
      100,
      30000,
      2000000000,
      2000000000 - 2 ** 31,
      2000000000 - 2 ** 31 - 1,
    ]);
    const enc = encodeByteOffset(values);
    expect(enc.length).toBe(1 + 1 + 3 + 7 + 15 + 1);
    expect(Array.from(enc.subarray(5, 8))).toEqual([0x80, 0x00, 0x80]); // int32 escape
    expect(Array.from(enc.subarray(12, 19))).toEqual([0x80, 0x00, 0x80, 0x00, 0x00, 0x00, 0x80]); // int64 escape
    const out = new Int32Array(values.length);
    expect(decodeByteOffset(enc, out)).toEqual({ decoded: values.length, consumed: enc.length });
    expect(Array.from(out)).toEqual(Array.from(values));
  });

  it("decodes hand-written codes of every level, incl. a 64-bit delta beyond 32 bits", () => {
    const bytes = Uint8Array.from([
      0x05, // +5
      0xfe, // -2 → 3
      0x80,
      0x10,
      0x27, // +10000 → 10003
      0x80,
      0x00,
      0x80,
      0x00,
      0xe1,
      0xf5,
      0x05, // +100000000 → 100010003
      // +2^32 + 7 as int64: modulo 2^32 that is +7 → 100010010
      0x80,
      0x00,
      0x80,
      0x00,
      0x00,
      0x00,
      0x80,
      0x07,
      0x00,
      0x00,
      0x00,
      0x01,
      0x00,
      0x00,
      0x00,
      0x80,
      0xff,
      0x7f, // +32767 → 100042777
    ]);
    const out = new Int32Array(6);
    expect(decodeByteOffset(bytes, out)).toEqual({ decoded: 6, consumed: bytes.length });
    expect(Array.from(out)).toEqual([5, 3, 10003, 100010003, 100010010, 100042777]);
  });

  it("stops at an incomplete code at the end of the data", () => {
    const out = new Int32Array(3);
    expect(decodeByteOffset(Uint8Array.from([1, 0x80, 0x10]), out)).toEqual({ decoded: 1, consumed: 1 });
  });

  it("round-trips random int32 sequences (property)", () => {
    fc.assert(
      fc.property(fc.array(int32, { minLength: 0, maxLength: 400 }), (vals) => {
        const data = Int32Array.from(vals);
        const enc = encodeByteOffset(data);
        const out = new Int32Array(data.length);
        const r = decodeByteOffset(enc, out);
        expect(r).toEqual({ decoded: data.length, consumed: enc.length });
        expect(out).toEqual(data);
      }),
      { numRuns: 300 },
    );
  });

  it("round-trips uint32 through the int32 view (deltas wrap modulo 2^32)", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.nat(300), fc.constantFrom(0, 4294967295, 2 ** 31), fc.nat(4294967295))),
        (vals) => {
          const data = Uint32Array.from(vals);
          const out = new Uint32Array(data.length);
          decodeByteOffset(encodeByteOffset(data), new Int32Array(out.buffer));
          expect(out).toEqual(data);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("byte-offset decoding in WebAssembly = the JavaScript reference", () => {
  /** Both decoders on the same bytes: the same pixels, the same counts decoded and consumed. */
  const same = (bytes: Uint8Array, n: number) => {
    const a = new Int32Array(n);
    const b = new Int32Array(n);
    const js = decodeByteOffset(bytes, a);
    expect(decodeByteOffsetWasm(bytes, b)).toEqual(js);
    expectSameArray(b, a);
    return js;
  };

  it("every code width, and inputs cut anywhere (incomplete last codes) or too long", () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.integer({ min: -100, max: 100 }), int32), { minLength: 0, maxLength: 300 }),
        fc.nat(),
        fc.integer({ min: -3, max: 3 }),
        (vals, cutSeed, extra) => {
          const enc = encodeByteOffset(Int32Array.from(vals));
          expect(same(enc, vals.length).decoded).toBe(vals.length);
          same(enc.subarray(0, cutSeed % (enc.length + 1)), vals.length); // truncated
          same(enc, Math.max(0, vals.length + extra)); // fewer or more pixels wanted
        },
      ),
      { numRuns: 300 },
    );
  });

  it("long runs of one-byte codes (the sixteen-at-once path), escapes anywhere, cut anywhere", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            { weight: 30, arbitrary: fc.integer({ min: -127, max: 127 }) },
            { weight: 1, arbitrary: fc.constantFrom(-128, 128, -32768, 40_000, 2 ** 31 - 1, -(2 ** 31)) },
          ),
          // size "max": fast-check otherwise keeps arrays to ~10 elements, under one 16-code block
          { minLength: 0, maxLength: 400, size: "max" },
        ),
        fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
        fc.nat(),
        (deltas, start, cutSeed) => {
          // pixels from deltas, wrapping modulo 2³² as the format does
          let v = start;
          const vals = Int32Array.from(deltas, (d) => (v = (v + d) | 0));
          const enc = encodeByteOffset(vals);
          expect(same(enc, vals.length).decoded).toBe(vals.length);
          same(enc.subarray(0, cutSeed % (enc.length + 1)), vals.length);
          same(enc, Math.max(0, vals.length - (cutSeed % 20))); // fewer pixels wanted than coded
        },
      ),
      { numRuns: 400 },
    );
  });

  it("a real Pilatus 1M frame's worth of codes", () => {
    const frame = readFileSync(
      fileURLToPath(new URL("../../test/fixtures/pyfai/ref_frame_pilatus1m.bin.gz", import.meta.url)),
    );
    const raw = gunzipSync(frame);
    const px = new Int32Array(raw.buffer, raw.byteOffset, raw.byteLength / 4);
    const enc = encodeByteOffset(px);
    expect(same(enc, px.length)).toEqual({ decoded: px.length, consumed: enc.length });
  });
});

describe("writeCbf → openCbf", () => {
  it("round-trips random int32 frames of random shape (property)", async () => {
    let k = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 40 }),
        fc.integer({ min: 1, max: 40 }),
        fc.array(int32, { minLength: 1600, maxLength: 1600 }),
        async (rows, cols, vals) => {
          const frame = frameOf("int32", [rows, cols], vals.slice(0, rows * cols));
          const path = join(tmp, `prop${k++}.cbf`);
          await writeCbf(path, frame);
          const src = await openCbf(path);
          try {
            expect(src.format).toBe("cbf");
            expect(src.frameCount).toBe(1);
            expect(src.shape).toEqual([rows, cols]);
            expect(src.dtype).toBe("int32");
            const back = await src.readFrame(0);
            expect(back.data).toEqual(frame.data);
            expect(back.shape).toEqual([rows, cols]);
          } finally {
            src.close();
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it.each(["int8", "uint8", "int16", "uint16", "uint32"] as Dtype[])(
    "round-trips %s frames incl. the extremes",
    async (dtype) => {
      const lo = dtypeMin(dtype);
      const hi = dtypeMax(dtype);
      const vals = [lo, hi, 0, hi, lo, 1, hi - 1, lo + 1, 0, 100, 7, hi];
      const frame = frameOf(dtype, [3, 4], vals);
      const path = join(tmp, `ext_${dtype}.cbf`);
      await writeCbf(path, frame);
      const back = decodeCbf(readFileSync(path), path);
      expect(back.dtype).toBe(dtype);
      expect(Array.from(back.data)).toEqual(vals);
    },
  );

  it("writes a miniCBF header whose values read back in SI units", async () => {
    const meta: Metadata = {
      Detector: "PILATUS 1M, 1-0001",
      Date: "2014-10-24T16:33:09.123",
      exposureTimeS: 3,
      exposurePeriodS: 3.05,
      wavelengthM: 4.066e-11,
      distanceM: 0.21143,
      pixel1M: 172e-6,
      pixel2M: 172e-6,
      beamXPx: 498.18,
      beamYPx: 515.77,
      Count_cutoff: "1097223 counts",
      Flux: 0,
    };
    const frame = frameOf("int32", [2, 3], [1, 2, 3, -1, -2, 5], meta);
    const path = join(tmp, "meta.cbf");
    await writeCbf(path, frame);
    const text = readFileSync(path).toString("latin1");
    expect(text.startsWith("###CBF: VERSION 1.5")).toBe(true);
    expect(text).toContain("# Exposure_time 3 s\r\n");
    expect(text).toContain("# Wavelength 0.4066 A\r\n");
    expect(text).toContain("# Pixel_size 0.000172 m x 0.000172 m\r\n");
    expect(text).toContain("X-Binary-Size-Padding: 4095\r\n");
    const src = await openCbf(path);
    const m = src.metadata;
    src.close();
    for (const k of [
      "exposureTimeS",
      "exposurePeriodS",
      "wavelengthM",
      "distanceM",
      "pixel1M",
      "pixel2M",
      "beamXPx",
      "beamYPx",
    ]) {
      expect(m[k], k).toBe(meta[k]);
    }
    expect(m["Detector"]).toBe("PILATUS 1M, 1-0001");
    expect(m["Date"]).toBe("2014-10-24T16:33:09.123");
    expect(m["Exposure_time"]).toBe("3 s");
    expect(m["Count_cutoff"]).toBe("1097223 counts");
    expect(m["Flux"]).toBe(0);
    expect(m["X-Binary-Element-Type"]).toBe("signed 32-bit integer");
    expect(m["X-Binary-Size-Fastest-Dimension"]).toBe(3);
    // Content-MD5 is the base64 MD5 of the compressed bytes (checked on read; see the corruption test).
    expect(m["Content-MD5"]).toMatch(/^[A-Za-z0-9+/]{22}==$/);
  });

  it("refuses float frames with an InputError naming the file", async () => {
    const path = join(tmp, "float.cbf");
    await expectInputError(
      () => writeCbf(path, frameOf("float32", [1, 2], [1.5, 2])),
      path,
      /integer pixels only, not float32/,
    );
  });
});

describe("the real CeO2 Pilatus 1M frame through CBF", () => {
  const ceo2Dir = fileURLToPath(new URL("../../test/fixtures/ceo2/", import.meta.url));
  const stats = JSON.parse(readFileSync(join(ceo2Dir, "CeO2_Pilatus1M.tif.decoded_stats.json"), "utf8"));
  const tiff = decodeTiff(
    gunzipSync(readFileSync(join(ceo2Dir, "CeO2_Pilatus1M.tif.gz"))),
    "CeO2_Pilatus1M.tif",
  )[0]!;

  it("TIFF → writeCbf → openCbf keeps every pixel and the Pilatus header values", async () => {
    const path = join(tmp, "CeO2_Pilatus1M.cbf");
    await writeCbf(path, tiff);
    const src = await openCbf(path);
    const back = await src.readFrame(0);
    src.close();
    expect(back.shape).toEqual([1043, 981]);
    expect(sha256(back)).toBe(stats.sha256_of_little_endian_bytes_row_major);
    for (const k of [
      "pixel1M",
      "pixel2M",
      "exposureTimeS",
      "distanceM",
      "beamXPx",
      "beamYPx",
      "Model",
      "N_excluded_pixels",
    ]) {
      expect(back.metadata[k], k).toBe(tiff.metadata[k]);
    }
    // The TIFF's raw ImageDescription is not copied as one long line; its parsed keys are.
    expect(readFileSync(path).toString("latin1")).not.toContain("ImageDescription");
    // Real counts compress about 3.7× with byte-offset.
    expect(statSync(path).size).toBeLessThan(1.2e6);
  });

  it.skipIf(!haveFabio)("fabio reads that CBF with the same pixels", async () => {
    const path = join(tmp, "CeO2_fabio.cbf");
    await writeCbf(path, tiff);
    const out = runPython(
      py!,
      `
import sys, hashlib, fabio
im = fabio.open(sys.argv[1])
print(hashlib.sha256(im.data.astype("<i4").tobytes()).hexdigest(), im.pilatus_headers["Exposure_time"], im.pilatus_headers["Detector_distance"])
`,
      [path],
    );
    expect(out.trim().split(" ")).toEqual([stats.sha256_of_little_endian_bytes_row_major, "3.0", "0.21143"]);
  });
});

describe("reading CBF files written by fabio (committed fixtures)", () => {
  it.each(Object.keys(EXPECTED).filter((n) => n.endsWith(".cbf")))("%s", async (name) => {
    const exp = EXPECTED[name]!;
    const src = await openCbf(join(FABIO_DIR, name));
    const frame = await src.readFrame(0);
    src.close();
    expect(frame.shape).toEqual(exp.shape);
    expect(frame.dtype).toBe(exp.dtype);
    expect(sha256(frame)).toBe(exp.sha256);
    let sum = 0;
    for (const v of frame.data) sum += v;
    expect(sum).toBe(exp.sum);
  });

  it("parses the Pilatus header of fabio_pilatus.cbf", () => {
    const path = join(FABIO_DIR, "fabio_pilatus.cbf");
    const m = decodeCbf(readFileSync(path), path).metadata;
    expect(m).toMatchObject({
      "_array_data.header_convention": "PILATUS_1.2",
      Detector: "PILATUS 1M, 1-0001",
      Date: "2014-10-24T16:33:09.123",
      Sensor: "Silicon sensor, thickness 0.000450 m",
      sensorThicknessM: 0.00045,
      Exposure_time: "3.0000000 s",
      exposureTimeS: 3,
      exposurePeriodS: 3,
      Tau: "124.0e-09 s",
      Threshold_setting: "15000 eV",
      wavelengthM: 4.066e-11,
      distanceM: 0.21143,
      pixel1M: 172e-6,
      pixel2M: 172e-6,
      beamXPx: 498.18,
      beamYPx: 515.77,
      Flux: 0,
      N_oscillations: 1,
      "X-Binary-Size-Second-Dimension": 41,
    });
  });
});

describe("broken CBF input → InputError naming the file and the problem", () => {
  const good = encodeCbf(
    frameOf(
      "int32",
      [20, 30],
      Array.from({ length: 600 }, (_, i) => (i * 7919) % 70000),
    ),
  );
  const text = Buffer.from(good).toString("latin1");
  const markerAt = text.indexOf("\x0c\x1a\x04\xd5") + 4;
  const binarySize = Number(/X-Binary-Size: (\d+)/.exec(text)![1]);
  const save = (name: string, bytes: Uint8Array | string) => {
    const path = join(tmp, name);
    writeFileSync(path, typeof bytes === "string" ? Buffer.from(bytes, "latin1") : bytes);
    return path;
  };

  it("a binary section cut short", async () => {
    const path = save("cut.cbf", good.subarray(0, markerAt + Math.floor(binarySize / 2)));
    await expectInputError(
      () => openCbf(path),
      path,
      /truncated CBF: X-Binary-Size is \d+ bytes but only \d+ bytes follow/,
    );
    expect(() => decodeCbf(readFileSync(path), path)).toThrow(/truncated CBF/);
  });

  it("X-Binary-Size larger than the file", async () => {
    const path = save("toobig.cbf", text.replace(/X-Binary-Size: \d+/, "X-Binary-Size: 99999999"));
    await expectInputError(() => openCbf(path), path, /X-Binary-Size is 99999999 bytes but only/);
  });

  it("dimensions that disagree with X-Binary-Number-of-Elements", async () => {
    const path = save(
      "dims.cbf",
      text.replace("X-Binary-Size-Second-Dimension: 20", "X-Binary-Size-Second-Dimension: 21"),
    );
    await expectInputError(
      () => openCbf(path),
      path,
      /dimensions 21×30 = 630 pixels disagree with X-Binary-Number-of-Elements 600/,
    );
  });

  it("dimensions larger than the data (consistent element count)", async () => {
    const path = save(
      "dims2.cbf",
      text
        .replace("X-Binary-Size-Second-Dimension: 20", "X-Binary-Size-Second-Dimension: 21")
        .replace("X-Binary-Number-of-Elements: 600", "X-Binary-Number-of-Elements: 630"),
    );
    const src = await openCbf(path);
    await expectInputError(() => src.readFrame(0), path, /ends after 600 of 21×30 = 630 pixels/);
    src.close();
  });

  it("dimensions smaller than the data", async () => {
    const path = save(
      "dims3.cbf",
      text
        .replace("X-Binary-Size-Second-Dimension: 20", "X-Binary-Size-Second-Dimension: 19")
        .replace("X-Binary-Number-of-Elements: 600", "X-Binary-Number-of-Elements: 570"),
    );
    await expectInputError(
      () => decodeCbf(readFileSync(path), path),
      path,
      /bytes more than 19×30 pixels need/,
    );
  });

  it("a corrupted byte (Content-MD5 mismatch)", async () => {
    // Small steps only, so every code is one byte and flipping a bit keeps the structure intact.
    const smooth = encodeCbf(
      frameOf(
        "int32",
        [20, 30],
        Array.from({ length: 600 }, (_, i) => i % 50),
      ),
    );
    const at = Buffer.from(smooth).indexOf(Uint8Array.of(0x0c, 0x1a, 0x04, 0xd5)) + 4 + 10;
    const bad = new Uint8Array(smooth);
    bad[at] = bad[at] === 0x02 ? 0x03 : 0x02;
    const path = save("md5.cbf", bad);
    await expectInputError(() => decodeCbf(readFileSync(path), path), path, /Content-MD5 mismatch/);
    // …which can be switched off.
    expect(decodeCbf(readFileSync(path), path, { checkMd5: false }).shape).toEqual([20, 30]);
  });

  it("an unsupported compression", async () => {
    const path = save("packed.cbf", text.replace("x-CBF_BYTE_OFFSET", "x-CBF_PACKED"));
    await expectInputError(() => openCbf(path), path, /compression "x-cbf_packed" is unsupported/);
  });

  it("a text file that is not an image", async () => {
    const path = save("notes.cbf", "These are my notes.\nNothing to see here.\n");
    await expectInputError(() => openCbf(path), path, /not a CBF file/);
  });

  it("a missing file", async () => {
    const path = join(tmp, "missing.cbf");
    await expectInputError(() => openCbf(path), path, /cannot open: no such file/);
  });
});

describe("sniffCbf", () => {
  it("recognises the CBF magic line only", () => {
    expect(sniffCbf(encodeCbf(frameOf("int32", [1, 1], [1])))).toBe(true);
    expect(sniffCbf(Buffer.from("###CBF: VERSION 1.5"))).toBe(true);
    expect(sniffCbf(Buffer.from("{\nHeaderID = EH:1 ;"))).toBe(false);
    expect(sniffCbf(Buffer.from("II*\0"))).toBe(false);
    expect(sniffCbf(new Uint8Array(0))).toBe(false);
  });
});

describe.skipIf(!haveFabio)("cross-check with fabio", () => {
  const FABIO_STATS = `
import sys, json, hashlib, numpy as np, fabio
im = fabio.open(sys.argv[1])
d = np.ascontiguousarray(im.data.astype(im.data.dtype.newbyteorder("<")))
ph = getattr(im, "pilatus_headers", None)
print(json.dumps({"shape": list(d.shape), "dtype": str(d.dtype), "sha256": hashlib.sha256(d.tobytes()).hexdigest(),
  "header": {k: str(v) for k, v in im.header.items()},
  "pilatus": {k: v for k, v in (ph._dict.items() if ph is not None else [])}}))
`;

  it("fabio reads our CBF files with identical pixels and header values", async () => {
    const rng = fc.sample(fc.array(int32, { minLength: 137 * 91, maxLength: 137 * 91 }), {
      numRuns: 1,
      seed: 42,
    })[0]!;
    // fabio 0.14's int32 decoder (dec_cbf32) lacks the 64-bit escape, which only a step of exactly
    // -2^31 needs (see encodeByteOffset); keep such steps out of this frame.
    for (let i = 1; i < rng.length; i++)
      if (((rng[i]! - rng[i - 1]!) | 0) === -(2 ** 31)) rng[i] = rng[i - 1]! + 1;
    const cases: Frame[] = [
      frameOf("int32", [137, 91], rng, {
        exposureTimeS: 0.5,
        wavelengthM: 1.0332e-10,
        distanceM: 0.2,
        pixel1M: 172e-6,
        pixel2M: 75e-6,
        beamXPx: 45.5,
        beamYPx: 60.25,
        Detector: "PILATUS 1M, 1-0001",
      }),
      frameOf(
        "uint16",
        [40, 50],
        Array.from({ length: 2000 }, (_, i) => (i % 97 === 0 ? 65535 : (i * 7919) % 65535)),
      ),
      frameOf(
        "uint32",
        [40, 50],
        Array.from({ length: 2000 }, (_, i) => (i % 89 === 0 ? 4294967295 : (i * 104729) % 5e6)),
      ),
      frameOf(
        "int16",
        [11, 13],
        Array.from({ length: 143 }, (_, i) => (i % 2 ? -32768 : 32767)),
      ),
    ];
    for (const [i, frame] of cases.entries()) {
      const path = join(tmp, `ours${i}.cbf`);
      await writeCbf(path, frame);
      const got = JSON.parse(runPython(py!, FABIO_STATS, [path]));
      expect(got.shape).toEqual(frame.shape);
      expect(got.dtype).toBe(frame.dtype);
      expect(got.sha256).toBe(sha256(frame));
      expect(got.header["X-Binary-Size-Fastest-Dimension"]).toBe(String(frame.shape[1]));
    }
    const p = JSON.parse(runPython(py!, FABIO_STATS, [join(tmp, "ours0.cbf")])).pilatus;
    expect(p.Exposure_time).toBe(0.5);
    expect(p.Wavelength).toBe(1.0332);
    expect(p.Detector_distance).toBe(0.2);
    expect(p.Pixel_size).toEqual([75e-6, 172e-6]); // x (fast) first
    expect(p.Beam_xy).toEqual([45.5, 60.25]);
  });

  it("we read CBF files fabio writes now (random data)", async () => {
    const path = join(tmp, "from_fabio.cbf");
    const out = runPython(
      py!,
      `
import sys, json, hashlib, numpy as np
from fabio.cbfimage import CbfImage
rng = np.random.default_rng(7)
a = rng.integers(-2**31, 2**31, size=(67, 45), dtype=np.int64)
a[::3] = rng.integers(-3, 1000, size=a[::3].shape)
a = a.astype(np.int32)
CbfImage(data=a, header={"_array_data.header_contents": "# Exposure_time 0.25 s\\r\\n# Wavelength 0.9 A"}).write(sys.argv[1])
print(json.dumps({"sha256": hashlib.sha256(a.astype("<i4").tobytes()).hexdigest()}))
`,
      [path],
    );
    const frame = decodeCbf(readFileSync(path), path);
    expect(frame.shape).toEqual([67, 45]);
    expect(sha256(frame)).toBe(JSON.parse(out).sha256);
    expect(frame.metadata["exposureTimeS"]).toBe(0.25);
    expect(frame.metadata["wavelengthM"]).toBe(9e-11);
  });
});
