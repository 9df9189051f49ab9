import { describe, expect, it } from "vitest";
import { InputError } from "../util/index.js";
import {
  parseCif,
  parsePhase,
  parseSymOp,
  photonEnergyKeV,
  poreContrasts,
  powderLines,
  springPressure,
  stackLayers,
  stackTransmission,
} from "./index.js";

describe("springPressure", () => {
  it("gives the paper's cell: 25 MPa on 1 × 5 mm with k = 28.42 N/mm → 125 N, 4.40 mm", () => {
    const r = springPressure({ springKNPerMm: 28.42, areaMm2: 5, pressureMpa: 25 });
    expect(r.force_n).toBeCloseTo(125, 9);
    expect(r.compression_mm).toBeCloseTo(4.398, 3);
    const back = springPressure({ springKNPerMm: 28.42, areaMm2: 5, compressionMm: 4.4 });
    expect(back.pressure_mpa).toBeCloseTo(25.01, 2);
  });

  it("needs more compression when friction takes part of the force, and flags pressures PEEK will not take", () => {
    const r = springPressure({ springKNPerMm: 28.42, areaMm2: 5, pressureMpa: 25, friction: 0.2 });
    expect(r.spring_force_n).toBeCloseTo(156.25, 9);
    expect(r.compression_mm).toBeCloseTo(5.498, 3);
    expect(springPressure({ springKNPerMm: 100, areaMm2: 1, compressionMm: 1 }).notes[0]).toMatch(/90 MPa/);
    expect(() => springPressure({ springKNPerMm: 28.42, areaMm2: 5 })).toThrow(InputError);
  });
});

describe("transmission", () => {
  it("puts 1/μ of the pellet near 0.56 mm at 16 keV, and Cu Kα cannot get through 1 mm", () => {
    const at16 = stackTransmission([{ material: "Li6PS5Cl", densityGCm3: 1.64, thicknessMm: 1 }], 16);
    expect(at16.layers[0]!.optimum_thickness_mm).toBeCloseTo(0.562, 2);
    expect(at16.transmission).toBeGreaterThan(0.15);
    const cu = stackTransmission(
      [{ material: "Li6PS5Cl", densityGCm3: 1.64, thicknessMm: 1 }],
      photonEnergyKeV(undefined, "CuKa"),
    );
    expect(cu.transmission).toBeLessThan(1e-5);
  });

  it("multiplies the layers of a stack and gives counts/s for a flux", () => {
    const layers = stackLayers(
      [
        { material: "PEEK", density_g_cm3: 1.32, thickness_mm: 0.5 },
        { material: "Li6PS5Cl", density_g_cm3: 1.64, thickness_mm: 1 },
        { material: "PEEK", thickness_mm: 0.5 },
      ],
      "stack.yaml",
    );
    const r = stackTransmission(layers, 16, 1e12);
    expect(r.transmission).toBeCloseTo(
      r.layers.reduce((a, l) => a * l.transmission, 1),
      12,
    );
    expect(r.counts_per_s).toBeCloseTo(1e12 * r.transmission, 0);
    expect(r.layers[2]!.density_g_cm3).toBe(1.3);
    expect(() => stackLayers([{ material: "S", thickness: 1 }], "s.yaml")).toThrow(/unknown key "thickness"/);
    expect(() => stackTransmission([{ material: "Xx2", densityGCm3: 1, thicknessMm: 1 }], 16)).toThrow(
      InputError,
    );
    expect(() => photonEnergyKeV(40, undefined)).toThrow(/5–30 keV/);
  });
});

describe("poreContrasts", () => {
  const c = parsePhase("C:2.0", "--matrix");
  const fills = [parsePhase("S:2.07", "--pores-filled-with"), parsePhase("Li2S:1.66", "--pores-filled-with")];

  it("reproduces the paper's factor 0.75 with pores a quarter filled by sulfur that all becomes Li2S", () => {
    const r = poreContrasts(c, fills);
    expect(r.matrix.electron_density_e_A3).toBeCloseTo(0.6017, 4);
    expect(r.fillings[0]!.electron_density_e_A3).toBeCloseTo(0.6221, 4);
    expect(r.fillings[1]!.electron_density_e_A3).toBeCloseTo(0.4787, 4);
    const conv = r.conversions[0]!;
    expect(conv.conserved_element).toBe("S");
    expect(conv.volume_ratio).toBeCloseTo(1.787, 3);
    expect(conv.ratio).toBeCloseTo(0.756, 3);
    // completely filled pores would make the contrast grow 36-fold instead
    expect(conv.ratio_full_pores).toBeCloseTo(36.1, 1);
    expect(r.assumption).toMatch(/0\.25 of the pore volume/);
  });

  it("adds f′ at an energy (SLD of carbon 16.96, sulfur 17.68 ×10⁻⁶ Å⁻² at 16 keV)", () => {
    const r = poreContrasts(c, fills, { energyKeV: 16 });
    expect(r.matrix.sld_1e_6_A2).toBeCloseTo(16.962, 2);
    expect(r.fillings[0]!.sld_1e_6_A2).toBeCloseTo(17.681, 2);
    expect(() => parsePhase("S", "--pores-filled-with")).toThrow(/FORMULA:DENSITY/);
  });
});

describe("CIF reader", () => {
  it("reads symmetry operations with fractions and swapped order", () => {
    expect(parseSymOp("1/2+x, -y+1/2, z-x")).toEqual({
      r: [
        [1, 0, 0],
        [0, -1, 0],
        [-1, 0, 1],
      ],
      t: [0.5, 0.5, 0],
    });
    expect(() => parseSymOp("x,y")).toThrow(InputError);
  });

  it("expands sites by the operations, keeps occupancies, U_iso → B, and refuses a symbol without operations", () => {
    const cif = `data_test
_cell_length_a 4.0(1)
_cell_length_b 4.0
_cell_length_c 4.0
_cell_angle_alpha 90
_cell_angle_beta 90
_cell_angle_gamma 90
loop_
_space_group_symop_operation_xyz
'x, y, z'
'-x, -y, -z'
'x+1/2, y+1/2, z+1/2'
'-x+1/2, -y+1/2, -z+1/2'
loop_
_atom_site_label
_atom_site_type_symbol
_atom_site_fract_x
_atom_site_fract_y
_atom_site_fract_z
_atom_site_occupancy
_atom_site_U_iso_or_equiv
Li1 Li1+ 0 0 0 0.5 0.01
S1 S 0.25 0.25 0.25 1 .
`;
    const s = parseCif(cif, "t.cif");
    expect(s.a).toBe(4);
    expect(s.atoms.filter((a) => a.species === "Li1+")).toHaveLength(2);
    expect(s.atoms.filter((a) => a.species === "S")).toHaveLength(2); // ¼¼¼ and ¾¾¾
    expect(s.atoms[0]!.occ).toBe(0.5);
    expect(s.atoms[0]!.b).toBeCloseTo(8 * Math.PI ** 2 * 0.01, 9);
    expect(() =>
      parseCif(
        cif.replace(/loop_\n_space_group[\s\S]*?(?=loop_)/, "_symmetry_space_group_name_H-M 'F m -3 m'\n"),
        "x.cif",
      ),
    ).toThrow(/without its symmetry operations/);
    expect(() => parseCif("nothing here", "n.cif")).toThrow(/no data_ block/);
  });
});

describe("powderLines", () => {
  it("lists the built-in Li2S with 111 strongest and q = 2π/d", async () => {
    const { builtinPhase } = await import("./index.js");
    const lines = powderLines(builtinPhase("li2s")!, 16, 10, 40);
    expect(lines[0]!.hkl).toEqual([1, 1, 1]);
    expect(lines[0]!.q_nm).toBeCloseTo(19.07, 2);
    expect(lines[0]!.multiplicity).toBe(8);
    expect(Math.max(...lines.map((l) => l.intensity))).toBe(100);
    for (const l of lines) expect(l.q_nm * l.d_A).toBeCloseTo(20 * Math.PI, 9);
  });
});
