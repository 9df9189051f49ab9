import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixturePath } from "../../test/support/fixtures.js";
import { encodeCbf, flipUd } from "../formats/index.js";
import { readPoni } from "../geometry/index.js";
import { finishSums, Integrator1d } from "../integrate/index.js";
import { isInputError } from "../util/errors.js";
import { FramePool } from "./frame-pool.js";

// a Pilatus 100k frame with counts, invalid pixels (−1, −2) and one above the count cutoff, as CBF
const dir = mkdtempSync(join(tmpdir(), "swaxs-frame-pool-"));
const shape: [number, number] = [195, 487];
const data = Int32Array.from({ length: shape[0] * shape[1] }, (_, k) => (k * 7919) % 97);
data[10] = -1;
data[20] = -2;
data[30] = 2 ** 20;
const good = join(dir, "good.cbf");
const bad = join(dir, "bad.cbf");
let integ: Integrator1d;
let pool: FramePool;

beforeAll(async () => {
  writeFileSync(good, encodeCbf({ data, shape, dtype: "int32", metadata: {} }));
  // one byte of the binary section changed: the Content-MD5 no longer matches
  const bytes = readFileSync(good);
  bytes[bytes.length >> 1] ^= 0x01;
  writeFileSync(bad, bytes);
  const cal = await readPoni(fixturePath("poni", "ref_waxs.poni"));
  integ = new Integrator1d(cal, shape, {
    npt: 300,
    unit: "q_nm^-1",
    method: "bbox",
    polarizationFactor: 0.99,
    errorModel: "poisson",
    countCutoff: 2 ** 20 - 1,
  });
}, 60_000);

afterAll(() => pool?.close());

describe("FramePool: frames read, decoded and integrated on worker threads", () => {
  it("gives exactly the main thread's curve, flipped or not (the slow reference beside the fast path)", async () => {
    pool = new FramePool(2, { flipUd: false }).setup(integ);
    const ours = finishSums(integ, await pool.sums(good, 0), 2.5);
    const ref = integ.integrate(data, "int32", 2.5);
    expect(Array.from(ours.intensity)).toEqual(Array.from(ref.intensity));
    expect(Array.from(ours.sigma!)).toEqual(Array.from(ref.sigma!));
    const flipped = new FramePool(1, { flipUd: true }).setup(integ);
    try {
      const f = flipUd({ data, shape, dtype: "int32", metadata: {} });
      const a = finishSums(integ, await flipped.sums(good, 0), 1);
      expect(Array.from(a.intensity)).toEqual(Array.from(integ.integrate(f.data, "int32", 1).intensity));
    } finally {
      await flipped.close();
    }
  });

  it("a damaged frame is still caught where it is decoded: an InputError naming the file", async () => {
    const err = await pool.sums(bad, 0).catch((e: unknown) => e);
    expect(isInputError(err)).toBe(true);
    expect((err as Error).message).toMatch(/bad\.cbf: .*MD5/);
    // and the pool goes on with the next frames
    expect((await pool.sums(good, 0)).signal.length).toBe(300);
  });

  it("a frame out of range, a missing file, a frame of another shape: one InputError each", async () => {
    const other = join(dir, "other.cbf");
    writeFileSync(
      other,
      encodeCbf({ data: new Int32Array(100 * 50), shape: [100, 50], dtype: "int32", metadata: {} }),
    );
    const msg = async (file: string, frame: number) =>
      ((await pool.sums(file, frame).catch((e: unknown) => e)) as Error).message;
    expect(await msg(good, 3)).toMatch(/good\.cbf: frame 3 out of range \(file has 1\)/);
    expect(await msg(join(dir, "gone.cbf"), 0)).toMatch(/gone\.cbf/);
    expect(await msg(other, 0)).toMatch(/other\.cbf: frame 0 is 100×50, the detector's frames are 195×487/);
  });
});
