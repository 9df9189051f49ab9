import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it, vi } from "vitest";
import { InputError } from "../util/errors.js";
import { createH5, h5Problem, h5wasm, initH5, looksLikeHdf5, pluginDirectory } from "./h5.js";
import { listDatasets, openHdf5, readHdf5Mask, readHdf5MaskFrame } from "./hdf5.js";
import type { Frame, PixelArray } from "./types.js";

const FIXTURES = fileURLToPath(new URL("../../test/fixtures/hdf5/", import.meta.url));
const fx = (name: string) => join(FIXTURES, name);

interface FrameStats {
  min: number;
  max: number;
  sum: number;
  nan: number;
  sha256: string;
}
interface DatasetStats {
  shape: number[];
  dtype: string;
  chunks: number[] | null;
  chunk0: { offset: number; size: number } | null;
  filters: { id: number; cd_values: number[] }[];
  frames: FrameStats[];
}
const expected = JSON.parse(readFileSync(fx("expected.json"), "utf8")) as {
  files: Record<string, { datasets: Record<string, DatasetStats> }>;
};

const tmp = mkdtempSync(join(tmpdir(), "swaxs-hdf5-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function stats(data: PixelArray): FrameStats {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let sum = 0;
  let nan = 0;
  for (const v of data) {
    if (Number.isNaN(v)) {
      nan++;
      continue;
    }
    if (v < min) min = v;
    if (v > max) max = v;
    sum += v;
  }
  // Frames are returned in the machine's byte order; every platform we run on is little-endian.
  const sha256 = createHash("sha256")
    .update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength))
    .digest("hex");
  return { min, max, sum, nan, sha256 };
}

function expectFrame(frame: Frame, want: FrameStats, dtype: string) {
  const got = stats(frame.data);
  expect(frame.dtype).toBe(dtype);
  expect(got.sha256).toBe(want.sha256);
  expect(got.min).toBe(want.min);
  expect(got.max).toBe(want.max);
  expect(got.nan).toBe(want.nan);
  if (dtype.startsWith("float")) expect(got.sum).toBeCloseTo(want.sum, 2);
  else expect(got.sum).toBe(want.sum);
}

async function inputError(p: Promise<unknown>): Promise<InputError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(InputError);
  const e = err as InputError;
  expect(e.message).not.toContain("\n");
  return e;
}

describe("h5wasm setup", () => {
  it("initialises once and finds the h5wasm-plugins folder", async () => {
    const a = initH5();
    expect(initH5()).toBe(a);
    const module = await a;
    expect(pluginDirectory()).toMatch(/h5wasm-plugins[/\\]plugins$/);
    expect(module.get_plugin_search_paths()[0]).toBe(pluginDirectory());
  });

  it("recognises HDF5 files by their signature", () => {
    expect(looksLikeHdf5(fx("eiger_bslz4_u16.h5"))).toBe(true);
    expect(looksLikeHdf5(fx("expected.json"))).toBe(false);
    expect(looksLikeHdf5(join(tmp, "nope.h5"))).toBe(false);
  });

  it("condenses HDF5 error stacks to one line", () => {
    const stack = [
      "HDF5-DIAG: Error detected in HDF5 (1.14.6):",
      "  #000: H5D.c line 1044 in H5Dread(): can't synchronously read data",
      "    major: Dataset",
      "  #008: H5Z.c line 1411 in H5Z_pipeline(): required filter 'bitshuffle; see x' is not registered",
      "  #011: H5PLpath.c line 858 in H5PL__find_plugin_in_path(): can't open directory (/usr/local)",
    ].join("\n");
    expect(h5Problem(new Error(stack))).toBe(
      'HDF5 filter "bitshuffle; see x" is not available (no plugin for it)',
    );
    expect(
      h5Problem(
        new Error("#001: a.c line 1 in H5F__super_read(): truncated file: eof = 3000, x, stored_eof = 23835"),
      ),
    ).toBe("truncated HDF5 file (3000 of 23835 bytes present)");
    expect(h5Problem(new Error("#001: a.c line 1 in f(): first\n#002: b.c line 2 in g(): innermost"))).toBe(
      "innermost",
    );
    expect(h5Problem(new Error("plain message\nsecond line"))).toBe("plain message");
  });
});

describe("openHdf5 reads every fixture frame exactly (expected values from numpy/h5py)", () => {
  const cases: [string, string, string][] = [
    ["eiger_bslz4_u16.h5", "/entry/data/data", "uint16"],
    ["eiger_bslz4_u32.h5", "/entry/data/data", "uint32"],
    ["eiger_lz4_u16.h5", "/entry/data/data", "uint16"],
    ["gzip_i32_stack.h5", "/frames", "int32"],
    ["float32_image.h5", "/processed/image", "float32"],
    ["nexus_default.h5", "/scan/measurement/frames", "uint16"],
    ["nexus_default.h5", "/scan/dark", "uint16"],
    ["eiger_master.h5", "/entry/instrument/detector/detectorSpecific/flatfield", "float32"],
    ["odd_types.h5", "/stack4d", "uint8"],
  ];
  for (const [file, dataset, dtype] of cases) {
    it(`${file} ${dataset}`, async () => {
      const want = expected.files[file]!.datasets[dataset]!;
      const src = await openHdf5(fx(file), { dataset });
      try {
        expect(src.format).toBe("hdf5");
        expect(src.path).toBe(fx(file));
        expect(src.frameCount).toBe(want.frames.length);
        expect(src.shape).toEqual(want.shape.slice(-2));
        expect(src.dtype).toBe(dtype);
        expect(src.metadata["hdf5_dataset"]).toBe(dataset);
        for (let k = 0; k < src.frameCount; k++) {
          const frame = await src.readFrame(k);
          expect(frame.shape).toEqual(src.shape);
          expectFrame(frame, want.frames[k]!, dtype);
        }
      } finally {
        src.close();
      }
    });
  }

  it("reads frames in any order and repeatedly", async () => {
    const want = expected.files["eiger_bslz4_u16.h5"]!.datasets["/entry/data/data"]!;
    const src = await openHdf5(fx("eiger_bslz4_u16.h5"));
    for (const k of [2, 0, 2, 1])
      expect(stats((await src.readFrame(k)).data).sha256).toBe(want.frames[k]!.sha256);
    src.close();
    src.close(); // idempotent
    await expect(src.readFrame(0)).rejects.toThrow(/after close/);
  });
});

describe("default dataset", () => {
  it.each([
    ["eiger_bslz4_u16.h5", "/entry/data/data"],
    ["gzip_i32_stack.h5", "/frames"],
    ["float32_image.h5", "/processed/image"],
    ["nexus_default.h5", "/scan/measurement/frames"],
  ])("%s → %s", async (file, dataset) => {
    const src = await openHdf5(fx(file));
    expect(src.metadata["hdf5_dataset"]).toBe(dataset);
    src.close();
  });

  it("chains the data_NNNNNN external links of an Eiger master, in order", async () => {
    const a = expected.files["eiger_bslz4_u16.h5"]!.datasets["/entry/data/data"]!;
    const b = expected.files["eiger_lz4_u16.h5"]!.datasets["/entry/data/data"]!;
    const src = await openHdf5(fx("eiger_master.h5"));
    try {
      expect(src.frameCount).toBe(5);
      expect(src.shape).toEqual([64, 96]);
      expect(src.dtype).toBe("uint16");
      expect(src.metadata["hdf5_dataset"]).toBe("/entry/data/data_000001,/entry/data/data_000002");
      expect(src.metadata["hdf5_filters"]).toBe("bitshuffle-lz4 32008 (0,3,2,0,2) | lz4 32004");
      // Detector and beam scalars of the master, float32 values as written (not 0.5001999…).
      expect(src.metadata).toMatchObject({
        count_time: 0.5,
        count_time_units: "s",
        frame_time: 0.5002,
        x_pixel_size: 7.5e-5,
        detector_distance: 0.75,
        incident_wavelength: 1.0332,
        incident_wavelength_units: "angstrom",
        description: "Dectris EIGER-like test fixture",
      });
      const want = [...a.frames, ...b.frames];
      for (let k = 0; k < 5; k++) {
        const frame = await src.readFrame(k);
        expectFrame(frame, want[k]!, "uint16");
        expect(frame.metadata["hdf5_dataset"]).toBe(
          k < 3 ? "/entry/data/data_000001" : "/entry/data/data_000002",
        );
        expect(frame.metadata["image_nr"]).toBe(k < 3 ? k + 1 : k - 2);
      }
    } finally {
      src.close();
    }
  });

  it("resolves the master's external links relative to the master, not the working directory", async () => {
    const cwd = process.cwd();
    process.chdir(tmp);
    try {
      const src = await openHdf5(fx("eiger_master.h5"));
      expect(stats((await src.readFrame(4)).data).sha256).toBe(
        expected.files["eiger_lz4_u16.h5"]!.datasets["/entry/data/data"]!.frames[1]!.sha256,
      );
      src.close();
    } finally {
      process.chdir(cwd);
    }
  });

  it("lists the candidates when the choice is ambiguous", async () => {
    const e = await inputError(openHdf5(fx("odd_types.h5")));
    expect(e.file).toBe(fx("odd_types.h5"));
    expect(e.message).toMatch(/several image datasets, choose one with --dataset: /);
    for (const p of ["/f16 8x8", "/i64_fits 2x8x8", "/stack4d 1x3x8x8", "/u64 8x8"])
      expect(e.message).toContain(p);
    expect(e.message).not.toContain("/line");
  });
});

describe("metadata", () => {
  it("has the Eiger dataset attributes, filters and chunking", async () => {
    const src = await openHdf5(fx("eiger_bslz4_u32.h5"));
    expect(src.metadata).toMatchObject({
      image_nr_low: 1,
      image_nr_high: 2,
      hdf5_dtype: "uint32",
      hdf5_shape: "2x64x96",
      hdf5_chunks: "1x64x96",
      hdf5_filters: "bitshuffle-lz4 32008 (0,3,4,0,2)",
    });
    const frame = await src.readFrame(1);
    expect(frame.metadata).toMatchObject({ hdf5_frame: 1, image_nr: 2, image_nr_low: 1 });
    src.close();
  });

  it("keeps string and number attributes of a plain dataset", async () => {
    const src = await openHdf5(fx("float32_image.h5"));
    expect(src.metadata).toMatchObject({ units: "counts/s", exposure_time: 2.5, hdf5_shape: "48x64" });
    expect(src.metadata["hdf5_chunks"]).toBeUndefined();
    expect(src.metadata["hdf5_filters"]).toBeUndefined();
    src.close();
  });

  it("lists datasets with shape, type, chunks, filters and external links", async () => {
    const list = await listDatasets(fx("eiger_master.h5"));
    const byPath = new Map(list.map((d) => [d.path, d]));
    expect(byPath.get("/entry/data/data_000001")).toEqual({
      path: "/entry/data/data_000001",
      shape: [3, 64, 96],
      dtype: "uint16",
      chunks: [1, 64, 96],
      filters: [{ id: 32008, name: "bitshuffle-lz4", cdValues: [0, 3, 2, 0, 2] }],
      externalLink: "eiger_bslz4_u16.h5:/entry/data/data",
    });
    expect(byPath.get("/entry/instrument/detector/detectorSpecific/pixel_mask")).toMatchObject({
      dtype: "uint32",
      chunks: [32, 48],
      filters: [{ id: 1, name: "deflate", cdValues: [4] }],
    });
    expect(byPath.get("/entry/instrument/detector/count_time")).toMatchObject({
      shape: [],
      dtype: "float32",
    });

    const odd = new Map((await listDatasets(fx("odd_types.h5"))).map((d) => [d.path, d.dtype]));
    expect(Object.fromEntries(odd)).toEqual({
      "/bool_mask": "bool",
      "/f16": "float16",
      "/i64_big": "int64",
      "/i64_fits": "int64",
      "/line": "float64",
      "/stack4d": "uint8",
      "/table": "compound",
      "/text": "string",
      "/u64": "uint64",
    });
  });
});

describe("types", () => {
  it("narrows int64 to int32 when the values fit", async () => {
    const src = await openHdf5(fx("odd_types.h5"), { dataset: "i64_fits" });
    expect(src.dtype).toBe("int32");
    expect(src.metadata["hdf5_dtype"]).toBe("int64");
    const f0 = await src.readFrame(0);
    const f1 = await src.readFrame(1);
    expect(f0.data).toBeInstanceOf(Int32Array);
    expect([f0.data[0], f0.data[63], f1.data[0], f1.data[63]]).toEqual([-64, -1, 0, 2 ** 31 - 1]);
    src.close();
  });

  it("refuses int64 values that do not fit, naming the frame and value", async () => {
    const src = await openHdf5(fx("odd_types.h5"), { dataset: "/i64_big" });
    const e = await inputError(src.readFrame(0));
    expect(e.message).toContain("value 1099511627776 at pixel 19 does not fit int32 (dataset is int64)");
    src.close();
  });

  it("narrows uint64 to uint32, keeping the all-ones invalid marker", async () => {
    const src = await openHdf5(fx("odd_types.h5"), { dataset: "/u64" });
    const f = await src.readFrame(0);
    expect(src.dtype).toBe("uint32");
    expect([f.data[0], f.data[1], f.data[2], f.data[63]]).toEqual([0, 2 ** 32 - 1, 2, 63]);
    src.close();
  });

  it.each([
    ["/f16", /\/f16 has type float16, which is not supported for frames/],
    ["/text", /dataset \/text has type string; expected numbers/],
    ["/table", /dataset \/table has type compound; expected numbers/],
    ["/line", /dataset \/line has shape 10; expected a 2D image \(rows, cols\) or a 3D stack/],
  ])("refuses %s", async (dataset, message) => {
    const e = await inputError(openHdf5(fx("odd_types.h5"), { dataset }));
    expect(e.message).toMatch(message);
    expect(e.message.startsWith(`${fx("odd_types.h5")}: `)).toBe(true);
  });
});

describe("masks", () => {
  it("reads the Eiger pixel_mask (nonzero → 1)", async () => {
    const { mask, shape, dataset } = await readHdf5MaskFrame(fx("eiger_master.h5"));
    expect(dataset).toBe("/entry/instrument/detector/detectorSpecific/pixel_mask");
    expect(shape).toEqual([64, 96]);
    expect(mask.length).toBe(64 * 96);
    expect(mask.reduce((a, b) => a + b, 0)).toBe(2 * 96 + 2 * 64 - 4 + 2);
    expect(mask[3 * 96 + 5]).toBe(1); // value 2 (dead) → 1
    expect(mask[10 * 96 + 10]).toBe(1); // value 8 (hot) → 1
    expect(mask[0]).toBe(0);
    expect(Math.max(...mask)).toBe(1);
  });

  it("reads a named mask dataset, including bool", async () => {
    const mask = await readHdf5Mask(fx("odd_types.h5"), "/bool_mask");
    expect(Array.from(mask.subarray(0, 10))).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    expect(mask.reduce((a, b) => a + b, 0)).toBe(8);
  });

  it("says when there is no mask", async () => {
    const e = await inputError(readHdf5Mask(fx("float32_image.h5")));
    expect(e.message).toMatch(
      /no pixel_mask or mask dataset found \(datasets: \/processed\/exposure scalar, /,
    );
    const e2 = await inputError(readHdf5Mask(fx("odd_types.h5"), "/line"));
    expect(e2.message).toContain("mask /line has shape 10; expected a 2D image");
  });
});

describe("broken input → one-line InputError naming file and problem", () => {
  it("missing file", async () => {
    const p = join(tmp, "missing.h5");
    const e = await inputError(openHdf5(p));
    expect(e.message).toBe(`${p}: file not found`);
    expect(e.file).toBe(p);
  });

  it("a directory", async () => {
    const e = await inputError(openHdf5(tmp));
    expect(e.message).toBe(`${tmp}: is a directory, not an HDF5 file`);
  });

  it("not an HDF5 file, empty file", async () => {
    const text = join(tmp, "notes.h5");
    writeFileSync(text, "these are not the frames you are looking for\n".repeat(40));
    expect((await inputError(openHdf5(text))).message).toBe(`${text}: not an HDF5 file (no HDF5 signature)`);
    const empty = join(tmp, "empty.h5");
    writeFileSync(empty, "");
    expect((await inputError(listDatasets(empty))).message).toBe(`${empty}: empty file, not an HDF5 file`);
  });

  it("truncated HDF5 file", async () => {
    const whole = readFileSync(fx("eiger_bslz4_u16.h5"));
    for (const keep of [100, 3000, whole.length - 100]) {
      const p = join(tmp, `trunc${keep}.h5`);
      writeFileSync(p, whole.subarray(0, keep));
      const e = await inputError(openHdf5(p));
      expect(e.message).toMatch(
        new RegExp(`^${p}: cannot open HDF5 file: truncated HDF5 file \\(${keep} of \\d+ bytes present\\)$`),
      );
    }
  });

  it("missing dataset path, listing what is there", async () => {
    const p = fx("gzip_i32_stack.h5");
    const e = await inputError(openHdf5(p, { dataset: "/entry/data/data" }));
    expect(e.message).toBe(
      `${p}: dataset /entry/data/data not found (datasets: /frames 4x40x50, /monitor 4)`,
    );
    // a path that runs through a dataset
    const e2 = await inputError(openHdf5(p, { dataset: "/frames/x" }));
    expect(e2.message).toContain("dataset /frames/x not found");
    // a group is not a dataset
    const e3 = await inputError(openHdf5(fx("nexus_default.h5"), { dataset: "scan" }));
    expect(e3.message).toContain("dataset /scan not found");
  });

  it("frame index out of range", async () => {
    const p = fx("eiger_bslz4_u16.h5");
    const src = await openHdf5(p);
    for (const k of [3, -1, 1.5, Number.NaN]) {
      const e = await inputError(src.readFrame(k));
      expect(e.message).toBe(`${p}: frame ${k} out of range: /entry/data/data has 3 frames (0…2)`);
    }
    src.close();
    const img = await openHdf5(fx("float32_image.h5"));
    expect((await inputError(img.readFrame(1))).message).toContain("has 1 frame (0…0)");
    img.close();
  });

  it("a master whose data files are missing", async () => {
    const dir = join(tmp, "master-alone");
    mkdirSync(dir);
    const p = join(dir, "eiger_master.h5");
    copyFileSync(fx("eiger_master.h5"), p);
    const e = await inputError(openHdf5(p));
    expect(e.message).toBe(
      `${p}: /entry/data/data_000001 cannot be opened: external link to eiger_bslz4_u16.h5:/entry/data/data (file missing or unreadable?)`,
    );
    // the mask in the master is still readable
    expect((await readHdf5Mask(p)).length).toBe(64 * 96);
    const listed = await listDatasets(p);
    expect(listed.find((d) => d.path === "/entry/data/data_000002")).toMatchObject({
      externalLink: "eiger_lz4_u16.h5:/entry/data/data",
      problem: expect.any(String),
    });
  });

  it("a corrupt compressed chunk fails that frame only", async () => {
    const want = expected.files["gzip_i32_stack.h5"]!.datasets["/frames"]!;
    const bytes = readFileSync(fx("gzip_i32_stack.h5"));
    const { offset, size } = want.chunk0!;
    for (let i = offset + 2; i < offset + size; i += 3) bytes[i] = bytes[i]! ^ 0x5a;
    const p = join(tmp, "corrupt.h5");
    writeFileSync(p, bytes);
    const src = await openHdf5(p);
    const e = await inputError(src.readFrame(0));
    expect(e.message).toMatch(new RegExp(`^${p}: /frames: cannot read frame 0: `));
    expectFrame(await src.readFrame(1), want.frames[1]!, "int32");
    src.close();
  });
});

describe("a large stack is never read whole", () => {
  it("reads one frame of a 200-frame 512×512 stack via a one-frame hyperslab", async () => {
    const [n, rows, cols] = [200, 512, 512];
    const p = join(tmp, "large.h5");
    const module = await initH5();
    const f = await createH5(p);
    const ds = f.create_dataset({
      name: "data",
      data: new Uint16Array(0),
      shape: [0, rows, cols],
      maxshape: [n, rows, cols],
      dtype: "<H",
      chunks: [1, rows, cols],
      compression: "gzip",
      compression_opts: 1,
    });
    ds.resize([n, rows, cols]);
    const frame = new Uint16Array(rows * cols);
    for (let k = 0; k < n; k++) {
      frame.fill(k);
      frame[k] = 60000; // one marked pixel per frame, at index k
      ds.write_slice([[k, k + 1], [], []], frame);
    }
    f.close();

    const valueGetter = vi.spyOn(h5wasm.Dataset.prototype, "value", "get");
    const sliceSpy = vi.spyOn(h5wasm.Dataset.prototype, "slice");
    try {
      const src = await openHdf5(p, { dataset: "/data" });
      expect(src.frameCount).toBe(n);
      for (const k of [0, 123, 199]) {
        const fr = await src.readFrame(k);
        expect(fr.data.length).toBe(rows * cols);
        expect(fr.data[k]).toBe(60000);
        expect(fr.data[(k + 1) % (rows * cols)]).toBe(k);
        expect(fr.metadata["hdf5_frame"]).toBe(k);
      }
      src.close();
      expect(valueGetter).not.toHaveBeenCalled();
      expect(sliceSpy.mock.calls.map((c) => c[0])).toEqual([[[0, 1]], [[123, 124]], [[199, 200]]]);
      // The whole dataset is 100 MiB; the wasm heap never had to hold it.
      expect(module.HEAPU8.byteLength).toBeLessThan((n * rows * cols * 2) / 2);
    } finally {
      valueGetter.mockRestore();
      sliceSpy.mockRestore();
    }
  });
});
