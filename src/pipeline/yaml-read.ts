/**
 * A YAML-subset reader for the experiment config (no YAML parser is a dependency): block maps
 * nested by indentation, block lists (`- item`, also `- key: value` maps), flow maps and lists
 * (`{a: 1, b: [1, 2]}`, nested, may span lines), single- and double-quoted and plain scalars,
 * numbers, booleans, null and `#` comments. Anchors, tags, multi-document files and block scalars
 * (`|`, `>`) are refused with the line number rather than misread.
 */
import { clip, InputError } from "../util/index.js";

export type YamlData = string | number | boolean | null | YamlData[] | { [key: string]: YamlData };

interface Line {
  /** 1-based line number in the file. */
  no: number;
  indent: number;
  /** The content after the indentation, comment stripped, right-trimmed. */
  text: string;
}

/** Parses YAML text; errors name `file` and the line. An empty document is an empty map. */
export function parseYaml(text: string, file = ""): YamlData {
  const lines = toLines(text, file);
  if (lines.length === 0) return {};
  const reader = new BlockReader(lines, file);
  const value = reader.block(lines[0]!.indent);
  if (reader.pos < lines.length) {
    const l = lines[reader.pos]!;
    throw new InputError(file, `line ${l.no}: unexpected indentation`);
  }
  return value;
}

function fail(file: string, no: number, problem: string): never {
  throw new InputError(file, `line ${no}: ${clip(problem, 200)}`);
}

/** Keys that would reach an object's prototype chain: refused wherever they appear. */
const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/** Sets a map entry as an own data property, refusing duplicates and prototype keys. */
function setKey(out: { [key: string]: YamlData }, key: string, v: YamlData, file: string, no: number): void {
  if (FORBIDDEN_KEYS.has(key)) fail(file, no, `"${key}" is not allowed as a key`);
  if (Object.hasOwn(out, key)) fail(file, no, `duplicate key "${key}"`);
  Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
}

/** Index of a `#` comment start (outside quotes, at line start or after a space), or -1. */
function commentStart(s: string): number {
  let quote: string | null = null;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quote) {
      if (c === "\\" && quote === '"') i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'") {
      // a quote opens a quoted scalar only at the start of one, not inside a plain word (it's)
      if (i === 0 || /[\s[{,:-]/.test(s[i - 1]!)) quote = c;
    } else if (c === "#" && (i === 0 || /\s/.test(s[i - 1]!))) return i;
  }
  return -1;
}

function toLines(text: string, file: string): Line[] {
  const out: Line[] = [];
  const raw = text.replace(/^\uFEFF/, "").split(/\r\n|\n|\r/);
  for (let i = 0; i < raw.length; i++) {
    let s = raw[i]!;
    const no = i + 1;
    const lead = /^[ \t]*/.exec(s)![0];
    if (lead.includes("\t") && s.trim() !== "") fail(file, no, "tabs are not allowed in indentation");
    const c = commentStart(s);
    if (c >= 0) s = s.slice(0, c);
    s = s.trimEnd();
    if (s.trim() === "") continue;
    if (/^(---|\.\.\.)(\s|$)/.test(s)) {
      if (out.length === 0 && s.trim() === "---") continue;
      fail(file, no, "only one YAML document is supported");
    }
    if (/^%/.test(s)) fail(file, no, "YAML directives are not supported");
    out.push({ no, indent: lead.length, text: s.slice(lead.length) });
  }
  return out;
}

/** `key: rest` split at the first `: ` (or a final `:`) outside quotes and brackets. */
function splitKey(text: string, file: string, no: number): { key: string; rest: string } | null {
  let i = 0;
  let key: string;
  if (text[0] === '"' || text[0] === "'") {
    const q = new FlowReader(text, file, no);
    key = q.quoted();
    i = q.pos;
    while (text[i] === " ") i++;
    if (text[i] !== ":") return null;
  } else {
    if (text[0] === "[" || text[0] === "{") return null;
    const m = /:(\s|$)/.exec(text);
    if (!m) return null;
    i = m.index;
    key = text.slice(0, i).trim();
    if (key === "") return null;
  }
  const rest = text.slice(i + 1).trim();
  return { key, rest };
}

class BlockReader {
  pos = 0;
  constructor(
    private readonly lines: Line[],
    private readonly file: string,
  ) {}

  /** A block (map, list or lone scalar) whose lines are indented exactly `indent`. */
  block(indent: number): YamlData {
    const first = this.lines[this.pos]!;
    if (first.text === "-" || first.text.startsWith("- ")) return this.list(indent);
    if (splitKey(first.text, this.file, first.no)) return this.map(indent);
    // a lone scalar or flow collection, possibly continued on more-indented lines
    this.pos++;
    return this.inline(first.text, first.no, indent);
  }

  private map(indent: number): { [key: string]: YamlData } {
    const out: { [key: string]: YamlData } = {};
    while (this.pos < this.lines.length) {
      const l = this.lines[this.pos]!;
      if (l.indent < indent) break;
      if (l.indent > indent) fail(this.file, l.no, "unexpected indentation");
      const kv = splitKey(l.text, this.file, l.no);
      if (!kv) {
        if (l.text.startsWith("- ") || l.text === "-")
          fail(this.file, l.no, "a list item where a key was expected");
        fail(this.file, l.no, `expected "key: value", got "${l.text}"`);
      }
      if (FORBIDDEN_KEYS.has(kv.key) || Object.hasOwn(out, kv.key))
        setKey(out, kv.key, null, this.file, l.no);
      this.pos++;
      setKey(out, kv.key, this.value(kv.rest, l.no, indent, true), this.file, l.no);
    }
    return out;
  }

  private list(indent: number): YamlData[] {
    const out: YamlData[] = [];
    while (this.pos < this.lines.length) {
      const l = this.lines[this.pos]!;
      if (l.indent < indent) break;
      if (l.indent > indent) fail(this.file, l.no, "unexpected indentation");
      if (!(l.text === "-" || l.text.startsWith("- "))) break;
      const rest = l.text.slice(1).trimStart();
      if (rest === "") {
        this.pos++;
        out.push(this.value("", l.no, indent, false));
        continue;
      }
      // the item's content starts a block at its own column: `- key: v` then `  key2: v2`
      const col = indent + (l.text.length - rest.length);
      this.lines[this.pos] = { no: l.no, indent: col, text: rest };
      out.push(this.block(col));
    }
    return out;
  }

  /**
   * The value after `key:` (or a bare `-`): inline text, or when empty a nested block on the
   * following lines (a list may sit at the key's own indentation, as YAML allows).
   */
  private value(rest: string, no: number, indent: number, afterKey: boolean): YamlData {
    if (rest !== "") return this.inline(rest, no, indent);
    const next = this.lines[this.pos];
    if (next && next.indent > indent) return this.block(next.indent);
    if (afterKey && next && next.indent === indent && (next.text === "-" || next.text.startsWith("- ")))
      return this.list(indent);
    return null;
  }

  /** An inline value; a flow collection left open continues on the following, deeper lines. */
  private inline(text: string, no: number, indent: number): YamlData {
    if (/^[|>]/.test(text)) fail(this.file, no, "block scalars (| and >) are not supported");
    if (/^[&*!]/.test(text)) fail(this.file, no, "anchors, aliases and tags are not supported");
    let full = text;
    const lineNos = [no];
    if (text[0] === "[" || text[0] === "{") {
      while (!balanced(full) && this.pos < this.lines.length && this.lines[this.pos]!.indent > indent) {
        const l = this.lines[this.pos++]!;
        full += ` ${l.text}`;
        lineNos.push(l.no);
      }
    } else {
      // a plain scalar folded over more-indented lines
      while (this.pos < this.lines.length && this.lines[this.pos]!.indent > indent) {
        const l = this.lines[this.pos++]!;
        if (splitKey(l.text, this.file, l.no)) fail(this.file, l.no, "unexpected indentation");
        full += ` ${l.text}`;
      }
    }
    const r = new FlowReader(full, this.file, no);
    const v = r.value(false);
    r.skipSpace();
    if (r.pos < full.length) fail(this.file, no, `unexpected text "${full.slice(r.pos)}"`);
    return v;
  }
}

/** Whether the brackets of a flow collection close (quotes respected). */
function balanced(s: string): boolean {
  let depth = 0;
  let quote: string | null = null;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quote) {
      if (c === "\\" && quote === '"') i++;
      else if (c === quote) quote = null;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === "[" || c === "{") depth++;
    else if (c === "]" || c === "}") depth--;
  }
  return depth <= 0;
}

/** Reads flow values (scalars, `[...]`, `{...}`) from one (joined) line of text. */
class FlowReader {
  pos = 0;
  constructor(
    private readonly s: string,
    private readonly file: string,
    private readonly no: number,
  ) {}

  skipSpace(): void {
    while (this.pos < this.s.length && /\s/.test(this.s[this.pos]!)) this.pos++;
  }

  /** A value; `inFlow` when inside brackets, where `,` `]` `}` end a plain scalar. */
  value(inFlow: boolean): YamlData {
    this.skipSpace();
    const c = this.s[this.pos];
    if (c === "[") return this.flowList();
    if (c === "{") return this.flowMap();
    if (c === '"' || c === "'") return this.quoted();
    return this.plain(inFlow);
  }

  quoted(): string {
    const q = this.s[this.pos]!;
    let out = "";
    let i = this.pos + 1;
    for (;;) {
      if (i >= this.s.length)
        fail(this.file, this.no, `unterminated ${q === '"' ? "double" : "single"}-quoted string`);
      const c = this.s[i]!;
      if (q === "'" && c === "'") {
        if (this.s[i + 1] === "'") {
          out += "'";
          i += 2;
          continue;
        }
        break;
      }
      if (q === '"' && c === '"') break;
      if (q === '"' && c === "\\") {
        const e = this.s[i + 1];
        const simple: Record<string, string> = {
          n: "\n",
          t: "\t",
          r: "\r",
          "0": "\0",
          '"': '"',
          "\\": "\\",
          "/": "/",
        };
        if (e !== undefined && e in simple) {
          out += simple[e];
          i += 2;
          continue;
        }
        if (e === "u" && /^[0-9a-fA-F]{4}$/.test(this.s.slice(i + 2, i + 6))) {
          out += String.fromCharCode(Number.parseInt(this.s.slice(i + 2, i + 6), 16));
          i += 6;
          continue;
        }
        fail(this.file, this.no, `unknown escape "\\${e ?? ""}" in a double-quoted string`);
      }
      out += c;
      i++;
    }
    this.pos = i + 1;
    return out;
  }

  private plain(inFlow: boolean): YamlData {
    const start = this.pos;
    while (this.pos < this.s.length) {
      const c = this.s[this.pos]!;
      if (inFlow && (c === "," || c === "]" || c === "}")) break;
      if (inFlow && c === ":" && /[\s,\]}]/.test(this.s[this.pos + 1] ?? " ")) break;
      if (c === "#" && /\s/.test(this.s[this.pos - 1] ?? " ")) break;
      this.pos++;
    }
    const text = this.s.slice(start, this.pos).trim();
    if (/^[&*!]/.test(text)) fail(this.file, this.no, "anchors, aliases and tags are not supported");
    if (!inFlow && /:(\s|$)/.test(text))
      fail(this.file, this.no, `a nested "key: value" is not allowed here`);
    return plainScalar(text);
  }

  private flowList(): YamlData[] {
    const out: YamlData[] = [];
    this.pos++;
    for (;;) {
      this.skipSpace();
      if (this.s[this.pos] === "]") {
        this.pos++;
        return out;
      }
      if (this.pos >= this.s.length) fail(this.file, this.no, `unclosed "[" (a "]" is missing)`);
      out.push(this.value(true));
      this.skipSpace();
      const c = this.s[this.pos];
      if (c === undefined) fail(this.file, this.no, `unclosed "[" (a "]" is missing)`);
      if (c === ",") this.pos++;
      else if (c !== "]")
        fail(this.file, this.no, `expected "," or "]" in a flow list, got "${c ?? "end of line"}"`);
    }
  }

  private flowMap(): { [key: string]: YamlData } {
    const out: { [key: string]: YamlData } = {};
    this.pos++;
    for (;;) {
      this.skipSpace();
      if (this.s[this.pos] === "}") {
        this.pos++;
        return out;
      }
      if (this.pos >= this.s.length) fail(this.file, this.no, `unclosed "{" (a "}" is missing)`);
      const k = this.value(true);
      if (k !== null && typeof k === "object") fail(this.file, this.no, "a map key must be a scalar");
      const key = String(k);
      this.skipSpace();
      let v: YamlData = null;
      if (this.s[this.pos] === ":") {
        this.pos++;
        this.skipSpace();
        const c = this.s[this.pos];
        if (c !== "," && c !== "}") v = this.value(true);
      } else fail(this.file, this.no, `expected ":" after the key "${key}" in a flow map`);
      setKey(out, key, v, this.file, this.no);
      this.skipSpace();
      const c = this.s[this.pos];
      if (c === undefined) fail(this.file, this.no, `unclosed "{" (a "}" is missing)`);
      if (c === ",") this.pos++;
      else if (c !== "}")
        fail(this.file, this.no, `expected "," or "}" in a flow map, got "${c ?? "end of line"}"`);
    }
  }
}

/** A plain scalar by YAML 1.2's core schema: null, booleans, numbers, else the text. */
function plainScalar(text: string): YamlData {
  if (text === "" || text === "~" || /^(null|Null|NULL)$/.test(text)) return null;
  if (/^(true|True|TRUE)$/.test(text)) return true;
  if (/^(false|False|FALSE)$/.test(text)) return false;
  if (/^[-+]?(\d[\d_]*)?(\.\d*)?([eE][-+]?\d+)?$/.test(text) && /\d/.test(text))
    return Number(text.replace(/_/g, ""));
  if (/^0x[0-9a-fA-F]+$/.test(text)) return Number.parseInt(text.slice(2), 16);
  if (/^[-+]?\.(inf|Inf|INF)$/.test(text)) return text.startsWith("-") ? -Infinity : Infinity;
  if (/^\.(nan|NaN|NAN)$/.test(text)) return Number.NaN;
  return text;
}
