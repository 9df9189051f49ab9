/**
 * Writers for one integrated curve: CSV (a header row, then radial, intensity, sigma) and the
 * pyFAI-style `.xy`/`.dat` text (commented header with the calibration, then columns). Both are
 * written to a temporary name and renamed, so a failed run never leaves a file that looks complete.
 */
import { rename, writeFile } from "node:fs/promises";
import type { Calibration } from "../geometry/index.js";
import type { Result1d } from "../integrate/index.js";

/** Shortest text that reads back to the same double. */
const num = (v: number) => (Number.isFinite(v) ? String(v) : "nan");

export function curveCsv(res: Result1d): string {
  const head = res.sigma ? `${res.unit.name},intensity,sigma` : `${res.unit.name},intensity`;
  const lines = [head];
  for (let i = 0; i < res.radial.length; i++) {
    const row = [num(res.radial[i]!), num(res.intensity[i]!)];
    if (res.sigma) row.push(num(res.sigma[i]!));
    lines.push(row.join(","));
  }
  return `${lines.join("\n")}\n`;
}

export function curveXy(res: Result1d, cal: Calibration, info: Record<string, string>): string {
  const e = (v: number) => v.toExponential(6);
  const lines = [
    "# == pyFAI calibration ==",
    `# Detector: ${cal.detector.name}\t PixelSize= ${e(cal.detector.pixel1M)}, ${e(cal.detector.pixel2M)} m`,
    `# Distance Sample to Detector: ${cal.distM} m`,
    `# PONI: ${e(cal.poni1M)}, ${e(cal.poni2M)} m`,
    `# Rotations: ${cal.rot1Rad.toFixed(6)} ${cal.rot2Rad.toFixed(6)} ${cal.rot3Rad.toFixed(6)} rad`,
    `# Wavelength: ${cal.wavelengthM} m`,
    "# == Integration (operando-swaxs) ==",
    ...Object.entries(info).map(([k, v]) => `# ${k}: ${v}`),
    `#${["", res.unit.name, "I", ...(res.sigma ? ["sigma"] : [])].join(" ".repeat(8))}`,
  ];
  for (let i = 0; i < res.radial.length; i++) {
    const cols = [res.radial[i]!, res.intensity[i]!, ...(res.sigma ? [res.sigma[i]!] : [])];
    lines.push(cols.map((v) => (Number.isFinite(v) ? v.toExponential(9) : "nan").padStart(18)).join(" "));
  }
  return `${lines.join("\n")}\n`;
}

/** Write text atomically: temporary name in the same folder, then rename. */
export async function writeAtomic(path: string, text: string): Promise<void> {
  const tmp = `${path}.partial-${process.pid}`;
  await writeFile(tmp, text);
  await rename(tmp, path);
}
