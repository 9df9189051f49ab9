/**
 * Regions: label each scan row anode | separator | cathode | other, respecting the stack order the
 * user states (lowest y first). Each row gets a cost for each role from what it shows — how much
 * beam it lets through, how strongly the carbon's pores scatter (SAXS), whether In/LiIn reflect
 * (WAXS) — and a dynamic programme finds the cheapest labelling whose roles follow the stack in
 * order (any layer may be absent from the scanned range). Hand-set rows are fixed.
 */
export type Role = "anode" | "separator" | "cathode" | "other";

export interface RowFeatures {
  /** Sample transmission of the row (it/i0 relative to the empty cell). */
  transmission: number[];
  /** SAXS of the carbon pores: band integral over the pore hump (relative units). */
  poreSaxs: number[];
  /** WAXS of the anode alloy: In/LiIn band integral above its local baseline (relative units). */
  alloyWaxs: number[];
}

/** Role prototypes in normalised feature space (t, s, a): transmission, pore SAXS, alloy WAXS. */
const PROTO: Record<Role, [number, number, number]> = {
  other: [0, 0, 0],
  anode: [0.15, 0, 1],
  cathode: [1, 1, 0],
  separator: [1, 0, 0],
};

function normalise(v: number[]): number[] {
  const max = Math.max(...v.map((x) => (Number.isFinite(x) ? x : 0)), 1e-300);
  return v.map((x) => (Number.isFinite(x) ? Math.max(0, x) / max : 0));
}

export function labelRows(f: RowFeatures, stack: Role[], fixed: Map<number, Role> = new Map()): Role[] {
  const n = f.transmission.length;
  const t = normalise(f.transmission);
  // pore SAXS above what the pore-free transparent rows (separator) show: their Porod scattering
  // is a floor, not a sign of carbon
  const clear = f.poreSaxs.filter((_, i) => t[i]! > 0.5);
  const floor = clear.length ? Math.min(...clear) : 0;
  const s = normalise(f.poreSaxs.map((v) => v - floor));
  const a = normalise(f.alloyWaxs);
  const cost = (row: number, role: Role) => {
    const fx = fixed.get(row);
    if (fx !== undefined) return fx === role ? 0 : Number.POSITIVE_INFINITY;
    const p = PROTO[role];
    return (t[row]! - p[0]) ** 2 + (s[row]! - p[1]) ** 2 + (a[row]! - p[2]) ** 2;
  };
  const m = stack.length;
  // best[r][k]: cheapest labelling of rows 0..r with row r in stack layer k
  const best = Array.from({ length: n }, () => new Float64Array(m).fill(Number.POSITIVE_INFINITY));
  const from = Array.from({ length: n }, () => new Int32Array(m).fill(-1));
  for (let k = 0; k < m; k++) best[0]![k] = cost(0, stack[k]!);
  for (let r = 1; r < n; r++) {
    let runMin = Number.POSITIVE_INFINITY;
    let runArg = -1;
    for (let k = 0; k < m; k++) {
      if (best[r - 1]![k]! < runMin) {
        runMin = best[r - 1]![k]!;
        runArg = k;
      }
      best[r]![k] = runMin + cost(r, stack[k]!);
      from[r]![k] = runArg;
    }
  }
  let k = 0;
  for (let j = 1; j < m; j++) if (best[n - 1]![j]! < best[n - 1]![k]!) k = j;
  const out: Role[] = new Array(n);
  for (let r = n - 1; r >= 0; r--) {
    out[r] = stack[k]!;
    k = r > 0 ? from[r]![k]! : k;
  }
  return out;
}
