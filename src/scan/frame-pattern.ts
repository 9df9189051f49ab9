/**
 * Frame file names from a pattern such as `saxs/s{scan:03d}_{point:05d}.cbf`: the placeholders
 * `{scan}`, `{point}`, `{index}` with the part of Python's format mini-language that file names use
 * (`d`, a width, zero padding: `{point:05d}` → `00042`, `{point:5}` → `   42`); `{{` and `}}` are
 * literal braces, as in Python's `str.format`.
 */

export const FRAME_FIELDS = ["scan", "point", "index"] as const;
export type FrameField = (typeof FRAME_FIELDS)[number];

type Part = string | { field: FrameField; width: number; zero: boolean };

export interface FramePattern {
  text: string;
  parts: Part[];
  /** The fields it uses. */
  fields: Set<FrameField>;
}

/** Why a pattern cannot be read, or the compiled pattern. */
export function compileFramePattern(text: string): FramePattern | string {
  const parts: Part[] = [];
  const fields = new Set<FrameField>();
  let literal = "";
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if ((ch === "{" || ch === "}") && text[i + 1] === ch) {
      literal += ch;
      i++;
    } else if (ch === "}") return `a lone "}" at character ${i + 1} (write "}}" for a brace)`;
    else if (ch === "{") {
      const end = text.indexOf("}", i);
      if (end < 0) return `"{" at character ${i + 1} is not closed`;
      const part = placeholder(text.slice(i + 1, end));
      if (typeof part === "string") return part;
      if (literal) parts.push(literal);
      literal = "";
      parts.push(part);
      fields.add(part.field);
      i = end;
    } else literal += ch;
  }
  if (literal) parts.push(literal);
  if (parts.length === 0) return "empty pattern";
  return { text, parts, fields };
}

function placeholder(inner: string): Part | string {
  const colon = inner.indexOf(":");
  const name = colon < 0 ? inner : inner.slice(0, colon);
  const spec = colon < 0 ? "" : inner.slice(colon + 1);
  if (!(FRAME_FIELDS as readonly string[]).includes(name))
    return `unknown placeholder {${inner}} (use ${FRAME_FIELDS.map((f) => `{${f}}`).join(", ")})`;
  const m = /^(0?)(\d{0,2})d?$/.exec(spec);
  if (!m) return `unsupported format "${spec}" in {${inner}} (use e.g. {${name}:05d})`;
  return { field: name as FrameField, width: m[2] ? Number(m[2]) : 0, zero: m[1] === "0" };
}

/** The file name for one point. */
export function renderFramePattern(p: FramePattern, values: Record<FrameField, number>): string {
  let out = "";
  for (const part of p.parts) {
    if (typeof part === "string") out += part;
    else out += String(values[part.field]).padStart(part.width, part.zero ? "0" : " ");
  }
  return out;
}
