import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync } from "node:zlib";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InputError } from "../util/errors.js";
import { allocate, DTYPES, dtypeMax } from "./dtype.js";
import { combineMasks, flipRows, flipUd, invalidPixelMask, maskFromFrame } from "./invalid.js";
import { decodeTiff } from "./tiff.js";
import type { Dtype, Frame } from "./types.js";

const CEO2_DIR = fileURLToPath(new URL("../../test/fixtures/ceo2/", import.meta.url));

function frame(dtype: Dtype, shape: [number, number], values: number[]): Frame {
  const data = allocate(dtype, shape[0] * shape[1]);
  data.set(values);
  return { data, shape, dtype, metadata: { Source: "test" } };
}

const count = (m: Uint8Array) => m.reduce((n, v) => n + v, 0);

describe("invalidPixelMask", () => {
  it("Pilatus int32: negatives (-1 gaps, -2 bad) are invalid", () => {
    expect(Array.from(invalidPixelMask(frame("int32", [2, 3], [0, -1, 5, -2, 1048575, -7])))).toEqual([
      0, 1, 0, 1, 0, 1,
    ]);
  });

  it("Eiger uint16 / uint32: the dtype maximum is invalid", () => {
    expect(Array.from(invalidPixelMask(frame("uint16", [1, 4], [65535, 65534, 0, 65535])))).toEqual([
      1, 0, 0, 1,
    ]);
    expect(Array.from(invalidPixelMask(frame("uint32", [1, 3], [4294967295, 4294967294, 0])))).toEqual([
      1, 0, 0,
    ]);
  });

  it("float frames: NaN is invalid, negatives and infinities are not", () => {
    expect(
      Array.from(
        invalidPixelMask(frame("float32", [1, 5], [Number.NaN, -1, 0, Number.POSITIVE_INFINITY, 2.5])),
      ),
    ).toEqual([1, 0, 0, 0, 0]);
    expect(Array.from(invalidPixelMask(frame("float64", [1, 2], [1, Number.NaN])))).toEqual([0, 1]);
  });

  it("agrees with the rule for every dtype (property)", () => {
    for (const dtype of DTYPES) {
      fc.assert(
        fc.property(fc.array(fc.double(), { minLength: 1, maxLength: 60 }), (vals) => {
          const f = frame(dtype, [1, vals.length], vals);
          const m = invalidPixelMask(f);
          for (let i = 0; i < vals.length; i++) {
            const v = f.data[i]!;
            const want = dtype.startsWith("float")
              ? Number.isNaN(v)
              : dtype.startsWith("u")
                ? v === dtypeMax(dtype)
                : v < 0;
            expect(m[i]).toBe(want ? 1 : 0);
          }
        }),
        { numRuns: 30 },
      );
    }
  });

  it("CeO2 Pilatus 1M: 73560 invalid pixels, as pyFAI's mask in the reference run", () => {
    const ref = JSON.parse(readFileSync(join(CEO2_DIR, "CeO2_Pilatus1M.tif.pyfai_q_nm.json"), "utf8"));
    const f = decodeTiff(gunzipSync(readFileSync(join(CEO2_DIR, "CeO2_Pilatus1M.tif.gz"))), "CeO2")[0]!;
    const m = invalidPixelMask(f);
    expect(count(m)).toBe(ref.n_masked);
    expect(count(m)).toBe(73560);
    // Flipping (Dioptas convention) moves the mask with the image.
    const flipped = invalidPixelMask(flipUd(f));
    expect(count(flipped)).toBe(73560);
    expect(flipped).toEqual(flipRows(m, f.shape));
  });
});

describe("flipUd / flipRows", () => {
  it("reverses the row order and leaves the input alone", () => {
    const f = frame("int16", [3, 2], [1, 2, 3, 4, 5, 6]);
    const g = flipUd(f);
    expect(Array.from(g.data)).toEqual([5, 6, 3, 4, 1, 2]);
    expect(g.data).toBeInstanceOf(Int16Array);
    expect(g.shape).toEqual([3, 2]);
    expect(g.dtype).toBe("int16");
    expect(g.metadata).toEqual({ Source: "test" });
    expect(g.metadata).not.toBe(f.metadata);
    expect(Array.from(f.data)).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("is its own inverse and maps (r, c) to (rows-1-r, c) (property)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer(),
        (rows, cols, seed) => {
          const vals = Array.from({ length: rows * cols }, (_, i) => (i * 2654435761 + seed) % 1000);
          const f = frame("float64", [rows, cols], vals);
          const g = flipUd(f);
          for (let r = 0; r < rows; r++) {
            for (let c = 0; c < cols; c++)
              expect(g.data[(rows - 1 - r) * cols + c]).toBe(f.data[r * cols + c]);
          }
          expect(flipUd(g).data).toEqual(f.data);
        },
      ),
    );
  });

  it("checks the shape", () => {
    expect(() => flipRows(new Uint8Array(5), [2, 3])).toThrow(RangeError);
  });
});

describe("maskFromFrame / combineMasks", () => {
  it("maskFromFrame: nonzero and NaN → 1", () => {
    expect(Array.from(maskFromFrame(frame("float32", [1, 5], [0, 1, -0.5, Number.NaN, -0])))).toEqual([
      0, 1, 1, 1, 0,
    ]);
    expect(Array.from(maskFromFrame(frame("uint8", [1, 3], [0, 255, 1])))).toEqual([0, 1, 1]);
  });

  it("combineMasks: pixel-wise OR, null entries ignored", () => {
    const a = Uint8Array.of(1, 0, 0, 0);
    const b = Uint8Array.of(0, 0, 2, 0);
    expect(Array.from(combineMasks([a, null, b, undefined]))).toEqual([1, 0, 1, 0]);
    expect(Array.from(combineMasks([], 3))).toEqual([0, 0, 0]);
    expect(Array.from(a)).toEqual([1, 0, 0, 0]);
  });

  it("combineMasks: masks of different sizes are an InputError", () => {
    expect(() => combineMasks([new Uint8Array(4), new Uint8Array(5)])).toThrow(InputError);
    expect(() => combineMasks([new Uint8Array(4)], 6)).toThrow(/masks differ in size: 4 pixels vs 6/);
    expect(() => combineMasks([])).toThrow(RangeError);
  });
});
