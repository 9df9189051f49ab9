/**
 * The physical floor of the integration kernel on this machine (issue 11): the bytes one frame's
 * accumulation moves (the pixel→bin matrix — entry pointers, bin indices, coefficients — plus the
 * frame itself, copied in and read) divided by the read bandwidth one core measures here, beside
 * the kernel's own time per frame (WebAssembly and the JavaScript reference, main thread).
 *
 *   node --import tsx bench/limits.ts
 *
 * Prints one JSON object.
 */
import { readPoni } from "../src/geometry/index.js";
import { frameSums, Integrator1d } from "../src/integrate/index.js";
import { fixturePath, readRefFrame } from "../test/support/fixtures.js";
import { median, round } from "./measure.js";

/** One core's read bandwidth [GB/s]: summing a 512 MB Float64Array, best of 5. */
function readBandwidthGBs(): number {
  const a = new Float64Array(64 * 2 ** 20).fill(1);
  let best = Number.POSITIVE_INFINITY;
  let sink = 0;
  for (let r = 0; r < 5; r++) {
    const t = performance.now();
    let s0 = 0;
    let s1 = 0;
    for (let i = 0; i < a.length; i += 2) {
      s0 += a[i]!;
      s1 += a[i + 1]!;
    }
    sink += s0 + s1;
    best = Math.min(best, performance.now() - t);
  }
  if (sink === 0) throw new Error("unreachable");
  return a.byteLength / 1e9 / (best / 1000);
}

const cal = await readPoni(fixturePath("pyfai", "ref_saxs.poni"));
const { data, shape } = readRefFrame("pilatus1m");
const integ = new Integrator1d(cal, shape, {
  npt: 1000,
  unit: "q_nm^-1",
  method: "bbox",
  polarizationFactor: 0.99,
  errorModel: "poisson",
});
const m = integ.matrix;
const bytes = m.ptr.byteLength + m.bins.byteLength + m.coef.byteLength + 2 * data.byteLength;
const gbs = readBandwidthGBs();
const kernelMs = (kernel: "wasm" | "js") => {
  const prep = { ...integ.framePrep("int32"), kernel };
  for (let i = 0; i < 10; i++) frameSums(m, data, prep);
  const t: number[] = [];
  for (let i = 0; i < 30; i++) {
    const s = performance.now();
    frameSums(m, data, prep);
    t.push(performance.now() - s);
  }
  return median(t);
};
const floorMs = (bytes / 1e9 / gbs) * 1000;
const wasm = kernelMs("wasm");
const js = kernelMs("js");
console.log(
  JSON.stringify(
    {
      what: "Pilatus 1M, 1000 bins, bbox: bytes one frame's accumulation moves ÷ one core's read bandwidth",
      matrix_entries: m.coef.length,
      bytes_per_frame_mb: round(bytes / 1e6),
      read_bandwidth_gb_s: round(gbs, 1),
      floor_ms_per_frame: round(floorMs),
      kernel_ms_per_frame: { wasm: round(wasm), js: round(js) },
      wasm_over_floor: round(wasm / floorMs, 1),
    },
    null,
    2,
  ),
);
