import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { fixturePath } from "../../test/support/fixtures.js";
import { InputError } from "../util/errors.js";
import { detectFormat, openFrames, readCbfWhole, readFrame, readMask } from "./open.js";

const tmp = mkdtempSync(join(tmpdir(), "swaxs-open-"));

describe("detectFormat: by content, not by name", () => {
  it.each([
    [fixturePath("fabio", "fabio_pilatus.cbf"), "cbf"],
    [fixturePath("fabio", "fabio_stack_u16.edf"), "edf"],
    [fixturePath("hdf5", "eiger_bslz4_u16.h5"), "hdf5"],
    [fixturePath("ceo2", "CeO2_Pilatus1M.tif.gz"), "gzip"],
  ])("%s → %s", async (path, format) => {
    expect(await detectFormat(path)).toBe(format);
  });

  it("a CBF renamed .tif is still read as CBF", async () => {
    const p = join(tmp, "renamed.tif");
    writeFileSync(p, readFileSync(fixturePath("fabio", "fabio_pilatus.cbf")));
    expect(await detectFormat(p)).toBe("cbf");
  });

  it.each([
    ["missing", join(tmp, "nope.cbf"), /nope\.cbf: no such file/],
    ["empty", join(tmp, "empty.cbf"), /empty\.cbf: empty file/],
    ["text", fixturePath("poni", "ref_saxs.poni"), /ref_saxs\.poni: not a detector image/],
  ])("%s file → InputError naming it", async (_w, path, msg) => {
    if (path.endsWith("empty.cbf")) writeFileSync(path, "");
    await expect(detectFormat(path)).rejects.toThrow(InputError);
    await expect(detectFormat(path)).rejects.toThrow(msg);
  });
});

describe("gzipped frames", () => {
  it("a gzipped EDF stack gives the same frames as the plain file", async () => {
    const plain = fixturePath("fabio", "fabio_stack_u16.edf");
    const gz = join(tmp, "stack.edf.gz");
    writeFileSync(gz, gzipSync(readFileSync(plain)));
    const a = await openFrames(plain);
    const b = await openFrames(gz);
    expect(b.format).toBe("edf+gzip");
    expect(b.frameCount).toBe(a.frameCount);
    for (let i = 0; i < a.frameCount; i++) {
      expect(Array.from((await b.readFrame(i)).data)).toEqual(Array.from((await a.readFrame(i)).data));
    }
    a.close();
    b.close();
  });

  it("a corrupt gzip stream is refused with the file named", async () => {
    const bad = join(tmp, "bad.cbf.gz");
    writeFileSync(bad, gzipSync(readFileSync(fixturePath("fabio", "fabio_pilatus.cbf"))).subarray(0, 200));
    await expect(openFrames(bad)).rejects.toThrow(/bad\.cbf\.gz: corrupt gzip stream/);
  });
});

describe("readMask", () => {
  it("an EDF uint8 mask: nonzero = invalid; --flip-ud reverses its rows", async () => {
    const path = fixturePath("fabio", "fabio_mask_u8.edf");
    const raw = await readFrame(path);
    const [n1, n2] = raw.shape;
    const mask = await readMask(path, raw.shape);
    const flipped = await readMask(path, raw.shape, { flipUd: true });
    let ones = 0;
    for (let k = 0; k < mask.length; k++) {
      expect(mask[k]).toBe(raw.data[k] !== 0 ? 1 : 0);
      ones += mask[k]!;
    }
    expect(ones).toBeGreaterThan(0);
    for (let r = 0; r < n1; r++)
      for (let c = 0; c < n2; c++) expect(flipped[r * n2 + c]).toBe(mask[(n1 - 1 - r) * n2 + c]);
  });

  it("an Eiger pixel_mask dataset in HDF5", async () => {
    const path = fixturePath("hdf5", "eiger_master.h5");
    const dataset = "/entry/instrument/detector/detectorSpecific/pixel_mask";
    const raw = await readFrame(path, 0, { dataset });
    const mask = await readMask(path, raw.shape, { dataset });
    let ones = 0;
    for (let k = 0; k < mask.length; k++) {
      expect(mask[k]).toBe(raw.data[k] !== 0 ? 1 : 0);
      ones += mask[k]!;
    }
    expect(ones).toBeGreaterThan(0);
  });

  it("a mask of another shape is refused", async () => {
    await expect(readMask(fixturePath("fabio", "fabio_mask_u8.edf"), [10, 10])).rejects.toThrow(
      /fabio_mask_u8\.edf: mask is 16×20, frames are 10×10/,
    );
  });
});

describe("readCbfWhole: the frame workers' short path for CBF files", () => {
  it("gives readFrame's frame, and the next read into the same buffer leaves it untouched", async () => {
    const scratch = { bytes: new Uint8Array(0) };
    const a = fixturePath("fabio", "fabio_pilatus.cbf");
    const ref = await readFrame(a);
    const got = readCbfWhole(a, scratch)!;
    expect(got.shape).toEqual(ref.shape);
    expect(got.dtype).toBe(ref.dtype);
    expect(Array.from(got.data)).toEqual(Array.from(ref.data));
    expect(got.metadata).toEqual(ref.metadata);
    // the buffer is reused for the next file: the frame must not be a view of it
    const copy = Array.from(got.data);
    scratch.bytes.fill(0xff);
    expect(Array.from(got.data)).toEqual(copy);
  });

  it("reusePixels: the same pixels, decoded into scratch.pixels, frame after frame", async () => {
    const scratch: { bytes: Uint8Array; pixels?: ArrayBuffer } = { bytes: new Uint8Array(0) };
    const a = fixturePath("fabio", "fabio_pilatus.cbf");
    const ref = await readFrame(a);
    const first = readCbfWhole(a, scratch, { reusePixels: true })!;
    expect(Array.from(first.data)).toEqual(Array.from(ref.data));
    expect(first.data.buffer).toBe(scratch.pixels);
    const held = scratch.pixels;
    const second = readCbfWhole(a, scratch, { reusePixels: true })!;
    expect(scratch.pixels).toBe(held);
    expect(second.data.buffer).toBe(held);
    expect(Array.from(second.data)).toEqual(Array.from(ref.data));
  });

  it("leaves anything else to the general path (null): another format, a missing file", () => {
    const scratch = { bytes: new Uint8Array(0) };
    const edf = join(tmp, "edf-named.cbf");
    writeFileSync(edf, readFileSync(fixturePath("fabio", "fabio_stack_u16.edf")));
    expect(readCbfWhole(edf, scratch)).toBeNull();
    expect(readCbfWhole(join(tmp, "absent.cbf"), scratch)).toBeNull();
  });

  it("still checks the Content-MD5: a flipped byte is an InputError naming the file", () => {
    const bad = join(tmp, "flipped.cbf");
    const bytes = readFileSync(fixturePath("fabio", "fabio_pilatus.cbf"));
    bytes[bytes.length - 600] ^= 0x01;
    writeFileSync(bad, bytes);
    expect(() => readCbfWhole(bad, { bytes: new Uint8Array(0) })).toThrow(/flipped\.cbf: .*MD5/);
  });
});
