/**
 * Crystal structures of the cell's phases as full unit-cell atom lists (shared physics README §1.1).
 * Lattice lengths in Å, angles in degrees; atoms carry a Waasmaier–Kirfel species name, fractional
 * coordinates, occupancy and an isotropic Debye–Waller B [Å²] (README §1.1: typical, not refined).
 * The cells are spelled out from their Wyckoff sites by the centring translations (and, for the
 * argyrodite, the −43m point operations), so multiplicities come from the atoms, not from tables.
 */
import { S8_FRACTIONAL } from "./s8data.js";

export interface Atom {
  /** Waasmaier–Kirfel species: "S", "Li1+", "Cl1-", … */
  species: string;
  x: number;
  y: number;
  z: number;
  occ: number;
  /** Isotropic Debye–Waller B [Å²]; F carries exp(−B s²). */
  b: number;
}

export interface Structure {
  name: string;
  a: number;
  b: number;
  c: number;
  alpha: number;
  beta: number;
  gamma: number;
  atoms: Atom[];
  /** X-ray density [g/cm³] is derived; this is where the numbers come from. */
  source: string;
}

/** The phases of the cells. */
export const CELL_PHASES = ["Li2S", "In", "LiIn", "Li6PS5Cl", "S8", "steel"] as const;
/** Line-position / line-shape standards measured to get the instrumental peak width (`calibrant:`). */
export const CALIBRANTS = ["CeO2", "LaB6"] as const;
export const PHASES = [...CELL_PHASES, ...CALIBRANTS] as const;
export type PhaseName = (typeof PHASES)[number];
export type CalibrantName = (typeof CALIBRANTS)[number];

type Xyz = readonly [number, number, number];
const F_CENTRING: Xyz[] = [
  [0, 0, 0],
  [0, 0.5, 0.5],
  [0.5, 0, 0.5],
  [0.5, 0.5, 0],
];
const I_CENTRING: Xyz[] = [
  [0, 0, 0],
  [0.5, 0.5, 0.5],
];

const wrap = (v: number) => {
  const w = v - Math.floor(v);
  return w > 1 - 1e-9 ? 0 : w;
};

/** The distinct images of xyz under point operations (perm, signs) and centring, wrapped into [0,1). */
function orbit(xyz: Xyz, ops: { perm: Xyz; sign: Xyz }[], centring: Xyz[]): Xyz[] {
  const out: Xyz[] = [];
  for (const { perm, sign } of ops) {
    for (const t of centring) {
      const p = [0, 1, 2].map((i) => wrap(sign[i]! * xyz[perm[i]!]! + t[i]!)) as unknown as Xyz;
      const seen = out.some((q) =>
        q.every((v, i) => {
          const d = Math.abs(v - p[i]!);
          return d < 1e-6 || d > 1 - 1e-6;
        }),
      );
      if (!seen) out.push(p);
    }
  }
  return out;
}

const IDENTITY = [{ perm: [0, 1, 2] as Xyz, sign: [1, 1, 1] as Xyz }];

const PERMS: Xyz[] = [
  [0, 1, 2],
  [0, 2, 1],
  [1, 0, 2],
  [1, 2, 0],
  [2, 0, 1],
  [2, 1, 0],
];

/** m−3m (Oh): the 6 axis permutations × all 8 sign patterns (for sites like LaB6's B 6f). */
const OH_OPS = PERMS.flatMap((perm) =>
  [-1, 1].flatMap((a) => [-1, 1].flatMap((b) => [-1, 1].map((c) => ({ perm, sign: [a, b, c] as Xyz })))),
);

/** −43m (Td): the 6 axis permutations × the 4 sign patterns with an even number of minus signs. */
const TD_OPS = (() => {
  const perms = PERMS;
  const signs: Xyz[] = [
    [1, 1, 1],
    [1, -1, -1],
    [-1, 1, -1],
    [-1, -1, 1],
  ];
  return perms.flatMap((perm) => signs.map((sign) => ({ perm, sign })));
})();

function site(species: string, xyz: Xyz, occ: number, b: number, centring: Xyz[], ops = IDENTITY): Atom[] {
  return orbit(xyz, ops, centring).map(([x, y, z]) => ({ species, x, y, z, occ, b }));
}

const cubic = (a: number) => ({ a, b: a, c: a, alpha: 90, beta: 90, gamma: 90 });

/** Li2S, antifluorite Fm-3m: S 4a (0,0,0), Li 8c (¼,¼,¼),(¾,¾,¾); a = 5.708 Å (ICDD 23-0369 value). */
export function li2s(a = 5.708): Structure {
  return {
    name: "Li2S",
    ...cubic(a),
    atoms: [
      ...site("S", [0, 0, 0], 1, 1.0, F_CENTRING),
      ...site("Li1+", [0.25, 0.25, 0.25], 1, 2.0, F_CENTRING),
      ...site("Li1+", [0.75, 0.75, 0.75], 1, 2.0, F_CENTRING),
    ],
    source: "Fm-3m antifluorite, a=5.708 Å (lit. 5.69–5.72); B S 1.0, Li 2.0 Å²",
  };
}

/** Indium, I4/mmm: In 2a; a = 3.2523, c = 4.9461 Å. */
export function indium(a = 3.2523, c = 4.9461): Structure {
  return {
    name: "In",
    a,
    b: a,
    c,
    alpha: 90,
    beta: 90,
    gamma: 90,
    atoms: site("In", [0, 0, 0], 1, 2.5, I_CENTRING),
    source: "I4/mmm, a=3.2523, c=4.9461 Å (AFLOW A6 prototype); B 2.5 Å² (Debye, Θ_D=108 K, 295 K)",
  };
}

/** LiIn, NaTl type Fd-3m (origin 1): Li 8a (0,0,0),(¼,¼,¼); In 8b (½,½,½),(¾,¾,¾); a = 6.786 Å. */
export function liin(a = 6.786): Structure {
  return {
    name: "LiIn",
    ...cubic(a),
    atoms: [
      ...site("Li", [0, 0, 0], 1, 3.0, F_CENTRING),
      ...site("Li", [0.25, 0.25, 0.25], 1, 3.0, F_CENTRING),
      ...site("In", [0.5, 0.5, 0.5], 1, 2.0, F_CENTRING),
      ...site("In", [0.75, 0.75, 0.75], 1, 2.0, F_CENTRING),
    ],
    source: "NaTl (B32) Fd-3m, a=6.786 Å; B Li 3.0, In 2.0 Å²",
  };
}

/**
 * Li6PS5Cl argyrodite, F-43m, in the setting of MP mp-985592: P 4b (½,½,½); PS4 S on 16e (x,x,x),
 * x = 0.6196; Cl on 4a (0,0,0) and the free S on 4c (¼,¼,¼), a fraction `clOn4a` ordered (the rest
 * swapped); Li on 48h (0.3125, 0.3125, 0.0241) half occupied (24 Li per cell). a = 9.85 Å.
 */
export function argyrodite(a = 9.85, x16e = 0.6196, clOn4a = 1): Structure {
  const atoms: Atom[] = [
    ...site("P", [0.5, 0.5, 0.5], 1, 1.0, F_CENTRING, TD_OPS),
    ...site("S", [x16e, x16e, x16e], 1, 1.7, F_CENTRING, TD_OPS),
    ...site("Cl1-", [0, 0, 0], clOn4a, 2.0, F_CENTRING, TD_OPS),
    ...site("S", [0, 0, 0], 1 - clOn4a, 2.0, F_CENTRING, TD_OPS),
    ...site("S", [0.25, 0.25, 0.25], clOn4a, 2.0, F_CENTRING, TD_OPS),
    ...site("Cl1-", [0.25, 0.25, 0.25], 1 - clOn4a, 2.0, F_CENTRING, TD_OPS),
  ];
  const li = orbit([0.3125, 0.3125, 0.0241], TD_OPS, F_CENTRING);
  for (const [x, y, z] of li) atoms.push({ species: "Li1+", x, y, z, occ: 24 / li.length, b: 4.0 });
  return {
    name: "Li6PS5Cl",
    ...cubic(a),
    atoms: atoms.filter((at) => at.occ > 0),
    source: "F-43m a=9.85 Å; P 4b, S 16e x=0.6196, Cl 4a / S 4c, Li 48h half occupied (approximate)",
  };
}

/** α-S8, Fddd: 128 S per cell from Rettig & Trotter (1987); B 3.5 Å². */
export function alphaS8(): Structure {
  return {
    name: "S8",
    a: 10.4646,
    b: 12.866,
    c: 24.486,
    alpha: 90,
    beta: 90,
    gamma: 90,
    atoms: S8_FRACTIONAL.map(([x, y, z]) => ({ species: "S", x, y, z, occ: 1, b: 3.5 })),
    source: "Fddd, a=10.4646 b=12.8660 c=24.4860 Å, Rettig & Trotter 1987 (128 atoms)",
  };
}

/** Austenitic steel (316L) as fcc Fe, Fm-3m 4a, a = 3.591 Å; B 0.35 Å² (README §1.1). */
export function steel(a = 3.591): Structure {
  return {
    name: "steel",
    ...cubic(a),
    atoms: site("Fe", [0, 0, 0], 1, 0.35, F_CENTRING),
    source: "γ-Fe (austenite, 316L) a≈3.591 Å (3.585–3.598); Fe/Cr/Ni differ by ≤2 e, taken as Fe",
  };
}

/**
 * CeO2, fluorite Fm-3m: Ce 4a (0,0,0), O 8c (¼,¼,¼),(¾,¾,¾); a = 5.411651 Å, the certified lattice
 * parameter of NIST SRM 674b at 22.5 °C. B Ce 0.2, O 0.45 Å² (typical room-temperature values, not
 * the SRM's). Its µm-sized crystallites add no size broadening at SAXS/WAXS resolution.
 */
export function ceria(a = 5.411651): Structure {
  return {
    name: "CeO2",
    ...cubic(a),
    atoms: [
      ...site("Ce", [0, 0, 0], 1, 0.2, F_CENTRING),
      ...site("O", [0.25, 0.25, 0.25], 1, 0.45, F_CENTRING),
      ...site("O", [0.75, 0.75, 0.75], 1, 0.45, F_CENTRING),
    ],
    source: "Fm-3m fluorite, a=5.411651 Å (NIST SRM 674b, 22.5 °C); B Ce 0.2, O 0.45 Å² (typical)",
  };
}

/**
 * LaB6, Pm-3m: La 1a (0,0,0), B 6f (x,½,½) with x = 0.1996; a = 4.156826 Å, the certified lattice
 * parameter of NIST SRM 660c at 22.5 °C. B La 0.3, B 0.35 Å² (typical room-temperature values).
 */
export function lanthanumHexaboride(a = 4.156826, x = 0.1996): Structure {
  return {
    name: "LaB6",
    ...cubic(a),
    atoms: [
      ...site("La", [0, 0, 0], 1, 0.3, [[0, 0, 0]]),
      ...site("B", [x, 0.5, 0.5], 1, 0.35, [[0, 0, 0]], OH_OPS),
    ],
    source: "Pm-3m, a=4.156826 Å (NIST SRM 660c, 22.5 °C), B 6f x=0.1996; B La 0.3, B 0.35 Å² (typical)",
  };
}

const BUILDERS: Record<PhaseName, () => Structure> = {
  Li2S: () => li2s(),
  In: () => indium(),
  LiIn: () => liin(),
  Li6PS5Cl: () => argyrodite(),
  S8: () => alphaS8(),
  steel: () => steel(),
  CeO2: () => ceria(),
  LaB6: () => lanthanumHexaboride(),
};

const cache = new Map<PhaseName, Structure>();

/** The default structure of a phase (built once). */
export function structure(phase: PhaseName): Structure {
  let s = cache.get(phase);
  if (!s) {
    const build = BUILDERS[phase];
    if (!build) throw new Error(`unknown phase ${phase}; known: ${PHASES.join(", ")}`);
    s = build();
    cache.set(phase, s);
  }
  return s;
}

/** Unit-cell volume [Å³] from the six lattice parameters. */
export function cellVolume(s: Structure): number {
  const r = Math.PI / 180;
  const ca = Math.cos(s.alpha * r);
  const cb = Math.cos(s.beta * r);
  const cg = Math.cos(s.gamma * r);
  return s.a * s.b * s.c * Math.sqrt(1 - ca * ca - cb * cb - cg * cg + 2 * ca * cb * cg);
}
