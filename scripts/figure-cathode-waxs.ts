/**
 * Figure for notes and docs: integrated WAXS of one cathode pixel of a simulated experiment through
 * the first discharge and the charge, curves offset and coloured by time (as the paper's Fig. 1c /
 * Fig. 2a), with the Li2S reflections marked. Writes an SVG (and a PNG where rsvg-convert exists).
 *   node --import tsx scripts/figure-cathode-waxs.ts SIMDIR OUT.svg
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { readFrame, readMask } from "../src/formats/index.js";
import { readPoni } from "../src/geometry/index.js";
import { Integrator1d } from "../src/integrate/index.js";

const [dir, out] = process.argv.slice(2) as [string, string];
const truth = JSON.parse(readFileSync(join(dir, "truth.json"), "utf8"));
const rows = readFileSync(join(dir, "scan.csv"), "utf8")
  .trim()
  .split("\n")
  .slice(1)
  .map((l) => l.split(","));
const waxs = rows.filter((r) => r[1] === "waxs");
// the cathode row with the most Li2S at the end of discharge
const li2s = truth.li2s_at_sod["100"].map((r: number[]) => r[0]);
const row = li2s.indexOf(Math.max(...li2s));
const y = truth.y_mm[row].toFixed(4);
const x = truth.x_mm[0].toFixed(4);
const sel = waxs
  .map((r, i) => ({ r, sod: truth.frame_sod[i] as number }))
  .filter(({ r }) => r[5] === y && r[4] === x);
const cal = await readPoni(join(dir, "waxs.poni"));
let integ: Integrator1d | null = null;
const curves: { t: string; sod: number; q: Float64Array; I: Float64Array }[] = [];
for (const { r, sod } of sel) {
  const f = await readFrame(join(dir, r[2]!));
  // the mask file, plus the hot pixels it misses (they read the counter's maximum in every frame)
  const mask = await readMask(join(dir, "waxs_mask.edf"), f.shape);
  for (let k = 0; k < mask.length; k++) if (f.data[k]! >= 1048575) mask[k] = 1;
  integ ??= new Integrator1d(cal, f.shape, { npt: 400, polarizationFactor: 0.99, mask });
  const res = integ.integrate(f.data, f.dtype, Number(r[7]) / 1e5);
  curves.push({ t: r[0]!, sod, q: res.radial, I: res.intensity });
}
const W = 900;
const H = 640;
const L = 70;
const R = 30;
const T = 40;
const B = 60;
const qMin = 17;
const qMax = 34.5;
const all = curves.flatMap((c) => Array.from(c.I).filter((_, i) => c.q[i]! >= qMin && c.q[i]! <= qMax));
const base = Math.min(...all);
const span = Math.max(...all) - base;
const offset = (span * 0.35) / Math.max(1, curves.length - 1);
const yMax = span + offset * (curves.length - 1);
const px = (q: number) => L + ((q - qMin) / (qMax - qMin)) * (W - L - R);
const py = (v: number) => H - B - ((v - base) / yMax) * (H - T - B);
const t0 = Date.parse(curves[0]!.t);
const t1 = Date.parse(curves[curves.length - 1]!.t);
const colour = (t: number) => {
  const f = (Date.parse(String(t)) - t0) / Math.max(1, t1 - t0);
  return `rgb(${Math.round(40 + 200 * f)},${Math.round(60 + 40 * Math.sin(Math.PI * f))},${Math.round(220 - 190 * f)})`;
};
const parts: string[] = [
  `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="DejaVu Sans, sans-serif" font-size="14">`,
  `<title>Integrated WAXS of a cathode pixel through discharge and charge (simulated)</title>`,
  `<rect width="${W}" height="${H}" fill="white"/>`,
  `<text x="${W / 2}" y="24" text-anchor="middle" font-size="16">Simulated WAXS, cathode pixel (row ${row}, y = ${y} mm), ${curves.length} sweeps: OCV → discharge → charge</text>`,
];
for (const q of [19.07, 22.02, 31.13, 36.6]) {
  if (q > qMax) continue;
  parts.push(
    `<line x1="${px(q)}" x2="${px(q)}" y1="${T}" y2="${H - B}" stroke="#999" stroke-dasharray="4 4"/>`,
  );
}
parts.push(
  `<text x="${px(19.07) + 4}" y="${T + 14}" fill="#555">Li2S 111</text>`,
  `<text x="${px(22.02) + 4}" y="${T + 30}" fill="#555">Li2S 200</text>`,
  `<text x="${px(31.13) + 4}" y="${T + 14}" fill="#555">Li2S 220</text>`,
);
for (const [i, c] of curves.entries()) {
  const pts: string[] = [];
  for (let k = 0; k < c.q.length; k++)
    if (c.q[k]! >= qMin && c.q[k]! <= qMax)
      pts.push(`${px(c.q[k]!).toFixed(1)},${py(c.I[k]! + i * offset).toFixed(1)}`);
  parts.push(
    `<polyline fill="none" stroke="${colour(c.t as unknown as number)}" stroke-width="1.5" points="${pts.join(" ")}"/>`,
  );
  parts.push(
    `<text x="${W - R - 2}" y="${py(c.I[c.I.length - 40]! + i * offset) - 3}" text-anchor="end" font-size="11" fill="${colour(c.t as unknown as number)}">${c.t.slice(11, 16)} UTC, SOD ${(100 * c.sod).toFixed(0)} %</text>`,
  );
}
parts.push(
  `<line x1="${L}" x2="${W - R}" y1="${H - B}" y2="${H - B}" stroke="black"/>`,
  `<line x1="${L}" x2="${L}" y1="${T}" y2="${H - B}" stroke="black"/>`,
);
for (let q = 18; q <= 34; q += 2)
  parts.push(
    `<line x1="${px(q)}" x2="${px(q)}" y1="${H - B}" y2="${H - B + 6}" stroke="black"/><text x="${px(q)}" y="${H - B + 22}" text-anchor="middle">${q}</text>`,
  );
parts.push(
  `<text x="${(L + W - R) / 2}" y="${H - 14}" text-anchor="middle">q (nm⁻¹)</text>`,
  `<text transform="translate(20 ${(T + H - B) / 2}) rotate(-90)" text-anchor="middle">intensity per monitor, offset by sweep</text>`,
  "</svg>",
);
writeFileSync(out, parts.join("\n"));
const png = out.replace(/\.svg$/, ".png");
const r = spawnSync("rsvg-convert", ["-o", png, out]);
process.stderr.write(
  r.status === 0 ? `wrote ${out} and ${png}\n` : `wrote ${out} (no rsvg-convert: no PNG)\n`,
);
