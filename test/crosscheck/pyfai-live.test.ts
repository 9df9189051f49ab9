/**
 * Live cross-check against Debian's pyFAI 0.21.3 on configurations the committed golden files do not
 * cover: units 2th_deg and q_A^-1, explicit radial ranges, a user mask, dark, flat and a
 * normalisation factor. Runs where python3-pyfai is installed (always under CI).
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readPoni } from "../../src/geometry/index.js";
import { type Integrate1dOptions, Integrator1d } from "../../src/integrate/index.js";
import { fixturePath, fractionWithin, readRefFrame } from "../support/fixtures.js";
import { pythonWith, runPython, toolAvailable } from "../support/tools.js";

const py = pythonWith(["pyFAI", "numpy"]);
const run = toolAvailable("python3-pyfai", py !== null);

const PY = `
import gzip, json, sys
import numpy as np, pyFAI
fix, tmp, cfg = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
ai = pyFAI.load(fix + "/pyfai/ref_waxs.poni")
frame = np.frombuffer(gzip.open(fix + "/pyfai/ref_frame_pilatus100k.bin.gz").read(), "<i4").reshape(195, 487)
mask = np.fromfile(tmp + "/mask.u8", np.uint8).reshape(195, 487) | ai.detector.mask
dark = np.fromfile(tmp + "/dark.f32", np.float32).reshape(195, 487)
flat = np.fromfile(tmp + "/flat.f32", np.float32).reshape(195, 487)
rr = tuple(cfg["range"]) if cfg["range"] else None
r = ai.integrate1d(frame, cfg["npt"], unit=cfg["unit"], method=(cfg["method"], "csr" if cfg["method"] != "no" else "histogram", "cython"),
    correctSolidAngle=True, polarization_factor=cfg["pol"], error_model="poisson", mask=mask,
    dark=dark if cfg["dark"] else None, flat=flat if cfg["flat"] else None,
    radial_range=rr, normalization_factor=cfg["nf"])
print(json.dumps({"radial": r.radial.tolist(), "I": r.intensity.tolist(), "sigma": r.sigma.tolist()}))
`;

interface Cfg {
  npt: number;
  unit: "2th_deg" | "q_A^-1" | "q_nm^-1";
  method: "no" | "bbox" | "full";
  range: [number, number] | null;
  pol: number | null;
  dark: boolean;
  flat: boolean;
  nf: number;
}

const CONFIGS: Cfg[] = [
  { npt: 500, unit: "2th_deg", method: "bbox", range: [13, 23], pol: null, dark: true, flat: true, nf: 3 },
  { npt: 300, unit: "q_A^-1", method: "full", range: null, pol: 0.95, dark: false, flat: true, nf: 1 },
  { npt: 400, unit: "q_nm^-1", method: "no", range: [18, 30], pol: 0.99, dark: true, flat: false, nf: 0.5 },
  {
    npt: 1000,
    unit: "q_nm^-1",
    method: "bbox",
    range: [17.5, 33],
    pol: 0.99,
    dark: false,
    flat: false,
    nf: 1,
  },
];

describe.skipIf(!run)("live cross-check with pyFAI 0.21.3 (WAXS frame)", () => {
  const tmp = mkdtempSync(join(tmpdir(), "swaxs-pyfai-"));
  const n = 195 * 487;
  const mask = new Uint8Array(n);
  const dark = new Float32Array(n);
  const flat = new Float32Array(n);
  for (let k = 0; k < n; k++) {
    const d1 = Math.floor(k / 487);
    const d2 = k % 487;
    mask[k] = d1 >= 60 && d1 < 70 && d2 >= 100 && d2 < 180 ? 1 : 0;
    dark[k] = (d1 + d2) % 7 === 0 ? 2 : 0.5;
    flat[k] = 1 + 0.1 * Math.sin(d2 / 9) + 0.05 * Math.cos(d1 / 5);
  }
  writeFileSync(join(tmp, "mask.u8"), mask);
  writeFileSync(join(tmp, "dark.f32"), dark);
  writeFileSync(join(tmp, "flat.f32"), flat);

  it.each(CONFIGS)("$unit $method range=$range pol=$pol dark=$dark flat=$flat nf=$nf", async (cfg) => {
    const ref = JSON.parse(runPython(py!, PY, [fixturePath(), tmp, JSON.stringify(cfg)])) as {
      radial: number[];
      I: number[];
      sigma: number[];
    };
    const cal = await readPoni(fixturePath("pyfai", "ref_waxs.poni"));
    const frame = readRefFrame("pilatus100k");
    const opts: Integrate1dOptions = {
      npt: cfg.npt,
      unit: cfg.unit,
      method: cfg.method,
      radialRange: cfg.range,
      polarizationFactor: cfg.pol,
      errorModel: "poisson",
      mask,
      dark: cfg.dark ? dark : null,
      flat: cfg.flat ? flat : null,
    };
    const res = new Integrator1d(cal, frame.shape, opts).integrate(frame.data, "int32", cfg.nf);
    expect(fractionWithin(res.radial, ref.radial, 1e-6)).toBe(1);
    const tolI = cfg.method === "full" ? 1e-4 : 1e-6;
    expect(fractionWithin(res.intensity, ref.I, tolI)).toBeGreaterThanOrEqual(0.99);
    expect(fractionWithin(res.sigma!, ref.sigma, cfg.method === "full" ? 1e-4 : 1e-6)).toBeGreaterThanOrEqual(
      0.99,
    );
  });
});

describe.skipIf(!run)("pixel corners vs pyFAI Detector.get_pixel_corners (Pilatus 100k)", () => {
  it("(z, y, x) of the 4 corners of every pixel agree exactly (float32)", async () => {
    const { pixelCorners } = await import("../../src/geometry/index.js");
    const cal = await readPoni(fixturePath("pyfai", "ref_waxs.poni"));
    const ours = pixelCorners(cal, [195, 487]);
    const hex = runPython(
      py!,
      "import pyFAI, sys; sys.stdout.write(pyFAI.detector_factory('Pilatus100k').get_pixel_corners().astype('<f4').tobytes().hex())",
    );
    const ref = new Float32Array(Buffer.from(hex, "hex").buffer.slice(0));
    expect(ref.length).toBe(ours.length);
    let diff = 0;
    for (let k = 0; k < ref.length; k++) diff = Math.max(diff, Math.abs(ref[k]! - ours[k]!));
    expect(diff).toBe(0);
  });
});
