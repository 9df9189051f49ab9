/**
 * The rows of a scan split into the stack's layers, in stack order (issue 19): the contiguous
 * partition that best explains each row's evidence, found exactly by dynamic programming over the
 * rows (O(layers · rows²)), with a confidence for every boundary — how much worse the best
 * partition that puts that boundary anywhere else is (the margin, in the cost's units: about one
 * per row whose evidence contradicts its label outright).
 *
 * Cost of a layer k over rows [a, b): Σ cost[r][k] (the rows' evidence against layer k), plus, for
 * each continuous feature (transmission, SAXS level, on 0..1 scales), the rows' scatter about the
 * segment's mean (a layer is one material, so its rows transmit and scatter alike; this decides
 * between layers the fingerprints cannot tell apart). Layers may be empty (a thin layer no row
 * sees, an edge the scan does not reach).
 */

export interface PartitionInput {
  /** cost[r][k] ≥ 0: how poorly row r fits stack layer k. */
  cost: number[][];
  /** Per-row features on 0..1 scales (transmission, SAXS level): piecewise constant over layers. */
  features: number[][];
}

export interface Boundary {
  /**
   * First row of the upper layer (rows ascend with y); 0 or the number of rows for a layer with
   * no rows beyond an edge of the scan.
   */
  row: number;
  /** Stack indices of the layers below and above. */
  below: number;
  above: number;
  /** Extra cost of the best partition with this boundary elsewhere (0: a tie). */
  margin: number;
}

export interface Partition {
  /** Stack index of each row. */
  layer: number[];
  cost: number;
  boundaries: Boundary[];
}

export function partitionRows(x: PartitionInput): Partition {
  const R = x.cost.length;
  const L = x.cost[0]?.length ?? 0;
  if (R === 0 || L === 0) return { layer: [], cost: 0, boundaries: [] };
  // prefix sums: per layer of the costs, and of t and t² for the transmission scatter
  const pc = Array.from({ length: L }, (_, k) => {
    const p = new Float64Array(R + 1);
    for (let r = 0; r < R; r++) p[r + 1] = p[r]! + x.cost[r]![k]!;
    return p;
  });
  const sums = x.features.map((f) => {
    const p1 = new Float64Array(R + 1);
    const p2 = new Float64Array(R + 1);
    for (let r = 0; r < R; r++) {
      const v = Number.isFinite(f[r]!) ? f[r]! : 0;
      p1[r + 1] = p1[r]! + v;
      p2[r + 1] = p2[r]! + v * v;
    }
    return { p1, p2 };
  });
  const seg = (k: number, a: number, b: number): number => {
    if (b <= a) return 0;
    let c = pc[k]![b]! - pc[k]![a]!;
    const n = b - a;
    for (const { p1, p2 } of sums) {
      const s = p1[b]! - p1[a]!;
      c += Math.max(0, p2[b]! - p2[a]! - (s * s) / n);
    }
    return c;
  };
  const INF = Number.POSITIVE_INFINITY;
  // pre[k][b]: rows [0, b) in layers 0..k; suf[k][a]: rows [a, R) in layers k..L−1
  const pre = Array.from({ length: L }, () => new Float64Array(R + 1).fill(INF));
  const from = Array.from({ length: L }, () => new Int32Array(R + 1));
  for (let k = 0; k < L; k++)
    for (let b = 0; b <= R; b++)
      for (let a = 0; a <= b; a++) {
        const before = k === 0 ? (a === 0 ? 0 : INF) : pre[k - 1]![a]!;
        const v = before + seg(k, a, b);
        if (v < pre[k]![b]!) {
          pre[k]![b] = v;
          from[k]![b] = a;
        }
      }
  const suf = Array.from({ length: L + 1 }, () => new Float64Array(R + 1).fill(INF));
  suf[L]![R] = 0;
  for (let k = L - 1; k >= 0; k--)
    for (let a = R; a >= 0; a--)
      for (let b = a; b <= R; b++) {
        const v = seg(k, a, b) + suf[k + 1]![b]!;
        if (v < suf[k]![a]!) suf[k]![a] = v;
      }
  const best = pre[L - 1]![R]!;
  // back-track the layer of each row
  const layer = new Array<number>(R).fill(0);
  let b = R;
  for (let k = L - 1; k >= 0; k--) {
    const a = from[k]![b]!;
    for (let r = a; r < b; r++) layer[r] = k;
    b = a;
  }
  const boundaries: Boundary[] = [];
  /** Margin of the boundary between layers k and k + 1 at row r (R: past the last row). */
  const margin = (k: number, r: number) => {
    let alt = INF;
    for (let q = 0; q <= R; q++) if (q !== r) alt = Math.min(alt, pre[k]![q]! + suf[k + 1]![q]!);
    return Math.max(0, alt - best);
  };
  // a layer left without rows at an edge of the scan (the scan does not reach it, or a partly
  // filled edge row was given to its neighbour) is a boundary too, at row 0 or R: with a small
  // margin the edge row may well be that layer
  if (layer[0]! > 0)
    boundaries.push({ row: 0, below: layer[0]! - 1, above: layer[0]!, margin: margin(layer[0]! - 1, 0) });
  for (let r = 1; r < R; r++) {
    if (layer[r] === layer[r - 1]) continue;
    const k = layer[r - 1]!;
    boundaries.push({ row: r, below: k, above: layer[r]!, margin: margin(k, r) });
  }
  if (layer[R - 1]! < L - 1)
    boundaries.push({
      row: R,
      below: layer[R - 1]!,
      above: layer[R - 1]! + 1,
      margin: margin(layer[R - 1]!, R),
    });
  return { layer, cost: best, boundaries };
}
