import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { swaxs } from "../../test/support/cli.js";
import {
  fixturePath,
  fractionWithin,
  readCsvTable,
  readFixture,
  readRefFrame,
} from "../../test/support/fixtures.js";
import { pearson } from "../../test/support/stats.js";
import { openH5 } from "../formats/h5.js";
import { writeCbf, writeEdf } from "../formats/index.js";

const tmp = mkdtempSync(join(tmpdir(), "swaxs-cli-"));
const ceo2 = join(tmp, "CeO2_Pilatus1M.tif");
writeFileSync(ceo2, readFixture("ceo2", "CeO2_Pilatus1M.tif.gz"));
const ceo2Poni = fixturePath("ceo2", "CeO2_Pilatus1M.poni");

function readCurve(path: string) {
  const rows = readFileSync(path, "utf8")
    .trim()
    .split("\n")
    .slice(1)
    .map((l) => l.split(",").map(Number));
  return { q: rows.map((r) => r[0]!), I: rows.map((r) => r[1]!), sigma: rows.map((r) => r[2]!) };
}

// Reference: pyFAI 0.21.3 on flipud(CeO2 image), mask = image < 0, radial_range (0, 83) nm⁻¹, 1000 bins,
// Poisson errors, solid angle, no polarisation (test/fixtures/ceo2, made by the shared tools).
describe("swaxs integrate on the real CeO2 Pilatus 1M image (Dioptas PONI, flipped)", () => {
  it.each([
    ["bbox", "CeO2_Pilatus1M.tif.pyfai_q_nm.csv"],
    ["no", "CeO2_Pilatus1M.tif.pyfai_q_nm_nosplit.csv"],
  ])(
    "--method %s agrees with pyFAI (%s): ≥99 percent of bins within 1e-3 in I, 1e-2 in σ; q within 1e-6",
    (method, refName) => {
      const out = join(tmp, `ceo2_${method}.csv`);
      const r = swaxs(
        "integrate",
        ceo2,
        "--poni",
        ceo2Poni,
        "--flip-ud",
        "--radial-range",
        "0:83",
        "--method",
        method,
        "--out",
        out,
      );
      expect(r.code, r.stderr).toBe(0);
      const ours = readCurve(out);
      const ref = readCsvTable("ceo2", refName);
      expect(ours.q.length).toBe(1000);
      expect(
        fractionWithin(
          ours.q,
          ref.map((x) => x[0]!),
          1e-6,
        ),
      ).toBe(1);
      expect(
        fractionWithin(
          ours.I,
          ref.map((x) => x[1]!),
          1e-3,
        ),
      ).toBeGreaterThanOrEqual(0.99);
      expect(
        fractionWithin(
          ours.sigma,
          ref.map((x) => x[2]!),
          1e-2,
        ),
      ).toBeGreaterThanOrEqual(0.99);
      // the CeO2 111 reflection (20.11 nm⁻¹) is the strongest peak
      const peak = ours.I.indexOf(Math.max(...ours.I));
      expect(ours.q[peak]).toBeGreaterThan(19.9);
      expect(ours.q[peak]).toBeLessThan(20.3);
    },
  );

  it("without --flip-ud the Dioptas calibration does not fit: the curve is unlike pyFAI's", () => {
    const out = join(tmp, "ceo2_noflip.csv");
    expect(swaxs("integrate", ceo2, "--poni", ceo2Poni, "--radial-range", "0:83", "--out", out).code).toBe(0);
    const ref = readCsvTable("ceo2", "CeO2_Pilatus1M.tif.pyfai_q_nm.csv").map((x) => x[1]!);
    expect(pearson(readCurve(out).I, ref)).toBeLessThan(0.5);
  });

  it(".xy output has a commented pyFAI-style header and three columns", () => {
    const out = join(tmp, "ceo2.xy");
    expect(
      swaxs(
        "integrate",
        ceo2,
        "--poni",
        ceo2Poni,
        "--flip-ud",
        "--npt",
        "500",
        "--unit",
        "2th_deg",
        "--out",
        out,
      ).code,
    ).toBe(0);
    const lines = readFileSync(out, "utf8").trim().split("\n");
    expect(lines[0]).toBe("# == pyFAI calibration ==");
    const data = lines.filter((l) => !l.startsWith("#"));
    expect(data.length).toBe(500);
    expect(data[0]!.trim().split(/\s+/).length).toBe(3);
  });
});

describe("swaxs integrate, many frames → NeXus", () => {
  it("writes one row per frame with q, I and I_errors, each row equal to the single-frame result", async () => {
    const { data, shape } = readRefFrame("pilatus100k");
    const files = [0, 1, 2].map((i) => join(tmp, `waxs_${i}.cbf`));
    for (const [i, f] of files.entries())
      await writeCbf(f, {
        data: Int32Array.from(data, (v) => (v < 0 ? v : v * (i + 1))),
        shape,
        dtype: "int32",
        metadata: {},
      });
    const poni = fixturePath("pyfai", "ref_waxs.poni");
    const out = join(tmp, "waxs.nxs");
    const r = swaxs(
      "integrate",
      ...files,
      "--poni",
      poni,
      "--npt",
      "200",
      "--polarization",
      "0.99",
      "--out",
      out,
    );
    expect(r.code, r.stderr).toBe(0);
    const single = join(tmp, "waxs_2.csv");
    expect(
      swaxs("integrate", files[2]!, "--poni", poni, "--npt", "200", "--polarization", "0.99", "--out", single)
        .code,
    ).toBe(0);
    const ref = readCurve(single);
    const h5 = await openH5(out);
    try {
      const I = h5.get("entry/data/I") as unknown as { shape: number[]; value: Float64Array };
      const E = h5.get("entry/data/I_errors") as unknown as { value: Float64Array };
      const q = h5.get("entry/data/q") as unknown as { value: Float64Array };
      expect(I.shape).toEqual([3, 200]);
      expect(Array.from(q.value)).toEqual(ref.q);
      expect(Array.from(I.value.slice(400, 600))).toEqual(ref.I);
      expect(Array.from(E.value.slice(400, 600))).toEqual(ref.sigma);
      // frame i is frame 0 scaled by i+1
      expect(I.value[100 + 200]).toBeCloseTo(2 * I.value[100]!, 9);
    } finally {
      h5.close();
    }
  });
});

describe("swaxs inspect", () => {
  it("--json gives shape, dtype, frames, sum, min, max as another reader sees them", () => {
    const r = swaxs("inspect", ceo2, "--json");
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    const ref = JSON.parse(readFixture("ceo2", "CeO2_Pilatus1M.tif.decoded_stats.json").toString());
    expect(j.shape).toEqual(ref.shape);
    expect(j.dtype).toBe(ref.dtype);
    expect(j.frames).toBe(1);
    expect(j.sum).toBe(ref.sum);
    expect(j.min).toBe(ref.min);
    expect(j.max).toBe(ref.max);
  });
});

describe("swaxs inspect on an Eiger bitshuffle-LZ4 stack", () => {
  const file = fixturePath("hdf5", "eiger_bslz4_u16.h5");
  const expected = JSON.parse(readFixture("hdf5", "expected.json").toString()).files["eiger_bslz4_u16.h5"]
    .datasets["/entry/data/data"];

  it("--dataset and --frame pick the frame; statistics equal h5py's", () => {
    const r = swaxs("inspect", file, "--dataset", "/entry/data/data", "--frame", "1", "--json");
    expect(r.code, r.stderr).toBe(0);
    const j = JSON.parse(r.stdout);
    expect(j.format).toBe("hdf5");
    expect(j.frames).toBe(expected.frames.length);
    expect(j.dtype).toBe("uint16");
    expect([j.sum, j.min, j.max]).toEqual([
      expected.frames[1].sum,
      expected.frames[1].min,
      expected.frames[1].max,
    ]);
    expect(j.datasets.length).toBeGreaterThan(0);
  });

  it("a frame out of range is one line, exit 2", () => {
    const r = swaxs("inspect", file, "--frame", "99");
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/eiger_bslz4_u16\.h5: --frame 99 out of range/);
  });
});

describe("bad input: one line on stderr naming the file, exit code 2, no output left", () => {
  const poni = fixturePath("pyfai", "ref_waxs.poni");
  it.each([
    ["a missing frame file", () => [join(tmp, "nope.cbf")], "nope.cbf"],
    ["a text file", () => [fixturePath("pyfai", "ref_waxs.poni")], "ref_waxs.poni"],
    [
      "a truncated CBF",
      () => {
        const good = readFileSync(join(tmp, "waxs_0.cbf"));
        const bad = join(tmp, "truncated.cbf");
        writeFileSync(bad, good.subarray(0, good.length >> 1));
        return [bad];
      },
      "truncated.cbf",
    ],
  ])("%s", (_what, files, name) => {
    const out = join(tmp, "never.csv");
    const r = swaxs("integrate", ...files(), "--poni", poni, "--out", out);
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split("\n");
    expect(lines.length).toBe(1);
    expect(lines[0]).toContain(name);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(() => readFileSync(out)).toThrow();
  });

  it("a missing PONI file: one plain line, not Node's ENOENT", () => {
    const out = join(tmp, "never.csv");
    const r = swaxs("integrate", join(tmp, "waxs_0.cbf"), "--poni", join(tmp, "nope.poni"), "--out", out);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^swaxs: .*nope\.poni: no such PONI file$/);
    expect(() => readFileSync(out)).toThrow();
  });

  it("a mask of the wrong shape", async () => {
    const mask = join(tmp, "small_mask.edf");
    await writeEdf(mask, { data: new Uint8Array(20), shape: [4, 5], dtype: "uint8", metadata: {} });
    const r = swaxs(
      "integrate",
      join(tmp, "waxs_0.cbf"),
      "--poni",
      poni,
      "--mask",
      mask,
      "--out",
      join(tmp, "m.csv"),
    );
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/small_mask\.edf: mask is 4×5, frames are 195×487/);
  });

  it("several frames into a CSV", () => {
    const r = swaxs(
      "integrate",
      join(tmp, "waxs_0.cbf"),
      join(tmp, "waxs_1.cbf"),
      "--poni",
      poni,
      "--out",
      join(tmp, "x.csv"),
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/2 frames need an HDF5 output/);
  });

  it("a usage error", () => {
    expect(swaxs("integrate", join(tmp, "waxs_0.cbf"), "--out", join(tmp, "x.csv")).code).toBe(2);
  });
});
