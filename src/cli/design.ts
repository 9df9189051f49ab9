/**
 * `swaxs design pressure|transmission|contrast` and `swaxs phases` (issue 15): the cell's design
 * numbers before a beamtime. Registered by `registerDesign`; the work (design/, physics tables) is
 * loaded only when a command runs. `--json` prints one JSON object; otherwise a few plain lines.
 */
import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import type { LayerSpec } from "../design/index.js";
import { InputError } from "../util/errors.js";

const collect = (v: string, prev: string[] = []) => [...prev, v];

/** A number from a flag, or undefined when the flag is absent; anything else is one-line bad input. */
function num(v: string | undefined, flag: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (v.trim() === "" || !Number.isFinite(n))
    throw new InputError("", `${flag} must be a number, got "${v}"`);
  return n;
}

const say = (s: string): void => {
  process.stdout.write(`${s}\n`);
};
const json = (o: unknown): void => say(JSON.stringify(o, null, 2));
/** Significant figures for the plain-text lines. */
const g = (v: number, n = 4) =>
  v === 0
    ? "0"
    : Math.abs(v) >= 1e-3 && Math.abs(v) < 1e6
      ? String(+v.toPrecision(n))
      : v.toExponential(n - 1);

export function registerDesign(program: Command): void {
  const design = program
    .command("design")
    .description("cell and beamtime design numbers: spring pressure, transmission, SAXS pore contrast");

  design
    .command("pressure")
    .description(
      "stack force and pressure of a spring-loaded cell, from the compression or the pressure wanted",
    )
    .requiredOption("--spring-k <N_per_mm>", "spring rate [N/mm] (the paper's: 28.42)")
    .requiredOption("--area-mm2 <A>", "stack cross-section [mm²] (the paper's: 1 × 5 = 5)")
    .option("--compression-mm <x>", "spring compression [mm]")
    .option("--pressure-mpa <P>", "or: stack pressure wanted [MPa] (the paper's: 25)")
    .option("--friction <f>", "fraction of the spring force lost to friction (0 ≤ f < 1)", "0")
    .option("--json", "print a JSON object")
    .action(async (o) => {
      const { springPressure } = await import("../design/index.js");
      const r = springPressure({
        springKNPerMm: num(o.springK, "--spring-k")!,
        areaMm2: num(o.areaMm2, "--area-mm2")!,
        ...(o.compressionMm !== undefined && { compressionMm: num(o.compressionMm, "--compression-mm")! }),
        ...(o.pressureMpa !== undefined && { pressureMpa: num(o.pressureMpa, "--pressure-mpa")! }),
        friction: num(o.friction, "--friction")!,
      });
      if (o.json) {
        json(r);
        return;
      }
      say(
        `force on the stack  ${g(r.force_n)} N${r.friction > 0 ? ` (spring ${g(r.spring_force_n)} N, ${g(100 * r.friction)} % lost to friction)` : ""}`,
      );
      say(`stack pressure      ${g(r.pressure_mpa)} MPa`);
      say(`spring compression  ${g(r.compression_mm)} mm`);
      for (const n of r.notes) say(`note: ${n}`);
    });

  design
    .command("transmission")
    .description("attenuation and transmission of a material (or a stack of layers) at one photon energy")
    .option(
      "--material <formula>",
      "chemical formula (C19H12O3) or a material name (PEEK, steel, Li6PS5Cl, …)",
    )
    .option("--density <g_cm3>", "density [g/cm³] (default: the named material's)")
    .option("--thickness-mm <L>", "path length through the material [mm]")
    .option("--stack <file>", "or: YAML list of layers {material, density_g_cm3, thickness_mm}")
    .option("--energy-kev <E>", "photon energy [keV] (5–30)")
    .option("--line <name>", "or: a lab tube's weighted Kα line: CuKa (8.041 keV) or MoKa (17.44 keV)")
    .option("--flux <photons_per_s>", "incident flux: also print the counts/s behind the stack")
    .option("--json", "print a JSON object")
    .action(async (o) => transmissionCommand(o));

  design
    .command("contrast")
    .description(
      "electron densities, X-ray SLDs and pore contrast (Δρ)² of a porous matrix and its pore fillings",
    )
    .requiredOption("--matrix <formula:density>", "the matrix, e.g. C:2.0 (templated carbon)")
    .requiredOption(
      "--pores-filled-with <formula:density>",
      "what fills the pores, e.g. S:2.07; repeat (Li2S:1.66) for the ratio between fillings",
      collect,
    )
    .option(
      "--pore-fill <x>",
      "fraction of the pore volume the first filling takes (the paper's factor 0.75: 0.25)",
      "0.25",
    )
    .option("--energy-kev <E>", "photon energy [keV]: SLDs with f′ (default: electron densities alone)")
    .option("--json", "print a JSON object")
    .action(async (o) => contrastCommand(o));

  program
    .command("phases")
    .description("powder lines {hkl, d, q, multiplicity, intensity} of a built-in phase or a CIF file")
    .argument("<phase>", "Li2S, In, LiIn, Li6PS5Cl, S8, steel, CeO2, LaB6, or a .cif file")
    .option("--qmin <q>", "lowest q [nm⁻¹]", "0")
    .option("--qmax <q>", "highest q [nm⁻¹]", "40")
    .option("--energy-kev <E>", "photon energy [keV] (default 16, the paper's beam)")
    .option("--line <name>", "or: CuKa | MoKa")
    .option("--json", "print a JSON object")
    .action(async (phase: string, o) => phasesCommand(phase, o));
}

interface TransmissionOptions {
  material?: string;
  density?: string;
  thicknessMm?: string;
  stack?: string;
  energyKev?: string;
  line?: string;
  flux?: string;
  json?: boolean;
}

async function transmissionCommand(o: TransmissionOptions): Promise<void> {
  const d = await import("../design/index.js");
  const e = d.photonEnergyKeV(num(o.energyKev, "--energy-kev"), o.line);
  let layers: LayerSpec[];
  if (o.stack !== undefined) {
    if (o.material !== undefined) throw new InputError("", "give --material or --stack, not both");
    const { readYaml } = await import("../util/index.js");
    layers = d.stackLayers(readYaml(await readFile(o.stack, "utf8"), o.stack).data, o.stack);
  } else {
    if (o.material === undefined || o.thicknessMm === undefined)
      throw new InputError("", "give --material, --thickness-mm (and --density), or --stack FILE");
    const density = num(o.density, "--density");
    layers = [
      {
        material: o.material,
        thicknessMm: num(o.thicknessMm, "--thickness-mm")!,
        ...(density !== undefined && { densityGCm3: density }),
      },
    ];
  }
  const r = d.stackTransmission(layers, e, num(o.flux, "--flux"));
  if (o.json) {
    if (o.stack !== undefined) {
      json(r);
      return;
    }
    const l = r.layers[0]!;
    json({
      energy_kev: e,
      ...l,
      ...(r.counts_per_s !== undefined && { flux_photons_s: r.flux_photons_s, counts_per_s: r.counts_per_s }),
    });
    return;
  }
  say(`at ${g(e)} keV (λ = ${g(d.wavelengthA(e), 5)} Å)`);
  for (const l of r.layers)
    say(
      `${l.material} ${g(l.density_g_cm3)} g/cm³, ${g(l.thickness_mm)} mm: μ = ${g(l.mu_per_cm)} /cm, T = ${g(l.transmission)}, 1/μ = ${g(l.optimum_thickness_mm)} mm`,
    );
  if (r.layers.length > 1) say(`total transmission ${g(r.transmission)}`);
  if (r.counts_per_s !== undefined)
    say(`${g(r.flux_photons_s!)} photons/s in → ${g(r.counts_per_s)} photons/s through`);
}

interface ContrastOptions {
  matrix: string;
  poresFilledWith: string[];
  poreFill: string;
  energyKev?: string;
  json?: boolean;
}

async function contrastCommand(o: ContrastOptions): Promise<void> {
  const d = await import("../design/index.js");
  const energy = num(o.energyKev, "--energy-kev");
  if (energy !== undefined) d.photonEnergyKeV(energy, undefined);
  const r = d.poreContrasts(
    d.parsePhase(o.matrix, "--matrix"),
    o.poresFilledWith.map((f) => d.parsePhase(f, "--pores-filled-with")),
    { poreFill: num(o.poreFill, "--pore-fill")!, ...(energy !== undefined && { energyKeV: energy }) },
  );
  if (o.json) {
    json(r);
    return;
  }
  const row = (p: {
    formula: string;
    density_g_cm3: number;
    electron_density_e_A3: number;
    sld_1e_6_A2: number;
  }) =>
    `${p.formula} ${g(p.density_g_cm3)} g/cm³: ρe = ${g(p.electron_density_e_A3)} e/Å³, SLD = ${g(p.sld_1e_6_A2)}×10⁻⁶ Å⁻²`;
  say(`${r.energy_kev === null ? "SLD = r_e ρe (no f′)" : `SLD with f′ at ${g(r.energy_kev)} keV`}`);
  say(`matrix ${row(r.matrix)}`);
  for (const f of r.fillings)
    say(
      `pores full of ${row(f)}; (ΔSLD)² = ${g(f.delta_sld_sq_cm4)} cm⁻⁴, ${g(f.ratio_to_empty)} × empty pores`,
    );
  for (const c of r.conversions) {
    say(`${c.from} → ${c.to}, pores completely filled: (Δρ)² × ${g(c.ratio_full_pores)}`);
    say(
      `${c.from} → ${c.to}, ${g(c.pore_fill)} of the pore volume filled (→ ${g(c.pore_fill_after)}${c.overflows ? ", overflowing the pores" : ""}): (Δρ)² × ${g(c.ratio, 3)}`,
    );
  }
  say(`assumption: ${r.assumption}`);
}

interface PhasesOptions {
  qmin: string;
  qmax: string;
  energyKev?: string;
  line?: string;
  json?: boolean;
}

async function phasesCommand(phase: string, o: PhasesOptions): Promise<void> {
  const d = await import("../design/index.js");
  const e = d.photonEnergyKeV(num(o.energyKev, "--energy-kev"), o.line, d.PAPER_ENERGY_KEV);
  let s = d.builtinPhase(phase);
  if (!s) {
    const text = await readFile(phase, "utf8").catch((err: NodeJS.ErrnoException) => {
      if (err.code === "ENOENT" || err.code === "EISDIR")
        throw new InputError(
          phase,
          "not a built-in phase (Li2S, In, LiIn, Li6PS5Cl, S8, steel, CeO2, LaB6) nor a CIF file",
        );
      throw err;
    });
    s = d.parseCif(text, phase);
  }
  const lines = d.powderLines(s, e, num(o.qmin, "--qmin")!, num(o.qmax, "--qmax")!);
  if (o.json) {
    json({ phase: s.name, source: s.source, energy_kev: e, wavelength_A: d.wavelengthA(e), lines });
    return;
  }
  say(`${s.name} at ${g(e)} keV (λ = ${g(d.wavelengthA(e), 5)} Å): ${s.source}`);
  say("hkl          d/Å    q/nm⁻¹   2θ/°    mult  intensity");
  for (const l of lines)
    say(
      `${l.hkl.join(" ").padEnd(10)} ${l.d_A.toFixed(4).padStart(7)} ${l.q_nm.toFixed(3).padStart(8)} ${l.two_theta_deg.toFixed(3).padStart(7)} ${String(l.multiplicity).padStart(5)} ${l.intensity.toFixed(2).padStart(9)}`,
    );
}
