/**
 * A tiny YAML emitter for the experiment config the simulator writes: nested maps, lists and
 * scalars in flow style where short, so the file reads like one a user would write by hand.
 */
export type YamlValue = string | number | boolean | null | YamlValue[] | { [k: string]: YamlValue };

function scalar(v: string | number | boolean | null): string {
  if (v === null) return "null";
  if (typeof v !== "string") return String(v);
  const plain = /^[A-Za-z0-9_./^-]+$/.test(v) && !/^(true|false|null|yes|no|on|off|[-+]?[\d.].*)$/i.test(v);
  return plain ? v : JSON.stringify(v);
}

function flow(v: YamlValue): string {
  if (Array.isArray(v)) return `[${v.map(flow).join(", ")}]`;
  if (v !== null && typeof v === "object")
    return `{${Object.entries(v)
      .map(([k, x]) => `${k}: ${flow(x)}`)
      .join(", ")}}`;
  return scalar(v);
}

/** Top-level keys one per line; their values in flow style, with an optional comment per key. */
export function toYaml(doc: Record<string, YamlValue>, comments: Record<string, string> = {}): string {
  const lines: string[] = [];
  for (const [k, v] of Object.entries(doc)) {
    const c = comments[k] ? `  # ${comments[k]}` : "";
    if (v !== null && typeof v === "object" && !Array.isArray(v) && Object.keys(v).length > 1) {
      lines.push(`${k}:${c}`);
      for (const [k2, v2] of Object.entries(v)) lines.push(`  ${k2}: ${flow(v2)}`);
    } else lines.push(`${k}: ${flow(v)}${c}`);
  }
  return `${lines.join("\n")}\n`;
}
