/**
 * Labelling the scan's rows by what each layer is (issue 19): the phases the config names for each
 * layer of the stack (In/LiIn for the anode, Li6PS5Cl for the separator, S8/Li2S for the cathode…)
 * are looked for in each row's initial-OCV WAXS curve; the rows are then split into the layers in
 * stack order by the partition that best explains those fingerprints and the rows' transmission
 * (partition.ts), and every boundary gets a margin: a boundary the evidence hardly prefers over the
 * next row is reported as uncertain rather than silently chosen.
 */
import { type LineWindow, lineWindows, type PhaseLines, phaseScores } from "./fingerprint.js";
import { type Boundary, partitionRows } from "./partition.js";
import type { Role } from "./regions.js";

export interface StackLayer {
  role: Role;
  /** Phases whose lines identify the layer; empty for a layer known only by its transmission. */
  phases: string[];
}

/** The phases a layer of the paper's cells is recognised by, when the config names none. */
export const DEFAULT_PHASES: Record<Role, string[]> = {
  anode: ["In", "LiIn"],
  separator: ["Li6PS5Cl"],
  cathode: ["S8", "Li2S"],
  other: [],
};

export interface FingerprintInput {
  /** Each row's initial-OCV WAXS curve (mean over its points), on `radial` [nm⁻¹]. */
  radial: Float64Array;
  rowCurves: Float64Array[];
  /** Each row's mean transmission over the initial OCV. */
  transmission: number[];
  layers: StackLayer[];
  /** The lines of every phase the layers name (positions on `radial`'s axis). */
  lines: PhaseLines[];
}

export interface LabelledBoundary extends Boundary {
  uncertain: boolean;
}

export interface FingerprintLabels {
  roles: Role[];
  boundaries: LabelledBoundary[];
  /** Per stack layer: its evidence in each row (noise units), null for a layer with no fingerprint. */
  evidence: (number[] | null)[];
}

/** A layer's fingerprint counts when some row shows it this many noise units above its baseline… */
const DETECTED = 5;
/** …and this many times the lower-quartile row. */
const SPECIFIC = 3;
/**
 * A boundary whose margin is below this (about half a contradicted row) is uncertain; and below
 * 6/M for the weakest fingerprint M (noise units) in play: a fingerprint scaled to 0..1 by its
 * strongest row M carries noise 1/M, so moving a boundary by a row changes the cost by ≈ 2/M from
 * noise alone, and a margin under three times that is not evidence.
 */
export const MARGIN_MIN = 0.5;

/**
 * Labels from fingerprints, or null when fewer than two layers show one (then the transmission and
 * band profile alone must decide: see regions.ts).
 */
export function labelByFingerprint(x: FingerprintInput): FingerprintLabels | null {
  const R = x.rowCurves.length;
  const layerOfPhase = new Map<string, number>();
  x.layers.forEach((l, k) => {
    for (const p of l.phases) if (!layerOfPhase.has(p)) layerOfPhase.set(p, k);
  });
  const wins = lineWindows(
    x.radial,
    x.lines.filter((p) => layerOfPhase.has(p.phase)),
    (p) => layerOfPhase.get(p)!,
  );
  // evidence of layer k in row r: its best phase's score
  const evidence = x.layers.map((l) => {
    const ws = l.phases.map((p) => wins.get(p) ?? []).filter((w: LineWindow[]) => w.length > 0);
    if (!ws.length) return null;
    const per = ws.map((w) => phaseScores(x.rowCurves, w));
    const e = x.rowCurves.map((_, r) => Math.max(...per.map((p) => p[r]!)));
    // a fingerprint must stand out: in some rows, and well above what the rows without the layer
    // show (the lower quartile: a pattern that nearly every row shows alike, a broad hump on the
    // windows, identifies nothing)
    const max = Math.max(...e);
    const typical = [...e].map(Math.abs).sort((a, b) => a - b)[Math.floor(e.length / 4)]!;
    return max >= DETECTED && max >= SPECIFIC * typical ? e : null;
  });
  const seen = evidence.flatMap((e, k) => (e ? [k] : []));
  if (seen.length < 2) return null;
  // each fingerprint on a 0..1 scale: a row as strong as the strongest row of the layer is 1
  const strongest = evidence.map((e) => (e ? Math.max(...e) : 0));
  const scaled = evidence.map((e, k) => e?.map((v) => Math.min(1, Math.max(0, v / strongest[k]!))) ?? null);
  const features = [unitScale(x.transmission)];
  // each layer's expected fingerprints ("signature"): at first its own and nothing else; then, a few
  // times, what its rows show (a composite cathode also shows the electrolyte's lines), until the
  // labels settle
  let sig: number[][] = x.layers.map((_, k) => seen.map((j) => (j === k ? 1 : 0)));
  let part = partitionRows({ cost: costs(scaled, seen, sig, R), features });
  for (let it = 0; it < 5; it++) {
    const next = sig.map((s, k) => {
      const rows = part.layer.flatMap((l, r) => (l === k ? [r] : []));
      if (!rows.length) return s;
      return seen.map((j) => {
        const mean = rows.reduce((a, r) => a + scaled[j]![r]!, 0) / rows.length;
        // a layer keeps at least half of its own fingerprint: its identity
        return j === k ? Math.max(mean, 0.5) : mean;
      });
    });
    const again = partitionRows({ cost: costs(scaled, seen, next, R), features });
    sig = next;
    const same = again.layer.every((l, r) => l === part.layer[r]);
    part = again;
    if (same) break;
  }
  return {
    roles: part.layer.map((k) => x.layers[k]!.role),
    boundaries: part.boundaries.map((b) => ({
      ...b,
      uncertain: b.margin < Math.max(MARGIN_MIN, 6 / Math.min(...seen.map((j) => strongest[j]!))),
    })),
    evidence,
  };
}

/** Values on a 0..1 scale over the rows (non-finite as the lowest); all 0 when they do not vary. */
function unitScale(v: number[]): number[] {
  const f = v.map((x) => (Number.isFinite(x) ? x : Number.NaN));
  const lo = Math.min(...f.filter(Number.isFinite));
  const span = Math.max(...f.filter(Number.isFinite)) - lo;
  return f.map((x) => (span > 0 && Number.isFinite(x) ? (x - lo) / span : 0));
}

/** cost[r][k]: the squared distance of row r's fingerprints from layer k's signature. */
function costs(scaled: (number[] | null)[], seen: number[], sig: number[][], R: number): number[][] {
  return Array.from({ length: R }, (_, r) =>
    sig.map((s) => seen.reduce((c, j, n) => c + (s[n]! - scaled[j]![r]!) ** 2, 0)),
  );
}

/**
 * The labels to report: the fingerprints' own where they decide every boundary with margin (they
 * identify layers by what they are), else the footprint fit's (which models mixed rows and needs no
 * phase library), whose boundaries checkBoundaries then tests against the fingerprints.
 */
export function chooseLabels(footprint: Role[], fp: FingerprintLabels | null): Role[] {
  // a doubt at an edge of the scan (is the last row the next layer?) is no reason to prefer the
  // footprint fit, which has the same doubt there
  return fp?.boundaries.every((b) => !b.uncertain || isEdge(b, fp.roles.length)) ? fp.roles : footprint;
}

/** A boundary to a layer with no rows beyond the first or last row. */
const isEdge = (b: { row: number }, rows: number) => b.row === 0 || b.row === rows;

export interface CheckedBoundary {
  /** First row of the upper region. */
  row: number;
  below: Role;
  above: Role;
  /** The fingerprint partition's margin for this boundary (0 when it puts the boundary elsewhere). */
  margin: number;
  uncertain: boolean;
  /** Why it is uncertain. */
  why?: string;
  /** The grid column it holds for, where the columns were labelled one by one (tilted layers). */
  col?: number;
}

/**
 * The boundaries of a labelling, each checked against the fingerprint labelling: uncertain where the
 * fingerprints put rows next to it in the other layer, or where their own margin is small.
 */
export function checkBoundaries(
  roles: Role[],
  fp: FingerprintLabels | null,
  layers: StackLayer[],
): CheckedBoundary[] {
  const out: CheckedBoundary[] = [];
  for (let r = 1; r < roles.length; r++) {
    if (roles[r] === roles[r - 1]) continue;
    const below = roles[r - 1]!;
    const above = roles[r]!;
    const same = fp?.boundaries.find(
      (b) => layers[b.below]!.role === below && layers[b.above]!.role === above && Math.abs(b.row - r) <= 1,
    );
    out.push({ row: r, below, above, margin: same && same.row === r ? same.margin : 0, uncertain: false });
  }
  if (!fp) return out;
  // a layer the fingerprints leave without rows at an edge, where they hardly decide that the edge
  // row is not that layer: reported (roles agreeing there), as the scan may end inside it
  for (const e of fp.boundaries) {
    if (!e.uncertain || !isEdge(e, roles.length)) continue;
    const edgeRow = e.row === 0 ? 0 : roles.length - 1;
    const below = layers[e.below]!.role;
    const above = layers[e.above]!.role;
    if (roles[edgeRow] !== fp.roles[edgeRow] || (roles[edgeRow] !== below && roles[edgeRow] !== above))
      continue;
    const other = e.row === 0 ? below : above;
    out.push({
      row: e.row,
      below,
      above,
      margin: e.margin,
      uncertain: true,
      why: `row ${edgeRow} at the edge of the scan may be ${other === "other" ? "outside the cell" : `the ${other}`} (margin ${e.margin.toFixed(2)})`,
    });
  }
  out.sort((a, b) => a.row - b.row);
  for (const b of out) {
    if (isEdge(b, roles.length)) continue;
    const same = fp.boundaries.find((x) => x.row === b.row && layers[x.below]!.role === b.below);
    if (same?.uncertain) {
      b.uncertain = true;
      b.why = `the fingerprints hardly prefer it (margin ${same.margin.toFixed(2)})`;
    }
  }
  // each row the fingerprints label otherwise flags the nearest boundary between the two labels
  // (else the nearest boundary of its label)
  const nearest = (r: number, ok: (b: CheckedBoundary) => boolean) => {
    let best: CheckedBoundary | undefined;
    for (const b of out)
      if (ok(b) && (!best || Math.abs(b.row - 0.5 - r) < Math.abs(best.row - 0.5 - r))) best = b;
    return best;
  };
  roles.forEach((role, r) => {
    const other = fp.roles[r]!;
    if (other === role) return;
    const pair = (b: CheckedBoundary) =>
      [b.below, b.above].includes(role) && [b.below, b.above].includes(other);
    const best = nearest(r, pair) ?? nearest(r, (b) => b.below === role || b.above === role);
    if (!best) return;
    best.uncertain = true;
    best.why = `the fingerprints put row ${r} in the ${other}`;
  });
  return out;
}

export type { PhaseLines };
