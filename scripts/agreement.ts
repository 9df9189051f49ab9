/**
 * Measured agreement with pyFAI 0.21.3 on every committed reference, as JSON (for notes and reviews):
 *   node --import tsx scripts/agreement.ts
 * max_rel: largest relative deviation over bins with a nonzero reference; within_1e-6 / within_1e-3:
 * fraction of bins inside that tolerance.
 */
import { readFrame } from "../src/formats/index.js";
import { flipUd, invalidPixelMask } from "../src/formats/invalid.js";
import { readPoni } from "../src/geometry/index.js";
import { Integrator1d, Integrator2d, type SplitMethod } from "../src/integrate/index.js";
import {
  fixturePath,
  fractionWithin,
  maxRelDev,
  readCsvTable,
  readFixture,
  readRefFrame,
} from "../test/support/fixtures.js";

const r = (x: number) => Number(x.toPrecision(3));
function compare(a: ArrayLike<number>, b: number[]) {
  return {
    max_rel: r(maxRelDev(a, b)),
    "within_1e-6": r(fractionWithin(a, b, 1e-6)),
    "within_1e-3": r(fractionWithin(a, b, 1e-3)),
  };
}
const col = (rows: number[][], c: number) => rows.map((x) => x[c]!);
const out: Record<string, unknown> = {};

for (const [name, tag] of [
  ["saxs", "pilatus1m"],
  ["waxs", "pilatus100k"],
] as const) {
  const cal = await readPoni(fixturePath("pyfai", `ref_${name}.poni`));
  const { data, shape } = readRefFrame(tag);
  for (const method of ["bbox", "no", "full"] as SplitMethod[]) {
    const integ = new Integrator1d(cal, shape, {
      npt: 1000,
      method,
      polarizationFactor: 0.99,
      errorModel: "poisson",
    });
    const res = integ.integrate(data, "int32");
    const ref = readCsvTable("pyfai", `ref_${name}_${method}.csv`);
    out[`${name}_${method}`] = {
      nnz: integ.matrix.coef.length,
      q: compare(res.radial, col(ref, 0)),
      I: compare(res.intensity, col(ref, 1)),
      sigma: compare(res.sigma!, col(ref, 2)),
    };
  }
}
{
  const cal = await readPoni(fixturePath("pyfai", "ref_waxs.poni"));
  const { data, shape } = readRefFrame("pilatus100k");
  for (const method of ["bbox", "no"] as const) {
    const ref = JSON.parse(readFixture("pyfai", `ref_waxs_2d_${method}.json`).toString());
    const res = new Integrator2d(cal, shape, {
      nptRad: 100,
      nptAzim: 36,
      method,
      polarizationFactor: 0.99,
      errorModel: "poisson",
    }).integrate(data, "int32");
    out[`waxs_2d_${method}`] = {
      I: compare(res.intensity, ref.intensity.flat()),
      sigma: compare(res.sigma!, ref.sigma.flat()),
    };
  }
}
{
  const cal = await readPoni(fixturePath("ceo2", "CeO2_Pilatus1M.poni"));
  const frame = flipUd(await readFrame(fixturePath("ceo2", "CeO2_Pilatus1M.tif.gz")));
  for (const [method, file] of [
    ["bbox", "pyfai_q_nm.csv"],
    ["no", "pyfai_q_nm_nosplit.csv"],
  ] as const) {
    const integ = new Integrator1d(cal, frame.shape, {
      npt: 1000,
      method,
      radialRange: [0, 83],
      errorModel: "poisson",
      mask: invalidPixelMask(frame),
    });
    const res = integ.integrate(frame.data, frame.dtype);
    const ref = readCsvTable("ceo2", `CeO2_Pilatus1M.tif.${file}`);
    out[`ceo2_${method}`] = {
      q: compare(res.radial, col(ref, 0)),
      I: compare(res.intensity, col(ref, 1)),
      sigma: compare(res.sigma!, col(ref, 2)),
    };
  }
}
console.log(JSON.stringify(out, null, 1));
