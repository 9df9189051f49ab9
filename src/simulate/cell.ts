/**
 * The cells of the paper as layer stacks along y (the stack normal, lowest y first), and what the
 * beam crosses at a scan position. The beam runs parallel to the layers: at height y it sees the
 * layers overlapping [y − h/2, y + h/2] (uniform footprint of height h), each over the path length
 * through the cell, plus the two PEEK windows.
 */
export type LayerRole = "anode" | "separator" | "cathode" | "other";

/** What a layer is made of, by phase, as volume fractions of the layer. */
export type LayerMaterial =
  | "steel"
  | "cathode-assb" // Li6PS5Cl : S : templated carbon 50:30:20 wt
  | "separator-assb" // Li6PS5Cl pellet
  | "anode-lpscl" // thin Li6PS5Cl layer the Li–In foil is pressed on
  | "anode-in" // In foil alloyed with Li (In + LiIn)
  | "cathode-liquid" // Ketjenblack/S with electrolyte
  | "separator-liquid" // glass fibre soaked in electrolyte
  | "anode-li"; // Li foil

export interface Layer {
  name: string;
  role: LayerRole;
  material: LayerMaterial;
  y0Mm: number;
  y1Mm: number;
}

export interface Cell {
  kind: "assb" | "liquid";
  layers: Layer[];
  /** Beam path length through the stack [mm] (the 1 mm side of the 1×5 mm stack). */
  pathMm: number;
  /** PEEK window thickness, each side [mm]. */
  windowMm: number;
  /** Centre of the scanned range [mm]. */
  scanCentreMm: number;
}

const BIG = 1e3;

export function makeCell(kind: "assb" | "liquid"): Cell {
  if (kind === "assb") {
    return {
      kind,
      pathMm: 1,
      windowMm: 0.5,
      scanCentreMm: 0.725,
      layers: [
        { name: "bottom current collector", role: "other", material: "steel", y0Mm: -BIG, y1Mm: 0 },
        { name: "cathode composite", role: "cathode", material: "cathode-assb", y0Mm: 0, y1Mm: 0.6 },
        { name: "Li6PS5Cl separator", role: "separator", material: "separator-assb", y0Mm: 0.6, y1Mm: 1.2 },
        { name: "Li6PS5Cl under the anode", role: "anode", material: "anode-lpscl", y0Mm: 1.2, y1Mm: 1.25 },
        { name: "Li–In anode", role: "anode", material: "anode-in", y0Mm: 1.25, y1Mm: 1.45 },
        { name: "top plunger", role: "other", material: "steel", y0Mm: 1.45, y1Mm: BIG },
      ],
    };
  }
  return {
    kind,
    pathMm: 1,
    windowMm: 0.5,
    scanCentreMm: 2.5,
    layers: [
      { name: "bottom current collector", role: "other", material: "steel", y0Mm: -BIG, y1Mm: 0 },
      { name: "Ketjenblack/S cathode", role: "cathode", material: "cathode-liquid", y0Mm: 0, y1Mm: 2 },
      { name: "glass-fibre separator", role: "separator", material: "separator-liquid", y0Mm: 2, y1Mm: 4 },
      { name: "Li foil", role: "anode", material: "anode-li", y0Mm: 4, y1Mm: 5 },
      { name: "top plunger", role: "other", material: "steel", y0Mm: 5, y1Mm: BIG },
    ],
  };
}

/** Fraction of a beam of height h centred at y that falls on each layer (same order as `cell.layers`). */
export function beamFractions(cell: Cell, yMm: number, heightMm: number): number[] {
  const lo = yMm - heightMm / 2;
  const hi = yMm + heightMm / 2;
  return cell.layers.map((l) => Math.max(0, Math.min(hi, l.y1Mm) - Math.max(lo, l.y0Mm)) / heightMm);
}

/** The role that takes most of the beam at y (ties: the first). */
export function roleAt(cell: Cell, yMm: number, heightMm: number): LayerRole {
  const f = beamFractions(cell, yMm, heightMm);
  const byRole = new Map<LayerRole, number>();
  for (const [i, l] of cell.layers.entries()) byRole.set(l.role, (byRole.get(l.role) ?? 0) + f[i]!);
  let best: LayerRole = "other";
  let max = -1;
  for (const [r, v] of byRole) {
    if (v > max) {
      max = v;
      best = r;
    }
  }
  return best;
}
