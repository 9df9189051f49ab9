/**
 * docs/config.md rendered from the config's schema (CONFIG_SCHEMA and the documentation each key
 * carries there): every key with its type, range, default, unit and an example — one source for
 * the validation and the reference (issue 21). `npm run docs:config` writes it; a test checks the
 * committed file is what the schema renders.
 */
import { z } from "zod";
import { CONFIG_SCHEMA } from "./config.js";

type Json = {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: Json[];
  properties?: Record<string, Json>;
  required?: string[];
  additionalProperties?: Json | boolean;
  items?: Json | Json[];
  prefixItems?: Json[];
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
  description?: string;
  default?: unknown;
  example?: string;
  unit?: string;
};

/** A schema's type as a reader wants it: `integer 2..20000`, `no | bbox | full`, `[number, number]`. */
function typeOf(s: Json): string {
  if (s.enum) return s.enum.map(String).join(" | ");
  if (s.anyOf) return [...new Set(s.anyOf.map(typeOf))].join(" or ");
  if (s.prefixItems) return `[${s.prefixItems.map(typeOf).join(", ")}]`;
  const named = (t: string) => (t === "string" ? "text" : t);
  const t = Array.isArray(s.type) ? s.type.map(named).join(" or ") : (s.type ?? "any");
  if (t === "array") {
    const item = Array.isArray(s.items) ? s.items[0] : s.items;
    return item?.properties ? "list of maps" : `list of ${item ? typeOf(item) : "values"}`;
  }
  if (t === "object") return s.properties ? "map" : "map of name → value";
  if (t === "number" || t === "integer") {
    const lo = s.minimum ?? s.exclusiveMinimum;
    const range =
      s.minimum !== undefined && s.maximum !== undefined
        ? ` ${s.minimum}..${s.maximum}`
        : lo !== undefined
          ? ` > ${lo === 0 && s.exclusiveMinimum === 0 ? 0 : lo}`
          : "";
    return `${t}${range}`;
  }
  if (t === "string") return "text";
  return t;
}

const cell = (v: unknown) => (v === undefined || v === "" ? "" : String(v).replaceAll("|", "\\|"));

/** One row per key, depth first: maps by their keys, maps of names by `<name>`, lists by `[]`. */
function rows(s: Json, path: string, required: boolean, out: string[][]): void {
  if (path !== "") {
    out.push([
      `\`${path}\``,
      cell(typeOf(s)),
      required ? "yes" : "",
      s.default === undefined ? "" : `\`${cell(JSON.stringify(s.default))}\``,
      cell(s.unit),
      cell(s.description),
      s.example ? `\`${cell(s.example)}\`` : "",
    ]);
  }
  const nested = (x: Json, prefix: string) => {
    for (const [k, v] of Object.entries(x.properties ?? {}))
      rows(v, prefix ? `${prefix}.${k}` : k, (x.required ?? []).includes(k), out);
    if (typeof x.additionalProperties === "object" && x.additionalProperties.properties)
      nested(x.additionalProperties, `${prefix}.<name>`);
  };
  if (s.properties || typeof s.additionalProperties === "object") nested(s, path);
  const item = Array.isArray(s.items) ? undefined : s.items;
  if (item?.properties) nested(item, `${path}[]`);
  // a key that is a file or a map: the map's keys under it (scan: {spec: …})
  // (required within its form only: the form's own key says which form)
  for (const v of s.anyOf ?? []) if (v.properties) nested({ ...v, required: [] }, path);
}

export function configDoc(): string {
  const json = z.toJSONSchema(CONFIG_SCHEMA, { io: "input", unrepresentable: "any" }) as Json;
  const all: string[][] = [];
  rows(json, "", false, all);
  // a key several forms share (scan.x in {spec: …}, {bliss: …}, {headers: …}) once, with each form's type
  const table: string[][] = [];
  for (const r of all) {
    const seen = table.find((t) => t[0] === r[0]);
    if (!seen) table.push(r);
    else if (r[1]!.includes(seen[1]!)) seen[1] = r[1]!;
    else if (!seen[1]!.includes(r[1]!)) seen[1] = `${seen[1]} or ${r[1]}`;
  }
  const head = ["key", "type", "required", "default", "unit", "what", "example"];
  const line = (r: string[]) => `| ${r.join(" | ")} |`;
  return [
    "# experiment.yaml",
    "",
    "The config of `swaxs run` (and `swaxs config check`), key by key. Generated from the schema the",
    "config is validated with (`src/pipeline/config.ts`) by `npm run docs:config`: do not edit by hand.",
    "Paths are relative to the config's folder. `swaxs init FOLDER` writes a starter config;",
    "`swaxs simulate` writes a complete one. `<name>` is a detector's name; `[]` a list's items.",
    "",
    line(head),
    line(head.map(() => "---")),
    ...table.map(line),
    "",
  ].join("\n");
}
