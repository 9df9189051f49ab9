/**
 * The report's "Cell design" section (issue 15): the numbers a cell is designed by, computed here by
 * design/ from the inputs run.json `design.inputs` records (the config's `design:` block): the
 * spring's force, stack pressure and compression, the beam path's transmission at the beam energy
 * and at Cu Kα, and the pore contrast ratio of the SAXS argument with its stated assumption. Each
 * number carries its full value in `data-value` (and its name in `data-design`) for tests and tools.
 * Without the block the section says how to add it.
 */
import { type CellDesignInputs, cellDesign, wavelengthA } from "../design/index.js";
import { esc } from "../plot/index.js";
import { readRunJson } from "../results/index.js";
import { sig } from "./labels.js";

/** `digits` significant figures, trailing zeros kept (4.40 mm, not 4.4); sig's exponents outside 1e-3…1e5. */
const fix = (v: number, digits: number) =>
  Math.abs(v) >= 1e-3 && Math.abs(v) < 1e5 ? v.toPrecision(digits) : sig(v, digits);

/** A number as a table cell: shown to `digits` significant figures, the full value in data-value. */
const num = (key: string, v: number, digits = 4, unit = "") =>
  `<td data-design="${esc(key)}" data-value="${v}">${esc(fix(v, digits))}${unit ? ` ${esc(unit)}` : ""}</td>`;

const HOW_TO = `<p>No <code>design:</code> block in the experiment's config. Add one to see the cell's design numbers here (the spring's force and stack pressure, the beam path's transmission at the beam energy and at Cu Kα, and the pore contrast), e.g. the paper's cell:</p>
<pre>design:
  spring_k_n_per_mm: 28.42   # DIN 2098 spring
  area_mm2: 5                # 1 × 5 mm stack
  pressure_mpa: 25           # or compression_mm
  energy_kev: 16
  stack: [{material: PEEK, thickness_mm: 0.5}, {material: cathode, density_g_cm3: 1.82, thickness_mm: 1}, {material: PEEK, thickness_mm: 0.5}]</pre>
<p>(or <code>stack: stack.yaml</code>, the file <code>swaxs design transmission --stack</code> reads; the pore contrast takes the <code>saxs:</code> block's phases). See docs/config.md.</p>`;

/** The section's HTML (with its heading) for a results folder. */
export function designSectionHtml(dir: string): string {
  const rec = readRunJson(dir).design as { inputs?: CellDesignInputs } | undefined;
  const head = `<h2 id="cell-design">Cell design</h2>`;
  if (!rec?.inputs) return `${head}\n${HOW_TO}`;
  const inputs = rec.inputs;
  const r = cellDesign(inputs);
  const parts: string[] = [head];
  parts.push(
    `<p>Computed by <code>swaxs design</code>'s functions from the config's <code>design:</code> block (run.json <code>design.inputs</code>); the same numbers as <code>swaxs design pressure|transmission|contrast</code> with these inputs.</p>`,
  );
  const p = r.pressure;
  if (p) {
    const s = inputs.spring!;
    parts.push(`<h3 id="design-pressure">Spring and stack pressure</h3>
<table><tr><th>spring rate</th><th>stack area</th><th>friction loss</th><th>force on the stack</th><th>stack pressure</th><th>spring compression</th></tr>
<tr>${num("spring_k_n_per_mm", s.spring_k_n_per_mm, 4, "N/mm")}${num("area_mm2", s.area_mm2, 3, "mm²")}${num("friction", p.friction, 3)}${num("force_n", p.force_n, 3, "N")}${num("pressure_mpa", p.pressure_mpa, 3, "MPa")}${num("compression_mm", p.compression_mm, 3, "mm")}</tr></table>
<p>F = k·x·(1 − friction), pressure = F / area (${s.pressure_mpa !== undefined ? "the compression that gives the stated pressure" : "from the stated compression"}).${p.notes.map((n) => ` <b>Note:</b> ${esc(n)}.`).join("")}</p>`);
  }
  const t = r.transmission;
  if (t) {
    const eBeam = t.beam.energy_kev;
    const eCu = t.cu_ka.energy_kev;
    const rows = t.beam.layers
      .map((l, i) => {
        const c = t.cu_ka.layers[i]!;
        return `<tr><td>${esc(l.material)}</td>${num(`layer${i}_density_g_cm3`, l.density_g_cm3, 3, "g/cm³")}${num(`layer${i}_thickness_mm`, l.thickness_mm, 3, "mm")}${num(`layer${i}_mu_per_cm_beam`, l.mu_per_cm, 4)}${num(`layer${i}_transmission_beam`, l.transmission, 3)}${num(`layer${i}_optimum_mm_beam`, l.optimum_thickness_mm, 3, "mm")}${num(`layer${i}_mu_per_cm_cu_ka`, c.mu_per_cm, 4)}${num(`layer${i}_transmission_cu_ka`, c.transmission, 3)}</tr>`;
      })
      .join("");
    parts.push(`<h3 id="design-transmission">Transmission of the beam path</h3>
<table><tr><th>layer</th><th>density</th><th>thickness</th><th>μ at ${esc(sig(eBeam, 4))} keV [1/cm]</th><th>T at ${esc(sig(eBeam, 4))} keV</th><th>1/μ at ${esc(sig(eBeam, 4))} keV</th><th>μ at Cu Kα [1/cm]</th><th>T at Cu Kα</th></tr>${rows}
<tr><th>whole path</th><td></td><td></td><td></td>${num("transmission_beam", t.beam.transmission, 3)}<td></td><td></td>${num("transmission_cu_ka", t.cu_ka.transmission, 3)}</tr></table>
<p>T = exp(−Σ μ_i t_i), μ = ρ Σ w_i (μ/ρ)_i with Elam's μ/ρ (the tables of python3-xraydb), at the beam's ${esc(sig(eBeam, 4))} keV (λ = ${esc(sig(wavelengthA(eBeam), 5))} Å) and at the Cu Kα line (${esc(sig(eCu, 4))} keV, λ = ${esc(sig(wavelengthA(eCu), 5))} Å). 1/μ is the thickness at which transmission SAXS/WAXS scatters most (t·e^−μt largest).${inputs.stack_file ? ` Layers from ${esc(inputs.stack_file)}.` : ""}</p>`);
  }
  const c = r.contrast;
  const conv = c.conversions[0];
  const phaseRow = (
    role: string,
    key: string,
    ph: { formula: string; density_g_cm3: number; electron_density_e_A3: number; sld_1e_6_A2: number },
    ratio?: number,
  ) =>
    `<tr><td>${esc(role)}</td><td>${esc(ph.formula)}</td>${num(`${key}_density_g_cm3`, ph.density_g_cm3, 3, "g/cm³")}${num(`${key}_electron_density_e_A3`, ph.electron_density_e_A3, 4)}${num(`${key}_sld_1e_6_A2`, ph.sld_1e_6_A2, 4)}${ratio === undefined ? "<td></td>" : num(`${key}_ratio_to_empty`, ratio, 3)}</tr>`;
  parts.push(`<h3 id="design-contrast">Pore contrast (the paper's factor 0.75)</h3>
<table><tr><th>role</th><th>phase</th><th>density</th><th>ρe [e/Å³]</th><th>SLD [10⁻⁶ Å⁻²]</th><th>(Δρ)² pores full ÷ pores empty</th></tr>
${phaseRow("matrix", "matrix", c.matrix)}${c.fillings.map((f, i) => phaseRow(i === 0 ? "pores filled with" : "converted to", i === 0 ? "from" : "to", f, f.ratio_to_empty)).join("")}</table>
${
  conv
    ? `<table><tr><th>conversion</th><th>pore fill before → after</th><th>(Δρ)² after ÷ before, pores as filled</th><th>(Δρ)² after ÷ before, pores completely full</th></tr>
<tr><td>${esc(`${conv.from} → ${conv.to}`)}</td><td>${esc(`${sig(conv.pore_fill, 3)} → ${sig(conv.pore_fill_after, 3)}${conv.overflows ? " (overflows)" : ""}`)}</td>${num("contrast_ratio", conv.ratio, 3)}${num("contrast_ratio_full_pores", conv.ratio_full_pores, 3)}</tr></table>
<p><b>Assumption:</b> ${esc(c.assumption)}. The paper's factor 0.75 is the first ratio with its phases and a pore fill of 0.25; pores completely full of ${esc(conv.from)} would instead see the contrast grow on conversion (second ratio). Electron densities alone (no f′).</p>`
    : ""
}`);
  return parts.join("\n");
}
