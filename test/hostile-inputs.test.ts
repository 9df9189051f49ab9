/**
 * The nastiest inputs met while fuzzing the readers (npm run fuzz, bench/fuzz) and the ones issue 13
 * names, kept as tests: each is refused with an InputError naming the file, quickly, and before
 * anything the size of its false claims is allocated.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { readCycler } from "../src/echem/index.js";
import { createH5 } from "../src/formats/h5.js";
import { readChunkedDataset } from "../src/formats/h5-chunks.js";
import { H5Bytes } from "../src/formats/h5-read.js";
import { encodeCbf, encodeEdf, encodeTiff, type Frame, readFrame } from "../src/formats/index.js";
import { loadConfig } from "../src/pipeline/config.js";
import { InputError } from "../src/util/index.js";
import { fixturePath, readFixture } from "./support/fixtures.js";

const dir = mkdtempSync(join(tmpdir(), "swaxs-hostile-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const small: Frame = { data: new Int32Array(12), shape: [3, 4], dtype: "int32", metadata: {} };
const latin1 = (b: Uint8Array) => Buffer.from(b).toString("latin1");

function file(name: string, body: string | Uint8Array): string {
  const p = join(dir, name);
  writeFileSync(p, typeof body === "string" ? Buffer.from(body, "latin1") : body);
  return p;
}

/** Refused with an InputError naming `path`, with the process growing by less than `mb`. */
async function refused(path: string, read: (p: string) => Promise<unknown>, why: RegExp, mb = 200) {
  const before = process.memoryUsage().rss;
  const err = await read(path).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err, path).toBeInstanceOf(InputError);
  expect((err as InputError).file).toBe(path);
  expect((err as InputError).message).toMatch(why);
  expect(process.memoryUsage().rss - before).toBeLessThan(mb * 2 ** 20);
}

const setHeader = (text: string, key: string, value: string) =>
  text.replace(new RegExp(`${key}: *\\d+`), `${key}: ${value}`);

describe("hostile inputs", () => {
  it("a CBF claiming a 100000 × 100000 frame, with or without matching sizes", async () => {
    const cbf = latin1(encodeCbf(small));
    let big = setHeader(cbf, "X-Binary-Size-Fastest-Dimension", "100000");
    big = setHeader(big, "X-Binary-Size-Second-Dimension", "100000");
    await refused(file("dims.cbf", big), readFrame, /100000×100000/);
    big = setHeader(
      setHeader(big, "X-Binary-Number-of-Elements", "10000000000"),
      "X-Binary-Size",
      "40000000000",
    );
    await refused(file("sizes.cbf", big), readFrame, /truncated CBF/);
  });

  it("an EDF and a TIFF claiming 100000 × 100000 pixels", async () => {
    const edf = latin1(encodeEdf(small))
      .replace(/Dim_1 = \d+/, "Dim_1 = 100000")
      .replace(/Dim_2 = \d+/, "Dim_2 = 100000");
    await refused(file("huge.edf", edf), readFrame, /100000×100000/);
    const tif = encodeTiff(small);
    const dv = new DataView(tif.buffer, tif.byteOffset);
    const ifd = dv.getUint32(4, true);
    for (let i = 0; i < dv.getUint16(ifd, true); i++) {
      const e = ifd + 2 + 12 * i;
      const tag = dv.getUint16(e, true);
      if (tag !== 256 && tag !== 257) continue;
      if (dv.getUint16(e + 2, true) === 3) dv.setUint16(e + 8, 65535, true);
      else dv.setUint32(e + 8, 100000, true);
    }
    await refused(file("huge.tif", tif), readFrame, /TIFF/);
  });

  it("an HDF5 stack whose (unwritten) frames are 100000 × 100000", async () => {
    const p = join(dir, "huge.h5");
    const h = await createH5(p);
    h.create_group("entry")
      .create_group("data")
      .create_dataset({
        name: "data",
        data: new Int32Array(0),
        shape: [0, 100000, 100000],
        maxshape: [null, 100000, 100000],
        dtype: "<i",
        chunks: [1, 1000, 1000],
      });
    (h.get("entry/data/data") as unknown as { resize(s: number[]): void }).resize([2, 100000, 100000]);
    h.close();
    await refused(p, readFrame, /frame 0/);
  });

  it("the direct HDF5 chunk reader, handed an object header address past the end (found by npm run fuzz)", () => {
    const p = file("short.h5", readFixture("hdf5", "gzip_i32_stack.h5").subarray(0, 1318));
    const bytes = H5Bytes.open(p);
    try {
      // was a RangeError (a negative array length) before the span was checked first
      expect(readChunkedDataset(bytes, 2864)).toMatch(
        /^object header not understood .*object header: invalid address 2864 or size -1546/,
      );
      expect(() => bytes.read(5000, -1706, "object header")).toThrow(InputError);
    } finally {
      bytes.close();
    }
  });

  it("YAML: an alias bomb and nesting thousands deep", async () => {
    const levels = ["a", "b", "c", "d", "e", "f", "g"];
    const bomb = levels
      .map(
        (k, i) =>
          `${k}: &${k} [${
            i === 0
              ? '"x","x","x","x","x","x","x","x","x"'
              : Array(9)
                  .fill(`*${levels[i - 1]}`)
                  .join(",")
          }]`,
      )
      .join("\n");
    await refused(file("bomb.yaml", `${bomb}\nscan: *g\n`), loadConfig, /aliases .* too many/);
    await refused(
      file("deep.yaml", `scan: ${"[".repeat(100000)}${"]".repeat(100000)}\n`),
      loadConfig,
      /nested too deeply/,
      400,
    );
  });

  it("an EC-Lab .mpr whose log start is 1e300 days after 1899 (found by npm run fuzz): read, the date called implausible", async () => {
    // was a RangeError: the Invalid Date's year is NaN, which passed the plausibility check
    const r = await readCycler(fixturePath("echem", "fuzz_mpr_huge_ole_date.mpr"));
    expect(r.n).toBeGreaterThan(0);
    expect(String(r.metadata["log start"])).toMatch(/^implausible OLE date/);
  });

  it("an EC-Lab export claiming 10¹¹ header lines", async () => {
    const mpt =
      "EC-Lab ASCII FILE\nNb header lines : 99999999999\n\nmode\ttime/s\tEwe/V\tI/mA\n1\t0\t2.1\t0.5\n";
    await refused(file("lines.mpt", mpt), (p) => readCycler(p), /Nb header lines : 99999999999/);
  });
});
