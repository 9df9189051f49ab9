/**
 * `xye/<det>_<region>_sweep<N>.xye` for Rietveld programs (GSAS-II, TOPAS, FullProf): each region's
 * mean reduced curve per sweep — the same numbers as the NXcanSAS export (write/cansas.ts) and the
 * WAXS peak fits use — as three whitespace-separated columns x, I, σ, for every detector.
 *
 * x is 2θ [deg] by default, from q and the detector's wavelength (PONI):
 *   2θ = 2·asin(q·λ / 4π)   (q in 1/nm, λ in nm; pyFAI units.py `q_nm^-1` ↔ `2th_deg`),
 * or q [1/nm] with `export: {xye: {x: q_nm}}`. Bins without data (NaN) are left out, as the programs
 * read every line as a point. A `#` header names the wavelength, region, sweep, time and SOD.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { isoUtc } from "../../echem/index.js";
import { readPoni } from "../../geometry/index.js";
import { fmt, resultPath } from "../../results/index.js";
import { PROGRAM, VERSION } from "../../util/index.js";
import type { RunContext } from "../context.js";

/** The detector's axis as q [1/nm] and 2θ [deg] (from its unit and the wavelength λ [m]). */
export function qAndTwoTheta(
  radial: Float64Array,
  unit: string,
  wavelengthM: number,
): { qNm: Float64Array; tthDeg: Float64Array } {
  const lambdaNm = wavelengthM * 1e9;
  const deg = 180 / Math.PI;
  if (unit.startsWith("2th")) {
    const tthRad = unit === "2th_deg" ? radial.map((x) => x / deg) : radial;
    return {
      qNm: tthRad.map((t) => ((4 * Math.PI) / lambdaNm) * Math.sin(t / 2)),
      tthDeg: tthRad.map((t) => t * deg),
    };
  }
  const qNm = unit === "q_A^-1" ? radial.map((q) => q * 10) : radial;
  return { qNm, tthDeg: qNm.map((q) => 2 * Math.asin((q * lambdaNm) / (4 * Math.PI)) * deg) };
}

/** One curve as .xye text: the header, then `x I σ` per finite bin. */
export function xyeText(
  header: string[],
  x: ArrayLike<number>,
  y: ArrayLike<number>,
  e: ArrayLike<number>,
): string {
  const lines = header.map((h) => `# ${h}`);
  for (let j = 0; j < x.length; j++) {
    const row = [x[j]!, y[j]!, e[j]!];
    if (row.every(Number.isFinite)) lines.push(row.map(fmt).join(" "));
  }
  return `${lines.join("\n")}\n`;
}

export async function writeXye(c: RunContext): Promise<void> {
  const { log, clock } = c;
  const xq = c.cfg.exportXye.x === "q_nm";
  for (const d of c.dets) {
    const det = c.cfg.detectors[d.name]!;
    const wavelengthM = (await readPoni(det.poni)).wavelengthM;
    const { qNm, tthDeg } = qAndTwoTheta(d.radial, d.unit, wavelengthM);
    const x = xq ? qNm : tthDeg;
    for (const [region, sweeps] of c.streams.get(d.name)!.regions)
      for (const s of sweeps) {
        const header = [
          `${PROGRAM} ${VERSION}: ${d.name}, region ${region}, sweep ${s.sweep} (mean of ${s.frames.length} frames)`,
          `time ${isoUtc(log.timeS[s.mid]!)}  SOD ${fmt(clock.sodcPct[s.mid]!)} %`,
          `wavelength ${fmt(wavelengthM * 1e10)} angstrom (${fmt(wavelengthM * 1e9)} nm)`,
          `columns: ${xq ? "q [1/nm]" : "2theta [deg]"}, intensity [arbitrary], sigma`,
        ];
        await writeFile(
          join(c.tmp, resultPath.xye(d.name, region, s.sweep)),
          xyeText(header, x, s.raw, s.sigma),
        );
      }
  }
}
