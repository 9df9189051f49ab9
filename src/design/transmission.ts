/**
 * Transmission of a material or a stack (README §2 of the shared physics): μ = ρ Σ w_i (μ/ρ)_i with
 * Elam's total μ/ρ (the tables python3-xraydb serves), T = exp(−Σ μ_i t_i). For transmission SAXS the
 * scattered signal ∝ t·exp(−μt) is largest at t = 1/μ, the optimum thickness.
 */
import { elementFractions, MATERIALS, muRho } from "../physics/index.js";
import { InputError } from "../util/index.js";

export interface LayerSpec {
  /** A chemical formula (C19H12O3) or a material name of physics/MATERIALS (PEEK, steel, …). */
  material: string;
  /** [g/cm³]; the named material's default when omitted. */
  densityGCm3?: number;
  thicknessMm: number;
}

export interface LayerTransmission {
  material: string;
  density_g_cm3: number;
  thickness_mm: number;
  /** Mass attenuation coefficient [cm²/g]. */
  mu_rho_cm2_g: number;
  /** Linear attenuation coefficient [1/cm]. */
  mu_per_cm: number;
  transmission: number;
  /** 1/μ [mm]: the thickness that maximises transmission-SAXS signal t·exp(−μt). */
  optimum_thickness_mm: number;
}

export interface StackTransmission {
  energy_kev: number;
  layers: LayerTransmission[];
  transmission: number;
  /** Photons/s through the stack for the stated incident flux (absent without one). */
  flux_photons_s?: number;
  counts_per_s?: number;
}

/** Mass attenuation μ/ρ [cm²/g] of a formula or named material, with bad input as one-line errors. */
export function massAttenuation(material: string, energyKeV: number): number {
  try {
    elementFractions(material);
  } catch (err) {
    throw new InputError(
      "",
      `material "${material}": ${(err as Error).message} (a formula such as C19H12O3 without brackets, or one of ${Object.keys(MATERIALS).join(", ")})`,
    );
  }
  return muRho(material, energyKeV);
}

/** Attenuation and transmission of one layer at one energy [keV]. */
export function layerTransmission(layer: LayerSpec, energyKeV: number): LayerTransmission {
  const rho = layer.densityGCm3 ?? MATERIALS[layer.material]?.density;
  if (rho === undefined)
    throw new InputError("", `material "${layer.material}" has no default density: give one (g/cm³)`);
  if (!(rho > 0)) throw new InputError("", `density of "${layer.material}" must be positive, got ${rho}`);
  if (!(layer.thicknessMm >= 0))
    throw new InputError("", `thickness of "${layer.material}" must be ≥ 0 mm, got ${layer.thicknessMm}`);
  const mr = massAttenuation(layer.material, energyKeV);
  const mu = mr * rho;
  return {
    material: layer.material,
    density_g_cm3: rho,
    thickness_mm: layer.thicknessMm,
    mu_rho_cm2_g: mr,
    mu_per_cm: mu,
    transmission: Math.exp(-mu * (layer.thicknessMm / 10)),
    optimum_thickness_mm: 10 / mu,
  };
}

/** Per-layer and total transmission of a stack, and the counts/s behind it for an incident flux. */
export function stackTransmission(
  layers: LayerSpec[],
  energyKeV: number,
  fluxPhotonsS?: number,
): StackTransmission {
  if (layers.length === 0) throw new InputError("", "the stack has no layers");
  const rows = layers.map((l) => layerTransmission(l, energyKeV));
  const t = rows.reduce((acc, r) => acc * r.transmission, 1);
  const out: StackTransmission = { energy_kev: energyKeV, layers: rows, transmission: t };
  if (fluxPhotonsS !== undefined) {
    if (!(fluxPhotonsS > 0))
      throw new InputError("", `--flux must be a positive number of photons/s, got ${fluxPhotonsS}`);
    out.flux_photons_s = fluxPhotonsS;
    out.counts_per_s = fluxPhotonsS * t;
  }
  return out;
}

/** Layers from a stack file's parsed YAML: a list (or `layers:` list) of {material, density_g_cm3, thickness_mm}. */
export function stackLayers(data: unknown, file: string): LayerSpec[] {
  const list = Array.isArray(data) ? data : (data as { layers?: unknown } | null)?.layers;
  if (!Array.isArray(list) || list.length === 0)
    throw new InputError(file, "expected a list of layers {material, density_g_cm3, thickness_mm}");
  return list.map((item, i) => {
    const at = `layer ${i + 1}`;
    if (typeof item !== "object" || item === null || Array.isArray(item))
      throw new InputError(file, `${at}: expected {material, density_g_cm3, thickness_mm}`);
    const o = item as Record<string, unknown>;
    for (const k of Object.keys(o))
      if (!["material", "density_g_cm3", "thickness_mm"].includes(k))
        throw new InputError(file, `${at}: unknown key "${k}" (material, density_g_cm3, thickness_mm)`);
    if (typeof o.material !== "string" || o.material === "")
      throw new InputError(file, `${at}: material must be a formula or a material name`);
    if (typeof o.thickness_mm !== "number")
      throw new InputError(file, `${at}: thickness_mm must be a number`);
    if (o.density_g_cm3 !== undefined && typeof o.density_g_cm3 !== "number")
      throw new InputError(file, `${at}: density_g_cm3 must be a number`);
    return {
      material: o.material,
      thicknessMm: o.thickness_mm,
      ...(o.density_g_cm3 !== undefined && { densityGCm3: o.density_g_cm3 as number }),
    };
  });
}
