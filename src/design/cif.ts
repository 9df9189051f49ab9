/**
 * A small CIF 1.1 reader for powder lines: the first data block's cell, its symmetry operations
 * (`_symmetry_equiv_pos_as_xyz` or `_space_group_symop_operation_xyz`) and atom sites (fractional
 * coordinates, occupancies, U_iso/B_iso where given), expanded to the full unit cell. Species keep
 * their charge where the Waasmaier–Kirfel table has the ion (Li1+, Cl1-), else the neutral atom.
 * Not read: anisotropic ADPs (B = 0 unless U_iso/B_iso is given), space-group symbols without
 * operations (refused rather than guessed), and any data block after the first.
 */
import { type Atom, hasF0, type Structure } from "../physics/index.js";
import { InputError } from "../util/index.js";

interface Token {
  v: string;
  quoted: boolean;
}

/** CIF tokens: whitespace-separated, '…'/"…" quoted, ;-delimited text fields, # comments. */
function tokenize(text: string): Token[] {
  const out: Token[] = [];
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.startsWith(";")) {
      const body = [line.slice(1)];
      while (++i < lines.length && !lines[i]!.startsWith(";")) body.push(lines[i]!);
      out.push({ v: body.join("\n").trim(), quoted: true });
      continue;
    }
    const re = /'((?:[^']|'(?=\S))*)'(?=\s|$)|"((?:[^"]|"(?=\S))*)"(?=\s|$)|(#.*$)|(\S+)/g;
    for (const m of line.matchAll(re)) {
      if (m[3] !== undefined) break;
      if (m[1] !== undefined || m[2] !== undefined) out.push({ v: m[1] ?? m[2]!, quoted: true });
      else out.push({ v: m[4]!, quoted: false });
    }
  }
  return out;
}

interface Block {
  name: string;
  items: Map<string, string>;
  loops: Map<string, string>[][]; // each loop: its rows, keyed by lower-case tag
}

function firstBlock(tokens: Token[], file: string): Block {
  let i = tokens.findIndex((t) => !t.quoted && /^data_/i.test(t.v));
  if (i < 0) throw new InputError(file, "no data_ block: not a CIF file?");
  const block: Block = { name: tokens[i]!.v.slice(5), items: new Map(), loops: [] };
  const isTag = (t: Token | undefined) => t !== undefined && !t.quoted && t.v.startsWith("_");
  const isKeyword = (t: Token | undefined) =>
    t !== undefined && !t.quoted && /^(loop_|data_|save_|global_)/i.test(t.v);
  i++;
  while (i < tokens.length) {
    const t = tokens[i]!;
    if (!t.quoted && /^data_/i.test(t.v)) break;
    if (!t.quoted && /^loop_$/i.test(t.v)) {
      const tags: string[] = [];
      i++;
      while (isTag(tokens[i])) tags.push(tokens[i++]!.v.toLowerCase());
      const values: string[] = [];
      while (i < tokens.length && !isTag(tokens[i]) && !isKeyword(tokens[i])) values.push(tokens[i++]!.v);
      if (tags.length === 0 || values.length % tags.length !== 0)
        throw new InputError(
          file,
          `a loop_ of ${tags.join(", ") || "no tags"} has ${values.length} values, not a multiple of ${tags.length}`,
        );
      const rows: Map<string, string>[] = [];
      for (let r = 0; r < values.length; r += tags.length)
        rows.push(new Map(tags.map((tag, c) => [tag, values[r + c]!])));
      block.loops.push(rows);
      continue;
    }
    if (isTag(t)) {
      const v = tokens[i + 1];
      if (v === undefined || isTag(v) || isKeyword(v)) throw new InputError(file, `${t.v} has no value`);
      block.items.set(t.v.toLowerCase(), v.v);
      i += 2;
      continue;
    }
    i++; // save frames, stray values: not needed here
  }
  return block;
}

/** A CIF number: "5.62(3)" → 5.62; "." and "?" (unknown) → undefined. */
export function cifNumber(v: string | undefined): number | undefined {
  if (v === undefined || v === "." || v === "?") return undefined;
  const n = Number(v.replace(/\([0-9]+\)$/, ""));
  return Number.isFinite(n) ? n : undefined;
}

/** A symmetry operation: fractional x′ = R x + t. */
export interface SymOp {
  r: number[][];
  t: number[];
}

/** "1/2+x,-y+1/2,z-x" → R, t. */
export function parseSymOp(text: string, file = ""): SymOp {
  const parts = text.toLowerCase().replace(/\s+/g, "").split(",");
  if (parts.length !== 3)
    throw new InputError(file, `symmetry operation "${text}" does not have three parts`);
  const r = [0, 1, 2].map(() => [0, 0, 0]);
  const t = [0, 0, 0];
  parts.forEach((p, row) => {
    let seen = 0;
    for (const m of p.matchAll(/([+-]?)(?:(\d*\.?\d+)(?:\/(\d*\.?\d+))?\*?)?([xyz])?/g)) {
      if (m[0] === "") continue;
      seen += m[0].length;
      const sign = m[1] === "-" ? -1 : 1;
      const num = m[2] === undefined ? undefined : Number(m[2]) / (m[3] === undefined ? 1 : Number(m[3]));
      if (m[4] !== undefined) r[row]![m[4].charCodeAt(0) - 120]! += sign * (num ?? 1);
      else if (num !== undefined) t[row]! += sign * num;
    }
    if (seen !== p.length || p === "") throw new InputError(file, `cannot read symmetry operation "${text}"`);
  });
  return { r, t };
}

/** The f0 species of a CIF type symbol or label: the ion where the table has it, else the element. */
export function scatteringSpecies(symbol: string, file = ""): string {
  const m = /^([A-Z][a-z]?)(?:(\d*)([+-]))?/.exec(symbol.trim());
  if (!m) throw new InputError(file, `cannot tell the element of atom "${symbol}"`);
  const el = m[1]!;
  const ion = m[3] ? `${el}${m[2] || "1"}${m[3]}` : "";
  if (ion && hasF0(ion)) return ion;
  if (hasF0(el)) return el;
  throw new InputError(
    file,
    `atom "${symbol}": element ${el} has no form factor in the embedded X-ray tables`,
  );
}

const wrap = (v: number) => {
  const w = v - Math.floor(v);
  return w > 1 - 1e-6 ? 0 : w;
};

/** Whether two fractional positions coincide modulo lattice translations (within `tol`). */
function samePosition(a: number[], b: number[], tol: number): boolean {
  return a.every((v, i) => {
    const d = Math.abs(v - b[i]!) % 1;
    return Math.min(d, 1 - d) < tol;
  });
}

const OPS_TAGS = ["_symmetry_equiv_pos_as_xyz", "_space_group_symop_operation_xyz"];

/** A structure (full unit cell) from CIF text; `file` names the input in error messages. */
export function parseCif(text: string, file = ""): Structure {
  const block = firstBlock(tokenize(text), file);
  const cell = ["a", "b", "c"].map((k) => cifNumber(block.items.get(`_cell_length_${k}`)));
  const angles = ["alpha", "beta", "gamma"].map((k) => cifNumber(block.items.get(`_cell_angle_${k}`)) ?? 90);
  if (cell.some((v) => !(v !== undefined && v > 0)))
    throw new InputError(file, "missing or bad _cell_length_a/b/c");

  const opRows = block.loops.find((rows) => OPS_TAGS.some((t) => rows[0]!.has(t)));
  let ops: SymOp[];
  if (opRows) ops = opRows.map((row) => parseSymOp(OPS_TAGS.map((t) => row.get(t)).find((v) => v)!, file));
  else {
    const hm =
      block.items.get("_symmetry_space_group_name_h-m") ?? block.items.get("_space_group_name_h-m_alt");
    if (hm && hm.replace(/\s+/g, "").toUpperCase() !== "P1")
      throw new InputError(
        file,
        `space group ${hm} is given without its symmetry operations (${OPS_TAGS.join(" or ")})`,
      );
    ops = [
      {
        r: [
          [1, 0, 0],
          [0, 1, 0],
          [0, 0, 1],
        ],
        t: [0, 0, 0],
      },
    ];
  }

  const siteRows = block.loops.find((rows) => rows[0]!.has("_atom_site_fract_x"));
  if (!siteRows) throw new InputError(file, "no atom sites (_atom_site_fract_x …)");
  const atoms: Atom[] = [];
  for (const row of siteRows) {
    const label = row.get("_atom_site_label") ?? "";
    const species = scatteringSpecies(row.get("_atom_site_type_symbol") ?? label, file);
    const xyz = ["x", "y", "z"].map((k) => cifNumber(row.get(`_atom_site_fract_${k}`)));
    if (xyz.some((v) => v === undefined))
      throw new InputError(file, `atom site ${label}: bad fractional coordinates`);
    const occ = cifNumber(row.get("_atom_site_occupancy")) ?? 1;
    const u = cifNumber(row.get("_atom_site_u_iso_or_equiv"));
    const b =
      cifNumber(row.get("_atom_site_b_iso_or_equiv")) ?? (u === undefined ? 0 : 8 * Math.PI * Math.PI * u);
    const images: number[][] = [];
    for (const { r, t } of ops) {
      const p = r.map((rr, i) => wrap(rr[0]! * xyz[0]! + rr[1]! * xyz[1]! + rr[2]! * xyz[2]! + t[i]!));
      if (!images.some((q) => samePosition(p, q, 1e-3))) images.push(p);
    }
    for (const [x, y, z] of images) atoms.push({ species, x: x!, y: y!, z: z!, occ, b });
  }
  const [a, bLen, c] = cell as [number, number, number];
  const [alpha, beta, gamma] = angles as [number, number, number];
  const formula = block.items.get("_chemical_formula_sum");
  return {
    name: block.name || formula || "cif",
    a,
    b: bLen,
    c,
    alpha,
    beta,
    gamma,
    atoms,
    source: `CIF ${file || "text"} data_${block.name}${formula ? ` (${formula})` : ""}: ${ops.length} symmetry operations, ${siteRows.length} sites → ${atoms.length} atoms`,
  };
}
